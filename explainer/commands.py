"""The CLI's subcommands: each takes parsed args and returns a JSON-able dict."""

from __future__ import annotations

import argparse
import sys

from .backends import Backend, load_backend
from .sampling import SamplingParams, make_generator


def _backend(args: argparse.Namespace) -> Backend:
    # The CLI is the local user's own tool: it loads any folder. Only the app, which students reach over the
    # network, limits local models to the allowed folders (explainer/safety.py).
    return load_backend(args.model, args.device)


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("the text is empty: give at least one word")
    try:
        value.encode("utf-8")  # bytes that are not UTF-8 reach argv as lone surrogates
    except UnicodeEncodeError:
        raise ValueError("the text is not valid UTF-8: check your terminal's character encoding") from None
    return value


def predict(args) -> dict:
    if args.top < 1:
        raise ValueError("--top must be at least 1")
    b = _backend(args)
    ids, cut = b.fit(b.encode(_text(args.text)))
    probs = b.next_token_logits(ids).softmax(-1)
    p, i = probs.topk(min(args.top, probs.numel()))
    return {
        "model": b.info.name,
        "tokens": [b.token_str(t) for t in ids],
        "cut_from_left": cut,
        "next": [{"token": b.token_str(int(t)), "prob": float(q)} for q, t in zip(p, i)],
    }


def _sampling(args) -> SamplingParams:
    params = SamplingParams(args.temperature, getattr(args, "top_k", 0), getattr(args, "top_p", 1.0))
    params.validate()
    if args.max_new < 1:
        raise ValueError("--max-new must be at least 1")
    return params


def generate(args) -> dict:
    params = _sampling(args)
    b = _backend(args)
    gen, seed = make_generator(args.seed)
    steps = list(b.generate(b.encode(_text(args.text)), args.max_new, params, gen))
    return {"model": b.info.name, "seed": seed, "prompt": args.text, "text": "".join(s.text for s in steps)}


def chat(args) -> dict:
    from .chat import reply_steps, reply_text
    from .corpus import build_script

    params = _sampling(args)
    b = _backend(args)
    gen, seed = make_generator(args.seed)
    steps = list(reply_steps(b, [], _text(args.message), params, gen, args.max_new))
    reply = reply_text(steps)
    out = {"model": b.info.name, "seed": seed, "temperature": args.temperature, "reply": reply}
    if args.show_script:
        out["script"] = build_script([], args.message.strip()) + " " + reply
    return out


def train(args) -> dict:
    if args.preset == "builtin":
        from .builtin import train_builtin

        extra = [f for f in ("text", "corpus", "tokenizer", "vocab_size", "layers", "heads", "width", "context",
                             "batch", "lr", "eval_every") if getattr(args, f) is not None]  # fmt: skip
        if extra:
            raise ValueError(
                "--preset builtin rebuilds the shipped model: it takes only --out, --steps, --device and --seed"
            )
        from .train_cli import writable_folder

        writable_folder(args.out)
        log = (lambda s: print(s, file=sys.stderr)) if args.json else print
        return train_builtin(args.out, steps=args.steps, device=args.device, log=log, seed=args.seed)
    from .train_cli import train_from_args

    return train_from_args(args)


def eval(args) -> dict:  # noqa: A001 - the subcommand's name
    from .corpus import generate_corpus
    from .evaluate import heldout_accuracy

    if args.limit is not None and args.limit < 1:
        raise ValueError("--limit must be at least 1 (leave it out to ask every question)")
    b = _backend(args)
    r = heldout_accuracy(b, generate_corpus().heldout, args.limit)
    return {
        "model": b.info.name,
        "accuracy": r.accuracy,
        "items": r.n,
        "by_topic": {t: {"accuracy": a, "items": n} for t, (a, n) in r.by_topic.items()},
        "misses": [{"question": q, "expected": e, "predicted": p} for q, e, p in r.misses],
    }


def bench(args) -> dict:
    if getattr(args, "training", False):
        from .bench_training import bench_training

        return {"training": bench_training(quick=args.quick)}
    from .bench import run_bench

    return run_bench(_backend(args), quick=args.quick)


def format_human(command: str, out: dict) -> str:
    if command == "predict":
        lines = [f"{row['prob']:7.2%}  {row['token']!r}" for row in out["next"]]
        if out["cut_from_left"]:
            lines.insert(0, f"(the first {out['cut_from_left']} tokens were cut to fit the context)")
        return "\n".join(lines)
    if command == "generate":
        return f"{out['prompt']}{out['text']}\n(seed {out['seed']})"
    if command == "chat":
        seed = "" if out["temperature"] == 0 else f"\n(seed {out['seed']})"
        return out.get("script", out["reply"]) + seed
    if command == "eval":
        lines = [f"held-out accuracy: {out['accuracy']:.1%} of {out['items']} questions"]
        lines += [f"  {t:22s} {v['accuracy']:6.1%}  ({v['items']})" for t, v in out["by_topic"].items()]
        return "\n".join(lines)
    if command == "bench" and "training" in out:
        from .bench_training import format_training

        return format_training(out["training"])
    if command == "train" and "heldout_accuracy" in out:
        return f"held-out accuracy {out['heldout_accuracy']:.1%}, {out['train_seconds']} s"
    if command == "train":
        from .train_cli import format_summary

        return format_summary(out)
    return "\n".join(f"{k:24s} {v}" for k, v in out.items())
