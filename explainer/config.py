"""Every setting of the app and the command line: the LLM_EXPLAINER_* environment variables, read with one parser
each time they are asked for (never at import, so a test or a teacher's shell can change them), and the paths of
the files that ship with the package. The README's settings table says what each one does."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from explainer.i18n import _

ASSETS = Path(__file__).resolve().parent.parent / "assets"  # shipped next to the package
BUILTIN_DIR = ASSETS / "builtin"
ICON = ASSETS / "icon.png"  # the browser tab's icon, served by the app itself (no font CDN: classrooms may be offline)
WHY_GPUS_REFERENCE = ASSETS / "why_gpus_reference.json"  # bench/why_gpus_reference.py's run, beside the live one
BUILTIN_TWIN = ASSETS / "builtin-twin"  # the same recipe from another random seed (the Emergence page)

MODEL = "LLM_EXPLAINER_MODEL"
DEVICE = "LLM_EXPLAINER_DEVICE"
THREADS = "LLM_EXPLAINER_THREADS"
MODEL_DIRS = "LLM_EXPLAINER_MODEL_DIRS"
RUNS = "LLM_EXPLAINER_RUNS"
RUNS_MAX_AGE_HOURS = "LLM_EXPLAINER_RUNS_MAX_AGE_HOURS"
RUNS_MAX_MB = "LLM_EXPLAINER_RUNS_MAX_MB"
POLLS = "LLM_EXPLAINER_POLLS"
MAX_TRAININGS = "LLM_EXPLAINER_MAX_TRAININGS"
MAX_TRAIN_MB = "LLM_EXPLAINER_MAX_TRAIN_MB"
MAX_HUB_MB = "LLM_EXPLAINER_MAX_HUB_MB"
DEFAULT_MAX_HUB_MB = 1200  # GPT-2 small (548 MB) and Qwen2.5-0.5B (990 MB) fit; gpt2-large (3,250 MB) does not


@dataclass(frozen=True)
class Settings:
    model: str  # the model the app starts on: "builtin", a checkpoint folder or "hf:ID"
    device: str  # auto | cpu | cuda | cuda:1 | mps (as written; model.device reads it)
    threads: int | None  # CPU threads for torch; None: the cores this process may use
    model_dirs: tuple[Path, ...]  # more folders the app may load models from
    runs: Path  # the run store, where students' training runs are saved
    runs_max_age_hours: float
    runs_max_mb: float
    polls: Path  # the class polls' folder (shared by every replica, like the run store)
    max_trainings: int  # students training at the same time
    max_train_mb: float  # memory one student's training may take, estimated before it starts
    cache: Path  # what the app writes once per machine and reads back (the built-in corpus: corpus/stored.py)


DEVICE_NAME = re.compile(r"auto|cpu|mps|cuda(:\d+)?")


def device_name(requested: str | None = None) -> str:
    """The device asked for (`requested`, else the LLM_EXPLAINER_DEVICE setting), lower-cased and checked for its form
    only, not whether this machine has it: auto, cpu, mps, cuda or cuda:N. ValueError otherwise."""
    name = (requested or settings().device).strip().lower()
    if not DEVICE_NAME.fullmatch(name):
        raise ValueError(_("unknown device {name!r}: use auto, cpu, cuda or mps").format(name=name))
    return name


def settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings now (from `environ`, default os.environ). A value that is not a number falls back to the
    default, except LLM_EXPLAINER_MAX_HUB_MB, which `hub_limit_mb` refuses with a message."""
    env = os.environ if environ is None else environ
    threads, trainings, runs = _number(env, THREADS, whole=True), _number(env, MAX_TRAININGS, whole=True), env.get(RUNS)
    cache, polls = Path.home() / ".cache" / "llm-explainer", env.get(POLLS)
    return Settings(
        model=env.get(MODEL, "").strip() or "builtin",
        device=env.get(DEVICE) or "auto",
        threads=threads if threads and threads > 0 else None,
        model_dirs=tuple(Path(d).expanduser() for d in env.get(MODEL_DIRS, "").split(os.pathsep) if d.strip()),
        runs=Path(runs).expanduser() if runs else cache / "runs",
        runs_max_age_hours=_or(_number(env, RUNS_MAX_AGE_HOURS), 24.0),
        runs_max_mb=_or(_number(env, RUNS_MAX_MB), 2000.0),
        polls=Path(polls).expanduser() if polls else cache / "polls",
        max_trainings=trainings if trainings and trainings > 0 else 2,
        max_train_mb=_or(_number(env, MAX_TRAIN_MB), 1000.0),
        cache=cache,
    )


def hub_limit_mb(environ: Mapping[str, str] | None = None) -> float:
    """The largest Hugging Face Hub model loaded, in MB of files (default 1,200); ValueError if the variable holds
    anything but a number above 0 (a teacher's typo must not lift the limit)."""
    env = os.environ if environ is None else environ
    raw = env.get(MAX_HUB_MB, "").strip()
    mb = _number(env, MAX_HUB_MB) if raw else DEFAULT_MAX_HUB_MB
    if mb is None or not mb > 0:
        raise ValueError(f"{MAX_HUB_MB} must be a number of MB above 0 (got {raw!r})")
    return float(mb)


def _number(env: Mapping[str, str], name: str, whole: bool = False) -> float | int | None:
    """The one parser: the variable as a number (a whole one if `whole`), or None when it is unset, empty or not
    a number."""
    try:
        return (int if whole else float)(env.get(name, "").strip())
    except ValueError:
        return None


def _or(value: float | None, default: float) -> float:
    return default if value is None else value
