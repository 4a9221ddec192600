"""`llm-explainer ...` (= `python -m explainer ...`): the parser, each subcommand bound to its function by name.

The arguments are checked as they are parsed (arguments.py); the command's module, and with it torch, is imported
only after that, so a bad argument is refused at once. Bad input never shows a traceback: one line on stderr and
exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys

from explainer.cli import arguments

EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + message
        raise UsageError(f"{self.prog}: {message}")


def _model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--model", type=arguments.model, default="builtin", help="builtin | a checkpoint folder | hf:ID (e.g. hf:gpt2)"
    )
    p.add_argument("--device", type=arguments.device, default=None, help="auto | cpu | cuda | mps (default: auto)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _sampling_options(p: argparse.ArgumentParser, top: bool = True) -> None:
    p.add_argument(
        "--temperature",
        type=arguments.sampling("temperature", float),
        default=1.0,
        help="0 = always the most likely word",
    )
    if top:
        p.add_argument(
            "--top-k", type=arguments.sampling("top_k", int), default=0, help="keep the k most likely tokens (0 = off)"
        )
        p.add_argument(
            "--top-p",
            type=arguments.sampling("top_p", float),
            default=1.0,
            help="keep the smallest set reaching p (1 = off)",
        )
    p.add_argument("--seed", type=arguments.seed, default=None, help="random seed (shown when not given)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="llm-explainer", description="See how a language model predicts the next word.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("predict", help="probabilities of the next token")
    p.add_argument("text", type=arguments.text)
    p.add_argument("--top", type=arguments.positive, default=10)
    p.add_argument(
        "--lookup",
        action="store_true",
        help="also look the text up in the model's training text: the longest end found there and what came next",
    )
    _model_options(p)
    p.set_defaults(handler=("commands", "predict"))

    p = sub.add_parser("generate", help="continue a text token by token")
    p.add_argument("text", type=arguments.text)
    p.add_argument("--max-new", type=arguments.positive, default=40)
    _sampling_options(p)
    _model_options(p)
    p.set_defaults(handler=("commands", "generate"))

    p = sub.add_parser("chat", help="wrap a message in the assistant script and print the reply")
    p.add_argument("message", type=arguments.text)
    p.add_argument("--show-script", action="store_true", help="print the whole script the model sees")
    p.add_argument(
        "--begin", type=arguments.text, default=None, metavar="WORDS",
        help="the reply's first words, written for the model (it goes on from them as if it had written them)",
    )  # fmt: skip
    p.add_argument(
        "--run-on", action="store_true",
        help="also print what the model writes past the end of its reply (the person's next line included)",
    )  # fmt: skip
    p.add_argument("--max-new", type=arguments.positive, default=60)
    _sampling_options(p, top=False)
    _model_options(p)
    p.set_defaults(handler=("commands", "chat"))

    p = sub.add_parser("train", help="train a GPT on a text (or --preset builtin: rebuild the shipped model)")
    p.add_argument(
        "--preset",
        choices=["builtin", "tiny", "small", "medium"],
        default=None,
        help="builtin = rebuild assets/builtin; tiny|small|medium = a model size (flags override it)",
    )
    data = p.add_mutually_exclusive_group()
    data.add_argument("--text", metavar="FILE", help="a UTF-8 .txt/.md file to train on")
    data.add_argument("--corpus", choices=["builtin"], help="the built-in corpus")
    p.add_argument("--tokenizer", choices=["char", "word", "bpe"], default=None, help="default: char")
    p.add_argument("--vocab-size", type=int, default=None, help="vocabulary size for word / bpe")
    p.add_argument("--layers", type=int, default=None)
    p.add_argument("--heads", type=int, default=None)
    p.add_argument("--width", type=int, default=None, help="model width (d_model); heads must divide it")
    p.add_argument("--context", type=int, default=None, help="context length in tokens")
    p.add_argument("--batch", type=int, default=None, help="batch size")
    p.add_argument("--steps", type=int, default=None, help="optimisation steps (default: the preset's)")
    p.add_argument("--lr", type=float, default=None, help="peak learning rate")
    p.add_argument("--eval-every", type=int, default=None, help="validation loss every K steps")
    p.add_argument("--seed", type=arguments.seed, default=0)
    p.add_argument(
        "--compile",
        choices=["auto", "on", "off"],
        default="auto",
        help="torch.compile: auto = on CUDA, and on the CPU for long runs",
    )
    p.add_argument("--out", required=True, help="output checkpoint folder")
    p.add_argument("--device", type=arguments.device, default=None, help="auto | cpu | cuda | mps (default: auto)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=("train", "train"))

    p = sub.add_parser("eval", help="top-1 answer accuracy on the held-out questions")
    p.add_argument("--limit", type=arguments.positive, default=None, help="ask only the first N questions")
    _model_options(p)
    p.set_defaults(handler=("commands", "evaluate"))

    p = sub.add_parser(
        "precompute",
        help="compute a model's analyses once (embedding maps with t-SNE, the entity head, neurons) into its folder",
    )
    _model_options(p)
    p.set_defaults(handler=("commands", "precompute"))

    p = sub.add_parser("bench", help="print performance figures")
    p.add_argument("--quick", action="store_true", help="fewer repeats")
    p.add_argument(
        "--training",
        action="store_true",
        help="training speed: the engine beside a plain PyTorch loop (CPU, compiled CPU, GPU if present)",
    )
    _model_options(p)
    p.set_defaults(handler=("commands", "bench"))
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # its warnings would break "one line on stderr"
    try:
        args = build_parser().parse_args(argv)
        module, name = args.handler
        command = importlib.import_module(f"explainer.cli.{module}")  # torch comes in here
        out = getattr(command, name)(args)
    except (UsageError, ValueError) as e:  # BackendError is a ValueError
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print(f"error: {msg}" if not msg.startswith("llm-explainer") else msg, file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    print(json.dumps(out, indent=2, ensure_ascii=False) if args.json else getattr(command, f"show_{name}")(out))
    return 0
