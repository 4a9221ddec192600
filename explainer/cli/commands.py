"""The CLI's subcommands but `train` (train.py): each takes the parsed args (already checked: arguments.py) and
returns a JSON-able dict, and has a `show_*` function that writes that dict for people."""

from __future__ import annotations

import argparse
import time

from explainer.analysis import precomputed
from explainer.analysis.inference import run_bench
from explainer.analysis.lookup import training_text
from explainer.backends.base import Backend
from explainer.backends.load import load_backend
from explainer.corpus.generator import builtin_corpus
from explainer.generation.chat import opening_probability, reply_steps, reply_text, run_on
from explainer.generation.script import script_for
from explainer.model.sampling import SamplingParams, make_generator
from explainer.training.evaluate import heldout_accuracy
from explainer.training.throughput import bench_training, format_training


def _backend(args: argparse.Namespace) -> Backend:
    # The CLI is the local user's own tool: it loads any folder. Only the app, which students reach over the
    # network, limits local models to the allowed folders (explainer/backends/safety.py).
    return load_backend(args.model, args.device)


def _sampling(args) -> SamplingParams:
    return SamplingParams(args.temperature, getattr(args, "top_k", 0), getattr(args, "top_p", 1.0))


# ----------------------------------------------------------------------------- predict
def predict(args) -> dict:
    b = _backend(args)
    ids, cut = b.fit(b.encode(args.text))
    probs = b.next_token_logits(ids).softmax(-1)
    p, i = probs.topk(min(args.top, probs.numel()))
    out = {
        "model": b.info.name,
        "tokens": [b.token_str(t) for t in ids],
        "cut_from_left": cut,
        "next": [{"token": b.token_str(int(t)), "prob": float(q)} for q, t in zip(p, i)],
    }
    if args.lookup:
        out["lookup"] = _lookup(b, ids, args.top)
    return out


def _lookup(b: Backend, ids: list[int], top: int) -> dict:
    """The text looked up in the model's training text (a ValueError where the app does not have that text)."""
    training = training_text(b)
    if training is None:
        raise ValueError(
            f"the text {b.info.name} was trained on is not here: --lookup needs the built-in model or a run's snapshot "
            "(the training page's “Use this model on every page”)"
        )
    found = training.lookup(ids)
    after = [(t, found.after[t]) for t in found.ranked()[:top]]
    return {
        "end": b.decode(ids[len(ids) - found.length :]),
        "tokens": found.length,
        "times": found.times,
        "whole_text": found.whole,
        "next": [{"token": b.token_str(t), "count": n, "share": n / found.times} for t, n in after],
    }


def show_predict(out: dict) -> str:
    lines = [f"{row['prob']:7.2%}  {row['token']!r}" for row in out["next"]]
    if out["cut_from_left"]:
        lines.insert(0, f"(the first {out['cut_from_left']} tokens were cut to fit the context)")
    if (found := out.get("lookup")) is not None:
        where = "the whole text" if found["whole_text"] else f"its last {found['tokens']} tokens, {found['end']!r}"
        lines += ["", f"in the training text: {where}, {found['times']} times; next came:"]
        lines += [f"{row['share']:7.2%}  {row['token']!r} ({row['count']})" for row in found["next"]]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- generate
def generate(args) -> dict:
    params = _sampling(args)
    b = _backend(args)
    gen, seed = make_generator(args.seed)
    steps = list(b.generate(b.encode(args.text), args.max_new, params, gen))
    return {"model": b.info.name, "seed": seed, "prompt": args.text, "text": "".join(s.text for s in steps)}


def show_generate(out: dict) -> str:
    return f"{out['prompt']}{out['text']}\n(seed {out['seed']})"


# ----------------------------------------------------------------------------- chat
def chat(args) -> dict:
    params = _sampling(args)
    b = _backend(args)
    gen, seed = make_generator(args.seed)
    steps = list(reply_steps(b, [], args.message, params, gen, args.max_new, opening=args.begin or ""))
    reply = reply_text(steps, args.begin or "")
    out = {"model": b.info.name, "seed": seed, "temperature": args.temperature, "reply": reply}
    if args.begin:  # how likely the model was to begin so itself
        out["begin_probability"] = opening_probability(b, [], args.message, args.begin)
    if args.show_script:
        form = script_for(b)
        out["script"] = form.script([], args.message.strip()) + form.answer(reply).rstrip("\n")
    if args.run_on:  # what it writes past its reply's end, where a chatbot stops reading
        found = run_on(b, [(args.message.strip(), reply)], params, gen)
        message, answer = found.exchange or (None, None)
        out["run_on"] = {
            "text": found.text,
            "message": message,
            "reply": answer,
            "new_conversation": found.new_conversation,
        }
    return out


def show_chat(out: dict) -> str:
    seed = "" if out["temperature"] == 0 else f"\n(seed {out['seed']})"
    past = (
        f"\n--- past the end of its reply, where a chatbot stops reading ---\n{out['run_on']['text']}"
        if "run_on" in out
        else ""
    )
    return out.get("script", out["reply"]) + past.rstrip("\n") + seed


# ----------------------------------------------------------------------------- eval
def evaluate(args) -> dict:
    b = _backend(args)
    r = heldout_accuracy(b, builtin_corpus().heldout, args.limit)
    return {
        "model": b.info.name,
        "accuracy": r.accuracy,
        "items": r.n,
        "by_topic": {t: {"accuracy": a, "items": n} for t, (a, n) in r.by_topic.items()},
        "misses": [{"question": q, "expected": e, "predicted": p} for q, e, p in r.misses],
    }


def show_evaluate(out: dict) -> str:
    lines = [f"held-out accuracy: {out['accuracy']:.1%} of {out['items']} questions"]
    lines += [f"  {t:22s} {v['accuracy']:6.1%}  ({v['items']})" for t, v in out["by_topic"].items()]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- bench
def precompute(args) -> dict:
    """The model's analyses into its own folder (assets/builtin for the built-in model), where the app reads them."""
    backend = _backend(args)
    if backend.folder is None:
        raise ValueError("this model has no checkpoint folder to keep its analyses in (a Hub model is computed live)")
    t0 = time.perf_counter()
    path = precomputed.write(precomputed.ModelAnalyses(backend), backend.folder)
    return {"file": str(path), "bytes": path.stat().st_size, "seconds": round(time.perf_counter() - t0, 1),
            "weights_sha256": precomputed.weights_digest(backend)}  # fmt: skip


def show_precompute(out: dict) -> str:
    return f"wrote {out['file']} ({out['bytes']:,} bytes) in {out['seconds']} s"


def bench(args) -> dict:
    if args.training:
        return {"training": bench_training(quick=args.quick)}
    return run_bench(_backend(args), quick=args.quick)


def show_bench(out: dict) -> str:
    if "training" in out:
        return format_training(out["training"])
    return "\n".join(f"{k:24s} {v}" for k, v in out.items())
