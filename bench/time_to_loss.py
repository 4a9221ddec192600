"""Time to a validation loss (issue 18): our engine, as `llm-explainer train` runs it, beside nanoGPT's loop
(`bench/nanogpt_reference.py`), in one process, on the same text split, scored on the same fixed validation windows.

The two take turns, `--eval-every` steps each (who goes first alternates), so that a busy machine slows both alike;
only the training steps are timed (the shared evaluations are not). The target is the reference's final
validation loss unless `--target` is given; the time to it is read off each curve (linear between evaluations).
Each side trains at its own learning rate: nanoGPT's 1e-3, the engine's for these sizes (the CPU recipe's sizes are
`llm-explainer train --preset small`, 2e-3); `--lr 1e-3` gives the engine nanoGPT's.
Prints one JSON object and draws both curves against training seconds into `--picture` (a PNG, via Chromium).

    python -m bench.time_to_loss                 # nanoGPT's CPU recipe: 4 layers, width 128, context 64, batch 12
    python -m bench.time_to_loss --recipe gpu    # its GPU recipe: 6 layers, width 384, context 256, batch 64, compiled
    python -m bench.time_to_loss --steps 300     # a short smoke run

The text: tinyshakespeare (`bench/data/tinyshakespeare.txt`, karpathy/char-rnn's `data/tinyshakespeare/input.txt`,
not committed) when present, else the built-in corpus; `--text FILE` for another.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import replace
from pathlib import Path

import torch

from bench.nanogpt_reference import RefGPT, RefTrainer
from explainer.model.device import configure_threads, device_label, pick_device, timed
from explainer.model.gpt import GPT
from explainer.training.cores import sized_threads
from explainer.training.data import prepare_data
from explainer.training.spec import PRESETS, RunSpec
from explainer.training.text import load_text
from explainer.training.trainer import Trainer, train_autocast

SHAKESPEARE = Path(__file__).parent / "data" / "tinyshakespeare.txt"
# nanoGPT's recipes: the README's CPU command, and config/train_shakespeare_char.py on a GPU
RECIPES = {
    "cpu": dict(n_layer=4, n_head=4, d_model=128, context_length=64, batch_size=12, lr=1e-3, steps=2000),
    "gpu": dict(n_layer=6, n_head=6, d_model=384, context_length=256, batch_size=64, lr=1e-3, steps=5000),
}
SIZES = ("n_layer", "n_head", "d_model", "context_length", "batch_size")
EXTRA = {
    "cpu": dict(dropout=0.0, compile=False, eval_iters=20, log_interval=1),
    "gpu": dict(dropout=0.2, compile=True, eval_iters=200, log_interval=10),
}


def own_lr(recipe: dict) -> float:
    """The learning rate `llm-explainer train` uses for a recipe's sizes: its preset's (the CPU recipe is exactly
    `--preset small`, 2e-3), else the recipe's own (nanoGPT's)."""
    same = [p for p in PRESETS.values() if all(getattr(p, k) == recipe[k] for k in SIZES)]
    return same[0].lr if same else recipe["lr"]


def fixed_batches(ids: torch.Tensor, n: int, batch: int, ctx: int, device) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """n validation batches drawn once (seed 1234): x, y (B, T) each."""
    gen = torch.Generator().manual_seed(1234)
    offsets = torch.arange(ctx + 1)
    starts = [torch.randint(0, len(ids) - ctx - 1, (batch,), generator=gen) for _ in range(n)]
    rows = [ids[s[:, None] + offsets].long() for s in starts]
    return [(r[:, :-1].contiguous().to(device), r[:, 1:].contiguous().to(device)) for r in rows]


@torch.no_grad()
def val_loss(model: torch.nn.Module, batches, autocast) -> float:
    """Mean loss over the fixed batches, each model under its own training precision."""
    model.eval()
    total = 0.0
    for x, y in batches:
        with autocast:
            total += float(model(x, y)[1])
    return total / len(batches)


def time_to(curve: list[tuple[int, float, float]], target: float) -> float | None:
    """Training seconds at which a curve of (step, seconds, val loss) first reaches `target` (linear in between)."""
    for (_, t0, l0), (_, t1, l1) in zip(curve, curve[1:]):
        if l1 <= target:
            return t1 if l0 == l1 else t0 + (t1 - t0) * (l0 - target) / (l0 - l1)
    return None


def run(recipe: str = "cpu", steps: int | None = None, eval_every: int = 100, text: str | None = None,
        target: float | None = None, device: str | None = None, **engine) -> dict:  # fmt: skip
    """Both trainings, turn by turn; `engine`: TrainConfig fields to try on the engine (betas, cpu_bf16, ...)."""
    dev = pick_device(device or ("cuda" if recipe == "gpu" else "cpu"))
    if dev.type == "cpu":
        configure_threads()
    resize = sized_threads(dev)  # as the command line does: threads follow the free cores, round by round (both)
    extra = EXTRA[recipe]
    spec = RunSpec(source="upload", tokenizer="char", **{**RECIPES[recipe], **({"steps": steps} if steps else {})})
    spec.compile = extra["compile"]
    path = Path(text) if text else SHAKESPEARE if SHAKESPEARE.exists() else None
    text_name = str(path) if path else "built-in corpus"
    data = prepare_data(path.read_text(encoding="utf-8") if path else load_text("builtin"), "char")
    V, T, B = data.tokenizer.vocab_size, spec.context_length, spec.batch_size
    batches = fixed_batches(data.val_ids, extra["eval_iters"], B, T, dev)

    torch.manual_seed(0)
    ref_model = RefGPT(V, T, spec.n_layer, spec.n_head, spec.d_model, extra["dropout"])
    ref = RefTrainer(ref_model, data.train_ids, steps=spec.steps, batch_size=B, context=T, lr=spec.lr, device=dev,
                     compile=spec.compile, log_interval=extra["log_interval"])  # fmt: skip
    torch.manual_seed(spec.seed)
    model = GPT(replace(spec.model_config(V), dropout=extra["dropout"]))
    engine = {"lr": own_lr(RECIPES[recipe]), **engine}
    eng = Trainer(model, data.train_ids, None, replace(spec.train_config(), track_updates=False, **engine), dev)

    sides = {
        "reference": (ref, ref_model, ref.autocast),
        "engine": (eng, model, train_autocast(dev, eng.cfg.cpu_bf16)),
    }
    curves = {k: [(0, 0.0, val_loss(m, batches, ac))] for k, (_, m, ac) in sides.items()}
    seconds = dict.fromkeys(sides, 0.0)
    rounds = 0
    while not (ref.done and eng.done):
        order = list(sides) if rounds % 2 == 0 else list(sides)[::-1]
        for k in order:
            trainer, m, ac = sides[k]
            seconds[k] += timed(lambda tr=trainer: tr.step(eval_every), dev)
            curves[k].append((trainer.step_count, seconds[k], val_loss(m, batches, ac)))
        rounds += 1
        if resize:
            resize()
    goal = target if target is not None else curves["reference"][-1][2]
    times = {k: time_to(c, goal) for k, c in curves.items()}
    tokens = spec.steps * B * T
    first = {k: c[1] for k, c in curves.items()}  # (step, seconds, loss) after the first round: compiling is in it
    return {
        "recipe": recipe,
        "text": text_name,
        "device": device_label(dev),  # the thread count at the end
        "load_average": os.getloadavg(),
        "model": {f: getattr(spec, f) for f in SIZES},
        "steps": spec.steps,
        "lr": spec.lr,  # the reference's; the engine's is in engine_settings
        "engine_settings": {"betas": list(eng.cfg.betas), "cpu_bf16": eng.cfg.cpu_bf16, **engine},
        "target_val_loss": round(goal, 4),
        "final_val_loss": {k: round(c[-1][2], 4) for k, c in curves.items()},
        "train_seconds": {k: round(s, 2) for k, s in seconds.items()},
        "tokens_per_s": {k: round(tokens / s) for k, s in seconds.items()},
        "tokens_per_s_after_first_round": {
            k: round((spec.steps - first[k][0]) * B * T / max(1e-9, seconds[k] - first[k][1])) for k in sides
        },
        "seconds_to_target": {k: None if t is None else round(t, 2) for k, t in times.items()},
        "time_ratio": round(times["engine"] / times["reference"], 3) if None not in times.values() else None,
        "curves": {k: [[s, round(t, 2), round(v, 4)] for s, t, v in c] for k, c in curves.items()},
    }


def picture(result: dict, path: str | Path) -> Path:
    """Both validation curves against training seconds, the target as a dashed line: a PNG at `path`."""
    import plotly.graph_objects as go
    from playwright.sync_api import sync_playwright

    from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS

    names = {"reference": "nanoGPT's loop (reference)", "engine": "our engine (llm-explainer train)"}
    fig = go.Figure()
    for k, c in result["curves"].items():
        fig.add_scatter(x=[p[1] for p in c], y=[p[2] for p in c], mode="lines+markers", name=names[k])
    goal = result["target_val_loss"]
    fig.add_hline(y=goal, line_dash="dash", line_color="gray", annotation_text=f"target {goal:.3f}")
    m = result["model"]
    fig.update_layout(
        title=f"Validation loss against training time<br><sup>{m['n_layer']} layers, width {m['d_model']}, context "
        f"{m['context_length']}, batch {m['batch_size']}, {result['steps']} steps, {result['device']}; learning rate "
        f"{result['lr']:g} (reference), {result['engine_settings']['lr']:g} (engine)</sup>",
        xaxis_title="training seconds", yaxis_title="validation loss (same fixed batches)",
        width=1100, height=620, font_size=16, legend=dict(x=0.55, y=0.95), template="plotly_white",
    )  # fmt: skip
    lo = min(p[2] for c in result["curves"].values() for p in c)
    fig.update_yaxes(range=[lo - 0.05, min(3.5, max(p[2] for c in result["curves"].values() for p in c[1:]) + 0.1)])
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1100, "height": 620})
        page.set_content(fig.to_html(include_plotlyjs=True, full_html=True, config={"staticPlot": True}))
        page.wait_for_selector(".main-svg")
        page.screenshot(path=str(out))
        browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--recipe", choices=list(RECIPES), default="cpu")
    ap.add_argument("--steps", type=int, help="fewer steps for a smoke run (the schedule shortens with them)")
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--text", help="a text file (default: tinyshakespeare if present, else the built-in corpus)")
    ap.add_argument("--target", type=float, help="validation loss to reach (default: the reference's final)")
    ap.add_argument("--betas", help="try other AdamW betas on the engine, e.g. 0.9,0.95")
    ap.add_argument("--cpu-bf16", choices=["on", "off"], help="bf16 autocast on the CPU for the engine")
    ap.add_argument("--lr", type=float, help="the engine's peak learning rate (default: its own, see own_lr)")
    ap.add_argument("--compile-mode", help='torch.compile mode for the engine, e.g. "reduce-overhead" (CUDA graphs)')
    ap.add_argument("--picture", help="PNG of both curves, e.g. docs/time_to_loss_cpu.png")
    args = ap.parse_args()
    engine = {}
    if args.betas:
        engine["betas"] = tuple(float(b) for b in args.betas.split(","))
    if args.cpu_bf16:
        engine["cpu_bf16"] = args.cpu_bf16 == "on"
    if args.lr:
        engine["lr"] = args.lr
    if args.compile_mode:
        engine["compile_mode"] = args.compile_mode
    t0 = time.perf_counter()
    result = run(args.recipe, args.steps, args.eval_every, args.text, args.target, **engine)
    result["wall_seconds"] = round(time.perf_counter() - t0, 1)
    if args.picture:
        try:
            result["picture"] = str(picture(result, args.picture))
        except Exception as e:  # no Chromium or Playwright here (a bare GPU machine): the figures still print
            result["picture"] = f"not drawn: {type(e).__name__}: {e}"
    print(json.dumps(result))


if __name__ == "__main__":
    main()
