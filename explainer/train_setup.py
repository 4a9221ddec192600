"""Choices -> a run: the text, the tokenizer, the model size and the trainer.

Shared by the training page and `llm-explainer train`. Every bad choice raises
ValueError with a one-line message meant for the user.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import torch

from .backends import BuiltinBackend
from .device import pick_device
from .model import GPT, GPTConfig
from .sampling import SamplingParams
from .tokenizers import Tokenizer, train_tokenizer
from .training import TrainConfig, Trainer

MIN_CHARS = 2_000
MAX_BYTES = 5_000_000
SOURCES = ("builtin", "upload", "paste", "hf")
TOKENIZERS = ("char", "word", "bpe")
DEFAULT_VOCAB = {"word": 5000, "bpe": 1024}  # char: every character of the training text, up to MAX_CHAR_VOCAB
MAX_CHAR_VOCAB = 1000  # the most frequent characters (rarer ones read as <unk>): a text of 5 MB may hold 1 M kinds
MAX_TRAIN_MB_ENV = "LLM_EXPLAINER_MAX_TRAIN_MB"


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass
class ModelPreset:
    name: str
    n_layer: int
    n_head: int
    d_model: int
    context_length: int
    batch_size: int
    lr: float
    steps: int
    blurb: str


PRESETS: dict[str, ModelPreset] = {
    "tiny": ModelPreset("tiny", 2, 2, 64, 64, 16, 3e-3, 600, "2 layers, width 64: trains visibly in about a minute"),
    "small": ModelPreset("small", 4, 4, 128, 64, 12, 2e-3, 1500, "4 layers, width 128: a few minutes, clearer words"),
    "medium": ModelPreset("medium", 6, 6, 192, 128, 16, 1e-3, 3000, "6 layers, width 192: slow on a CPU, best text"),
}


@dataclass(frozen=True)
class SpecLimits:
    """The range of every setting of a run, as (low, high); `train_mb` caps the memory one training may take."""

    n_layer: tuple[int, int] = (1, 24)
    n_head: tuple[int, int] = (1, 32)
    d_model: tuple[int, int] = (8, 2048)
    context_length: tuple[int, int] = (4, 2048)
    batch_size: tuple[int, int] = (1, 1024)
    lr: tuple[float, float] = (1e-6, 1.0)
    steps: tuple[int, int] = (1, 1_000_000)
    eval_every: tuple[int, int] = (1, 1_000_000)
    vocab_size: tuple[int, int] = (2, 100_000)
    compile: bool = True  # may a run ask for torch.compile
    train_mb: float | None = None  # None: no memory budget (the command line: the user's own machine)


CLI_LIMITS = SpecLimits()
# The training page (what a student may ask of a shared server): its widgets, a zip's or a run folder's settings.
PAGE_LIMITS = SpecLimits(
    n_layer=(1, 12), n_head=(1, 16), d_model=(8, 768), context_length=(8, 512), batch_size=(1, 256),
    lr=(1e-5, 0.1), steps=(1, 100_000), eval_every=(1, 100_000), vocab_size=(100, 50_000), compile=False,
    train_mb=_env_float(MAX_TRAIN_MB_ENV, 1000.0),
)  # fmt: skip


@dataclass
class RunSpec:
    source: str = "builtin"  # builtin | upload | paste | hf
    source_name: str = "built-in corpus"  # file name / dataset id / "built-in corpus"
    tokenizer: str = "char"  # char | word | bpe
    vocab_size: int | None = None  # word / bpe only
    n_layer: int = 2
    n_head: int = 2
    d_model: int = 64
    context_length: int = 64
    batch_size: int = 16
    lr: float = 3e-3
    steps: int = 600
    eval_every: int = 50
    seed: int = 0
    compile: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> RunSpec:
        if not isinstance(d, dict):
            raise ValueError("the run's settings must be a JSON object")
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})

    @classmethod
    def from_preset(cls, name: str, **overrides) -> RunSpec:
        if name not in PRESETS:
            raise ValueError(f"unknown preset {name!r}: choose {', '.join(PRESETS)}")
        p = PRESETS[name]
        base = dict(n_layer=p.n_layer, n_head=p.n_head, d_model=p.d_model, context_length=p.context_length)
        base.update(batch_size=p.batch_size, lr=p.lr, steps=p.steps)
        return cls(**{**base, **overrides})

    def validate(self, limits: SpecLimits = CLI_LIMITS) -> RunSpec:
        """Every field of the right type and within `limits` (settings may come from a zip or a link)."""

        def within(label: str, value, bounds, whole: bool = True) -> None:
            lo, hi = bounds
            if type(value) is not int and (whole or type(value) is not float):
                raise ValueError(f"{label} must be a {'whole ' if whole else ''}number (got {value!r:.40})")
            if not lo <= value <= hi:
                raise ValueError(f"{label} must be between {lo:g} and {hi:g} (got {value:g})")

        if self.source not in SOURCES:
            raise ValueError(f"unknown text source {self.source!r:.40}: choose {', '.join(SOURCES)}")
        if not isinstance(self.source_name, str) or len(self.source_name) > 200:
            raise ValueError("the text's name must be a string of at most 200 characters")
        if self.tokenizer not in TOKENIZERS:
            raise ValueError(f"unknown tokenizer {self.tokenizer!r:.40}: choose char, word or bpe")
        within("layers", self.n_layer, limits.n_layer)
        within("heads", self.n_head, limits.n_head)
        within("width", self.d_model, limits.d_model)
        if self.d_model % self.n_head:
            raise ValueError(f"the number of heads ({self.n_head}) must divide the width ({self.d_model})")
        within("context", self.context_length, limits.context_length)
        within("batch size", self.batch_size, limits.batch_size)
        within("learning rate", self.lr, limits.lr, whole=False)
        within("steps", self.steps, limits.steps)
        within("eval every", self.eval_every, limits.eval_every)
        within("seed", self.seed, (0, 2**31 - 1))
        if type(self.compile) is not bool or (self.compile and not limits.compile):
            raise ValueError("compile must be true or false (and is not offered here)")
        if self.vocab_size is not None and self.tokenizer != "char":
            lo, hi = limits.vocab_size
            within(
                f"vocabulary size for {self.tokenizer}", self.vocab_size, (256 if self.tokenizer == "bpe" else lo, hi)
            )
        return self

    def train_config(self) -> TrainConfig:
        warmup = max(1, min(100, self.steps // 10))
        return TrainConfig(
            steps=self.steps, batch_size=self.batch_size, lr=self.lr, warmup=warmup,
            eval_every=self.eval_every, eval_batches=4, seed=self.seed, compile=self.compile,
        )  # fmt: skip


# ----------------------------------------------------------------------------- text
@lru_cache(maxsize=1)
def builtin_text() -> str:
    from .corpus import generate_corpus

    return generate_corpus().train_text


def load_text(source: str, data: bytes | str | None = None, hf_id: str | None = None) -> str:
    """The training text for a source; ValueError with a one-line message on bad input."""
    from .corpus import load_user_text

    if source == "builtin":
        return builtin_text()
    if source in ("upload", "paste"):
        if data is None:
            raise ValueError("No text given: upload a .txt/.md file or paste some text.")
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        return load_user_text(raw, MIN_CHARS, MAX_BYTES, what="text" if source == "paste" else "file")
    if source == "hf":
        return load_hf_text(hf_id or "")
    raise ValueError(f"unknown text source {source!r}: choose {', '.join(SOURCES)}")


def load_hf_text(dataset_id: str, max_chars: int = MAX_BYTES) -> str:
    """The text column of a Hugging Face dataset's train split (first max_chars characters). Hub ids only
    ('owner/name'), read from the Hub (explainer/hub.py): a folder on the server is never read."""
    from .hub import dataset_text

    text = dataset_text(dataset_id.strip(), max_chars)
    if len(text.strip()) < MIN_CHARS:
        raise ValueError(f"The dataset's text is too short: {len(text.strip()):,} characters (need {MIN_CHARS:,}).")
    return text


# ----------------------------------------------------------------------------- data
@dataclass
class TrainingData:
    text: str
    tokenizer: Tokenizer
    train_ids: torch.Tensor  # (N_train,)
    val_ids: torch.Tensor  # (N_val,)
    train_chars: int  # the first train_chars characters of text are for training
    val_chars: int  # the last val_chars characters are held out

    @property
    def train_text(self) -> str:
        return self.text[: self.train_chars]

    @property
    def val_text(self) -> str:
        return self.text[self.train_chars :]


def split_point(text: str, val_fraction: float) -> int:
    """Where validation starts: near the last val_fraction of text, just after a newline (else a space)."""
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be between 0 and 1 (got {val_fraction})")
    cut = int(len(text) * (1 - val_fraction))
    window = max(1, len(text) // 50)  # look this far back for a boundary
    for sep in ("\n", " "):
        i = text.rfind(sep, max(0, cut - window), cut)
        if i > 0:
            return i + 1
    return cut


def prepare_data(
    text: str,
    tokenizer_kind: str,
    vocab_size: int | None = None,
    val_fraction: float = 0.1,
    tokenizer: Tokenizer | None = None,
) -> TrainingData:
    """Split off the last val_fraction as validation; fit the tokenizer on the training part only
    (or use `tokenizer` as given, e.g. one that came with a checkpoint)."""
    cut = split_point(text, val_fraction)
    train_text, val_text = text[:cut], text[cut:]
    if tokenizer is None:
        size = vocab_size if tokenizer_kind != "char" else MAX_CHAR_VOCAB
        tokenizer = train_tokenizer(tokenizer_kind, train_text, size or DEFAULT_VOCAB.get(tokenizer_kind))
    train_ids = torch.tensor(tokenizer.encode(train_text), dtype=torch.long)
    val_ids = torch.tensor(tokenizer.encode(val_text), dtype=torch.long)
    return TrainingData(text, tokenizer, train_ids, val_ids, len(train_text), len(val_text))


# ----------------------------------------------------------------------------- runs
@dataclass
class Run:
    spec: RunSpec
    data: TrainingData
    model: GPT
    trainer: Trainer
    samples: list[tuple[int, str]] = field(default_factory=list)  # (step, generated text)


def model_config(spec: RunSpec, vocab_size: int) -> GPTConfig:
    return GPTConfig(
        vocab_size=vocab_size, context_length=spec.context_length,
        n_layer=spec.n_layer, n_head=spec.n_head, d_model=spec.d_model,
    )  # fmt: skip


def new_run(spec: RunSpec, text: str, device: str | torch.device | None = None, limits: SpecLimits = CLI_LIMITS) -> Run:
    """A fresh model and trainer for `spec` on `text`."""
    spec.validate(limits)
    return make_run(spec, prepare_data(text, spec.tokenizer, spec.vocab_size), None, device, limits)


def make_run(
    spec: RunSpec,
    data: TrainingData,
    model: GPT | None,
    device: str | torch.device | None = None,
    limits: SpecLimits = CLI_LIMITS,
) -> Run:
    """A run on prepared data; a new model (seeded) unless one is given. `spec` is checked against `limits`
    (ranges and the memory budget) before anything is built."""
    spec.validate(limits)
    if problem := memory_problem(spec, data.tokenizer.vocab_size, limits):
        raise ValueError(problem[0].upper() + problem[1:] + ".")
    dev = device if isinstance(device, torch.device) else pick_device(device)
    need = spec.context_length + 2
    if len(data.train_ids) < need:
        raise ValueError(
            f"The training text gives {len(data.train_ids):,} tokens; a context of {spec.context_length} "
            f"needs at least {need:,}. Use more text, a shorter context or a finer tokenizer."
        )
    if model is None:
        torch.manual_seed(spec.seed)
        model = GPT(model_config(spec, data.tokenizer.vocab_size))
    trainer = Trainer(model, data.train_ids, data.val_ids, spec.train_config(), device=dev)
    return Run(spec, data, model, trainer)


def run_backend(run: Run, name: str | None = None) -> BuiltinBackend:
    """The run's model behind the Backend interface (read-only use: bars, attention, sampling)."""
    return BuiltinBackend(run.model, run.data.tokenizer, name or "your model", "trained", run.trainer.device)


def sample_text(run: Run, prompt: str, n_tokens: int = 80, seed: int = 0, temperature: float = 0.8) -> str:
    """Text the model writes after `prompt` (an empty prompt starts from the first training token)."""
    backend = run_backend(run)
    ids = backend.encode(prompt) if prompt else []
    if not ids:
        ids = run.data.train_ids[:1].tolist()
        prompt = backend.decode(ids)
    gen = torch.Generator().manual_seed(seed)
    params = SamplingParams(temperature=temperature)
    steps = list(backend.generate(ids, n_tokens, params, gen))
    return prompt + "".join(s.text for s in steps)


def parameter_count(spec: RunSpec, vocab_size: int) -> int:
    return model_config(spec, vocab_size).n_params()


def flops_per_token(spec: RunSpec, vocab_size: int) -> float:
    """Training operations per token (forward + backward): 6 per parameter plus attention (nanoGPT's estimate)."""
    L, H, T = spec.n_layer, spec.n_head, spec.context_length
    return 6 * parameter_count(spec, vocab_size) + 12 * L * H * (spec.d_model // H) * T


def train_memory_mb(spec: RunSpec, vocab_size: int) -> float:
    """Memory one training of `spec` takes, about (fitted to measured peaks on a CPU, rounded up): weights,
    gradients and AdamW's two moments, plus activations per token of the batch (logits, every layer's vectors
    and attention)."""
    tokens = spec.batch_size * spec.context_length
    L, H, T, D = spec.n_layer, spec.n_head, spec.context_length, spec.d_model
    per_token = 20 * vocab_size + L * (48 * D + 12 * H * T)
    return 100 + (16 * parameter_count(spec, vocab_size) + tokens * per_token) / 1e6


def memory_problem(spec: RunSpec, vocab_size: int, limits: SpecLimits) -> str | None:
    """Why this run would take too much memory here (None: it fits the budget)."""
    need = train_memory_mb(spec, vocab_size)
    if limits.train_mb is None or need <= limits.train_mb:
        return None
    return (
        f"training this model would take about {need:,.0f} MB of memory; this server allows {limits.train_mb:,.0f} MB "
        "per training: make the batch, the context or the width smaller"
    )


CALIBRATION = RunSpec(n_layer=4, n_head=4, d_model=128, context_length=64, batch_size=12)


@lru_cache(maxsize=4)
def machine_flops(device: str = "cpu", vocab_size: int = 128) -> float:
    """Training operations per second of this machine, measured once per process on one small model
    (4 layers, width 128: a few steps, well under a second). Size estimates scale it by each size's work."""
    dev = pick_device(device)
    cfg = model_config(CALIBRATION, vocab_size)
    data = torch.randint(0, vocab_size, (CALIBRATION.batch_size * (CALIBRATION.context_length + 1) * 4,))
    tcfg = TrainConfig(steps=1000, batch_size=CALIBRATION.batch_size, warmup=1, track_updates=False)
    tr = Trainer(GPT(cfg), data, None, tcfg, device=dev)
    tr.step(1)  # warm-up
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        tr.step(1)
        best = min(best, time.perf_counter() - t0)
    tokens = CALIBRATION.batch_size * CALIBRATION.context_length
    return tokens / best * flops_per_token(CALIBRATION, vocab_size)


def estimate_tokens_per_s(spec: RunSpec, vocab_size: int, device: str = "cpu") -> float:
    """Training tokens/s of this size here, from its operations per token and the machine's measured rate
    (no model of this size is built: a student may ask for one far too big to train)."""
    return machine_flops(device) / flops_per_token(spec, vocab_size)
