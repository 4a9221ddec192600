"""`llm-explainer train --text FILE | --corpus builtin | --preset builtin ...`: one run of the shared engine, with a
progress line on stderr (tqdm), a checkpoint folder every page and command can load, and a summary (JSON on stdout
with --json)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from tqdm import tqdm

from explainer.analysis.sense_probe import probe_table
from explainer.corpus.generator import PROBE_SENTENCES
from explainer.model.checkpoints import save_checkpoint
from explainer.model.device import configure_threads, device_label, pick_device
from explainer.training.builtin import train_builtin
from explainer.training.cores import sized_threads
from explainer.training.memorising import memorising
from explainer.training.run import new_run
from explainer.training.spec import RunSpec
from explainer.training.text import load_text, read_text_file
from explainer.training.trainer import Trainer, train_to_end

# torch.compile on the CPU costs 20-40 s of compiling and then saves about 2 ms a step on the
# 4-layer benchmark model (training/throughput.py, 2 cores): it pays after ~10-20,000 steps, so "auto"
# turns it on for runs at least this long on the CPU, and always on CUDA. The page never compiles.
CPU_COMPILE_MIN_STEPS = 20_000

FLAGS = {  # CLI flag -> RunSpec field
    "tokenizer": "tokenizer", "vocab_size": "vocab_size", "layers": "n_layer", "heads": "n_head",
    "width": "d_model", "context": "context_length", "batch": "batch_size", "steps": "steps", "lr": "lr",
    "eval_every": "eval_every", "seed": "seed",
}  # fmt: skip
BAR = "[{bar:20}] step {n_fmt}/{total_fmt}  {desc}  {elapsed}, ETA {remaining}"


def train(args) -> dict:
    """The `train` subcommand: the built-in recipe (--preset builtin) or a run of the given size on the given text."""
    if args.preset == "builtin":
        extra = [f for f in ("text", "corpus", "tokenizer", "vocab_size", "layers", "heads", "width", "context",
                             "batch", "lr", "eval_every") if getattr(args, f) is not None]  # fmt: skip
        if extra:
            raise ValueError(
                "--preset builtin rebuilds the shipped model: it takes only --out, --steps, --device and --seed"
            )
        writable_folder(args.out)
        log = (lambda s: print(s, file=sys.stderr)) if args.json else print
        return train_builtin(args.out, steps=args.steps, device=args.device, log=log, seed=args.seed, probe=sense_probe)
    return train_from_args(args)


def sense_probe(backend) -> dict:
    """The built-in recipe's sense probe: word -> accuracy per stage on the held-out two-meaning sentences."""
    return probe_table(backend, PROBE_SENTENCES)


def show_train(out: dict) -> str:
    if "heldout_accuracy" in out:  # the built-in recipe
        return f"held-out accuracy {out['heldout_accuracy']:.1%}, {out['train_seconds']} s"
    val = f", validation loss {out['final_val_loss']:.3f}" if out["final_val_loss"] is not None else ""
    said = (
        f"saved to {out['out']}: {out['parameters']:,} parameters, {out['steps']} steps, "
        f"train loss {out['final_train_loss']:.3f}{val}, {out['tokens_per_s']:,.0f} tokens/s, "
        f"{out['wall_seconds']} s in all"
    )
    if seen := out.get("memorising"):
        said += (
            f"\nmemorising: the validation loss was lowest at step {seen['best_step']:,} ({seen['best_val_loss']:.3f}) "
            "and has climbed since while the training loss fell; fewer steps or more text would do better"
        )
    return said


def _memorising(history) -> dict | None:
    """Where the validation loss was lowest, when it has climbed since while the training loss fell; else None."""
    seen = memorising(history)
    return None if seen is None else {"best_step": seen.best_step, "best_val_loss": round(seen.best_val, 4)}


def writable_folder(path: str) -> Path:
    """The output folder, created now and checked writable, so that a bad --out fails before training."""
    folder = Path(path).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise ValueError(f"--out {path}: cannot write there ({e.strerror or type(e).__name__})") from None
    return folder


def spec_from_args(args) -> RunSpec:
    """The run's spec from the parsed flags, checked before any text is read (ValueError on bad input)."""
    overrides = {field: getattr(args, flag) for flag, field in FLAGS.items() if getattr(args, flag, None) is not None}
    if args.text:
        overrides.update(source="upload", source_name=Path(args.text).name)
    elif args.corpus == "builtin":
        overrides.update(source="builtin", source_name="built-in corpus")
    else:
        raise ValueError("say what to train on: --text FILE or --corpus builtin (or --preset builtin)")
    spec = RunSpec.from_preset(args.preset or "tiny", **overrides)
    if args.eval_every is None:
        spec.eval_every = max(1, min(200, spec.steps // 10))
    return spec.validate()


def file_text(path: str) -> str:
    """A text file to train on, checked as an upload is (ValueError naming the file)."""
    raw = read_text_file(path)  # its refusals name the file
    try:
        return load_text("upload", raw)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None


def use_compile(choice: str, device, steps: int) -> bool:
    if choice != "auto":
        return choice == "on"
    return device.type == "cuda" or (device.type == "cpu" and steps >= CPU_COMPILE_MIN_STEPS)


class Progress:
    """The progress line on stderr, drawn by tqdm: rewritten in place on a terminal; elsewhere (a log, CI, a pipe)
    one plain line every ~5 % of the run."""

    def __init__(self, total: int, stream=None):
        self.total, self.stream = total, stream or sys.stderr
        self.tty = self.stream.isatty()
        self.chunk = max(1, total // 100) if self.tty else max(1, total // 20)  # steps between two updates
        self.val: float | None = None
        self.t0 = time.perf_counter()
        self.bar = tqdm(total=total, file=self.stream, bar_format=BAR, ascii=" #", disable=not self.tty)

    def status(self, tr: Trainer) -> str:
        recent = tr.history.train_loss[-10:]
        val = f"  val {self.val:.3f}" if self.val is not None else ""
        return f"loss {sum(recent) / len(recent):.3f}{val}  {tr.tokens_per_second:,.0f} tok/s"

    def update(self, tr: Trainer) -> None:
        if self.tty:
            self.bar.set_description_str(self.status(tr), refresh=False)
            self.bar.update(tr.step_count - self.bar.n)
        else:
            elapsed = time.perf_counter() - self.t0
            line = tqdm.format_meter(
                tr.step_count, self.total, elapsed, prefix=self.status(tr), bar_format=BAR, ascii=" #"
            )
            print(line, file=self.stream, flush=True)

    def on_eval(self, tr: Trainer, val: float) -> None:
        self.val = val

    def close(self) -> None:
        self.bar.close()


def train_from_args(args) -> dict:
    t_start = time.perf_counter()
    spec = spec_from_args(args)
    text = file_text(args.text) if args.text else None
    writable_folder(args.out)  # a bad flag, file or --out fails at once, before the built-in corpus (seconds to write)
    text = text or load_text("builtin")
    device = pick_device(args.device)
    if device.type == "cpu":
        configure_threads()
    resize = sized_threads(device)  # threads follow the cores other work leaves free, chunk by chunk
    spec.compile = use_compile(args.compile, device, spec.steps)
    run = new_run(spec, text, device)
    data, tr = run.data, run.trainer
    log = lambda s: print(s, file=sys.stderr, flush=True)
    log(
        f"{spec.source_name}: {len(data.train_ids):,} training tokens, {len(data.val_ids):,} validation tokens, "
        f"{spec.tokenizer} vocabulary {data.tokenizer.vocab_size:,}; model {run.model.n_params():,} parameters "
        f"on {device_label(device)}{', compiled' if spec.compile else ''}"
    )
    progress = Progress(spec.steps)
    tr.on_eval = progress.on_eval  # no on_step: the losses are read back once per chunk
    t0 = time.perf_counter()

    def after_chunk(trainer: Trainer) -> None:
        progress.update(trainer)
        if resize:
            resize()

    first_step_s = train_to_end(tr, progress.chunk, after_chunk)
    progress.close()
    train_s = time.perf_counter() - t0
    recent = tr.history.train_loss[-10:]
    summary = {
        "out": str(args.out),
        "parameters": run.model.n_params(),
        "steps": tr.step_count,
        "tokens_seen": tr.tokens_seen,
        "final_train_loss": round(sum(recent) / len(recent), 4),  # mean of the last 10 steps
        "final_val_loss": round(tr.history.val_loss[-1], 4) if tr.history.val_loss else None,
        "memorising": _memorising(tr.history),
        "tokens_per_s": round(tr.tokens_seen / train_s, 1),
        "wall_seconds": None,
        "train_seconds": round(train_s, 2),
        "compiled": spec.compile,
        "first_step_seconds": round(first_step_s, 2),  # includes the compile time when compiled
        "device": device_label(device),
        "tokenizer": spec.tokenizer,
        "vocab_size": data.tokenizer.vocab_size,
        "train_tokens": len(data.train_ids),
        "val_tokens": len(data.val_ids),
        "spec": spec.to_dict(),
    }
    meta = {k: v for k, v in summary.items() if k not in ("out", "wall_seconds")}
    save_checkpoint(run.model.float().cpu(), data.tokenizer, args.out, meta)
    summary["wall_seconds"] = round(time.perf_counter() - t_start, 2)
    return summary
