"""What a training run is, before anything is built: its settings (`RunSpec`), the named sizes (`PRESETS`), the range
every setting may take (`SpecLimits`: the command line's and the training page's) and what a size costs by formula
(parameters, memory). Every bad setting raises ValueError with a one-line message meant for the user."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from explainer.config import settings
from explainer.format import number
from explainer.i18n import N_, _
from explainer.model.gpt import GPTConfig
from explainer.training.trainer import TrainConfig

SOURCES = ("builtin", "upload", "paste", "hf")
TOKENIZERS = ("char", "word", "bpe")


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
    blurb: str  # marked for the catalog (N_), translated where shown


PRESETS: dict[str, ModelPreset] = {
    "tiny": ModelPreset("tiny", 2, 2, 64, 64, 16, 3e-3, 600, N_("2 layers, width 64: the first words come soonest")),
    "small": ModelPreset("small", 4, 4, 128, 64, 12, 2e-3, 1500, N_("4 layers, width 128: slower, clearer words")),
    "medium": ModelPreset(
        "medium", 6, 6, 192, 128, 16, 1e-3, 3000, N_("6 layers, width 192: slow on a CPU, best text")
    ),
}


@dataclass(frozen=True)
class SpecLimits:
    """The range of every setting of a run, as (low, high); `budget`: one training may take at most
    LLM_EXPLAINER_MAX_TRAIN_MB of memory (read when asked, see `train_mb`)."""

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
    budget: bool = False  # False: no memory budget (the command line: the user's own machine)

    @property
    def train_mb(self) -> float | None:
        """The most memory one training may take here, in MB (None: no budget)."""
        return settings().max_train_mb if self.budget else None


CLI_LIMITS = SpecLimits()
# The training page (what a student may ask of a shared server): its widgets, a zip's or a run folder's settings.
PAGE_LIMITS = SpecLimits(
    n_layer=(1, 12), n_head=(1, 16), d_model=(8, 768), context_length=(8, 512), batch_size=(1, 256),
    lr=(1e-5, 0.1), steps=(1, 100_000), eval_every=(1, 100_000), vocab_size=(100, 50_000), compile=False, budget=True,
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
            raise ValueError(_("the run's settings must be a JSON object"))
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})

    @classmethod
    def from_preset(cls, name: str, **overrides) -> RunSpec:
        if name not in PRESETS:
            raise ValueError(
                _("unknown preset {name!r}: choose {presets}").format(name=name, presets=", ".join(PRESETS))
            )
        p = PRESETS[name]
        base = dict(n_layer=p.n_layer, n_head=p.n_head, d_model=p.d_model, context_length=p.context_length)
        base.update(batch_size=p.batch_size, lr=p.lr, steps=p.steps)
        return cls(**{**base, **overrides})

    def validate(self, limits: SpecLimits = CLI_LIMITS) -> RunSpec:
        """Every field of the right type and within `limits` (settings may come from a zip or a link)."""

        def within(label: str, value, bounds, whole: bool = True) -> None:
            lo, hi = bounds
            if type(value) is not int and (whole or type(value) is not float):
                raise ValueError(
                    (
                        _("{label} must be a whole number (got {value!r:.40})")
                        if whole
                        else _("{label} must be a number (got {value!r:.40})")
                    ).format(label=label, value=value)
                )
            if not lo <= value <= hi:
                raise ValueError(
                    _("{label} must be between {lo} and {hi} (got {value})").format(
                        label=label, lo=number(lo), hi=number(hi), value=number(value)
                    )
                )

        if self.source not in SOURCES:
            raise ValueError(
                _("unknown text source {source!r:.40}: choose {sources}").format(
                    source=self.source, sources=", ".join(SOURCES)
                )
            )
        if not isinstance(self.source_name, str) or len(self.source_name) > 200:
            raise ValueError(_("the text's name must be a string of at most 200 characters"))
        if self.tokenizer not in TOKENIZERS:
            raise ValueError(
                _("unknown tokenizer {tokenizer!r:.40}: choose char, word or bpe").format(tokenizer=self.tokenizer)
            )
        within("layers", self.n_layer, limits.n_layer)
        within("heads", self.n_head, limits.n_head)
        within("width", self.d_model, limits.d_model)
        if self.d_model % self.n_head:
            raise ValueError(
                _("the number of heads ({n_head}) must divide the width ({d_model})").format(
                    n_head=self.n_head, d_model=self.d_model
                )
            )
        within("context", self.context_length, limits.context_length)
        within("batch size", self.batch_size, limits.batch_size)
        within("learning rate", self.lr, limits.lr, whole=False)
        within("steps", self.steps, limits.steps)
        within("eval every", self.eval_every, limits.eval_every)
        within("seed", self.seed, (0, 2**31 - 1))
        if type(self.compile) is not bool or (self.compile and not limits.compile):
            raise ValueError(_("compile must be true or false (and is not offered here)"))
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

    def model_config(self, vocab_size: int) -> GPTConfig:
        return GPTConfig(
            vocab_size=vocab_size, context_length=self.context_length,
            n_layer=self.n_layer, n_head=self.n_head, d_model=self.d_model,
        )  # fmt: skip


# ----------------------------------------------------------------------------- what a size costs
def parameter_count(spec: RunSpec, vocab_size: int) -> int:
    return spec.model_config(vocab_size).n_params()


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
    need, budget = train_memory_mb(spec, vocab_size), limits.train_mb
    if budget is None or need <= budget:
        return None
    return (
        f"training this model would take about {need:,.0f} MB of memory; this server allows {budget:,.0f} MB "
        "per training: make the batch, the context or the width smaller"
    )
