"""How much reading, how much computing: the scale of training, worked out from published figures.

One small table of presets (parameters, training tokens, where each number comes from) and the
plain arithmetic that turns them into years:

- reading: tokens -> words (about 0.75 words per token for English text) -> minutes at a reading
  speed -> years of reading non-stop, 24 hours a day, 365.25 days a year;
- computing: operations to train ≈ 6 × parameters × training tokens -> seconds at a rate -> years.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import torch

from explainer.config import BUILTIN_DIR
from explainer.corpus.generator import builtin_corpus, generate_corpus
from explainer.format import SECONDS_PER_YEAR
from explainer.i18n import N_, _
from explainer.model.device import measure
from explainer.model.gpt import GPTConfig
from explainer.model.tokenizers import WORD_RE, load_tokenizer

MINUTES_PER_YEAR = SECONDS_PER_YEAR / 60  # 525,960: reading non-stop, 24/7
WORDS_PER_TOKEN = 0.75  # English text in a BPE tokenizer: 100 tokens ≈ 75 words (OpenAI's rule of thumb)
SPEECH_WPM = 150  # about the pace of speech, or of someone reading aloud steadily
SILENT_READING_WPM = 238  # adults reading non-fiction silently (Brysbaert 2019, meta-analysis)
BILLION_PER_SECOND = 1e9  # the video's "one billion additions and multiplications per second"
VIDEO_READING_YEARS = 2_600  # "over 2,600 years" to read GPT-3's training text
VIDEO_COMPUTE_YEARS = 100e6  # "well over 100 million years" to train the largest models at 10⁹ ops/s


@dataclass(frozen=True)
class Source:
    title: str  # authors, year, title
    url: str
    where: str = ""  # the table or section that states the figure (a catalog message: the page translates it)


WORDS_PER_TOKEN_SOURCE = Source(
    "OpenAI Help Center, “What are tokens and how to count them?”",
    "https://help.openai.com/en/articles/4936856-what-are-tokens-and-how-to-count-them",
    N_("“100 tokens ≈ 75 words” for common English text"),
)
READING_SPEED_SOURCE = Source(
    "Brysbaert 2019, “How many words do we read per minute? A review and meta-analysis of reading rate”",
    "https://doi.org/10.1016/j.jml.2019.104047",
    N_("silent reading of non-fiction: 238 words per minute"),
)
GPU_PEAK_OPS = 989e12  # NVIDIA H100 SXM, BF16 tensor cores, dense (the datasheet's 1,979 TFLOPS is with sparsity)
GPU_NAME = "NVIDIA H100 (peak)"
GPU_SOURCE = Source(
    "NVIDIA H100 Tensor Core GPU datasheet", "https://www.nvidia.com/en-us/data-center/h100/", "H100 SXM, BF16 dense"
)


@dataclass(frozen=True)
class Preset:
    key: str
    name: str  # short, for a chart's rows (this app's models: a catalog message, translated where shown)
    year: int | None  # when it was published (None for this app's models)
    params: float  # parameters N
    tokens: float  # tokens processed in training D (what 6·N·D counts)
    source: Source
    words: float | None = None  # words of training text when counted directly; else tokens × words-per-token
    published_ops: float | None = None  # training operations the source states, to compare with 6·N·D
    note: str = ""  # a catalog message, its numbers in note_args (the page translates it: presets are shared)
    note_args: tuple[tuple[str, float], ...] = ()


GPT3 = Preset(
    "gpt3", "GPT-3", 2020, 175e9, 300e9,
    Source("Brown et al. 2020, “Language Models are Few-Shot Learners”", "https://arxiv.org/abs/2005.14165",
           N_("§2.2 and Table D.1: 175 billion parameters, 300 billion training tokens, 3.14 × 10²³ operations")),
    published_ops=3.14e23,
)  # fmt: skip
CHINCHILLA = Preset(
    "chinchilla", "Chinchilla", 2022, 70e9, 1.4e12,
    Source("Hoffmann et al. 2022, “Training Compute-Optimal Large Language Models”",
           "https://arxiv.org/abs/2203.15556", N_("70 billion parameters, 1.4 trillion training tokens")),
    published_ops=5.76e23,
)  # fmt: skip
LLAMA2_70B = Preset(
    "llama2-70b", "Llama 2 70B", 2023, 70e9, 2.0e12,
    Source("Touvron et al. 2023, “Llama 2: Open Foundation and Fine-Tuned Chat Models”",
           "https://arxiv.org/abs/2307.09288", N_("70 billion parameters, 2 trillion training tokens")),
)  # fmt: skip
LLAMA31_405B = Preset(
    "llama3.1-405b", "Llama 3.1 405B", 2024, 405e9, 15.6e12,
    Source("Llama Team, AI @ Meta 2024, “The Llama 3 Herd of Models”", "https://arxiv.org/abs/2407.21783",
           N_("405 billion parameters, 15.6 trillion training tokens, 3.8 × 10²⁵ operations")),
    published_ops=3.8e25,
)  # fmt: skip
PRESETS: tuple[Preset, ...] = (GPT3, CHINCHILLA, LLAMA2_70B, LLAMA31_405B)  # the published models, oldest first
# How it was really done: many GPUs at once, each well below its peak (the Llama 3 paper, §3.3: "up to 16K H100
# GPUs", 38-43% of their BF16 peak).
CLUSTER_GPUS = 16_384  # H100 GPUs training Llama 3.1 405B together
CLUSTER_OPS_PER_GPU = 0.4 * GPU_PEAK_OPS  # what each one actually sustained, about 40% of its peak

BUILTIN_SOURCE = Source(
    N_("This app's built-in model: corpus from explainer/corpus/, trained by explainer/training/builtin.py"),
    "assets/builtin/config.json",
    N_("words and tokens counted from the corpus; training tokens = steps × batch × context"),
)
OWN_RUN_SOURCE = Source(
    N_("Your own training run on the Train page"), "", N_("tokens it has seen so far, its parameters")
)


# ----------------------------------------------------------------------------- reading
def words_from_tokens(tokens: float, words_per_token: float = WORDS_PER_TOKEN) -> float:
    """Words in a text of `tokens` tokens: about 0.75 words per token for English in a BPE tokenizer."""
    if words_per_token <= 0:
        raise ValueError(_("words per token must be positive"))
    return tokens * words_per_token


def preset_words(preset: Preset, words_per_token: float = WORDS_PER_TOKEN) -> float:
    """The words to read for a preset: counted, when we have the text; else estimated from its tokens."""
    return preset.words if preset.words is not None else words_from_tokens(preset.tokens, words_per_token)


def reading_years(words: float, words_per_minute: float) -> float:
    """Years to read `words` at a speed, non-stop: 24 hours a day, 365.25 days a year."""
    if words_per_minute <= 0:
        raise ValueError(_("reading speed must be positive"))
    return words / words_per_minute / MINUTES_PER_YEAR


def speed_for_years(words: float, years: float) -> float:
    """The reading speed (words per minute) at which `words` take exactly `years`: slower takes longer."""
    return words / (years * MINUTES_PER_YEAR)


# ----------------------------------------------------------------------------- computing
def training_ops(params: float, tokens: float) -> float:
    """Operations (multiplications and additions) to train: ≈ 6 × parameters N × training tokens D.

    The rule of thumb (Kaplan et al. 2020, "Scaling Laws for Neural Language Models"): every parameter
    is one weight in a matrix product, so a token passing forward through the model costs one
    multiplication and one addition per parameter (2·N). Training also runs backward, which needs the
    gradient with respect to both the inputs and the weights of every product: about twice the forward
    work (4·N). So 2 + 4 = 6 operations per parameter per token. Attention over the context adds a little
    on top, small for these models.
    """
    return 6.0 * params * tokens


def years_at(ops: float, ops_per_second: float) -> float:
    """Years to do `ops` operations at a steady rate."""
    if ops_per_second <= 0:
        raise ValueError(_("the rate must be positive"))
    return ops / ops_per_second / SECONDS_PER_YEAR


def measure_ops_per_second(device: torch.device | str = "cpu", seconds: float = 0.5, n: int | None = None) -> float:
    """This machine's rate, measured live: n×n float32 matrix products for about `seconds`
    (n = 512 on a CPU, 4096 on a GPU, which needs big products to keep all its cores busy).

    One product does n³ multiplications and about n³ additions: 2·n³ operations. Returns the rate of the
    fastest block of products (torch.utils.benchmark, after a warm-up).
    """
    dev = torch.device(device)
    n = n or (512 if dev.type == "cpu" else 4096)
    a = b = torch.full((n, n), 0.5, device=dev)  # the values do not matter, only the sizes (and no random draw)
    return 2.0 * n**3 / min(measure(lambda: a @ b, seconds).times)


# ----------------------------------------------------------------------------- presets from this app
def count_words(text: str) -> int:
    """The words of `text`: the word tokenizer's tokens that are words, not punctuation or line breaks (counted one
    at a time: a list of the 10 MB corpus's words held ~110 MB for a moment)."""
    return sum(1 for m in WORD_RE.finditer(text) if m.group()[0].isalnum())


@lru_cache(maxsize=2)
def builtin_preset(folder: str | None = None) -> Preset:
    """The built-in model: its parameters, its corpus counted word by word and token by token (~0.6 s)."""
    folder_path = Path(folder) if folder else BUILTIN_DIR
    config = json.loads((folder_path / "config.json").read_text(encoding="utf-8"))
    cfg, meta = GPTConfig.from_dict(config["model"]), config.get("meta", {})
    params = cfg.n_params()  # by formula, nothing allocated
    if folder_path == BUILTIN_DIR:  # trained on the recipe's corpus, which the pages share
        text = builtin_corpus().train_text
    else:
        text = generate_corpus(
            seed=meta.get("corpus_seed", 0), size_bytes=meta.get("corpus_bytes", 1_200_000)
        ).train_text
    # the training text's tokens, as the recipe counted them (encoding 5 MB again with a BPE takes a core for seconds)
    corpus_tokens = meta.get("train_tokens") or len(load_tokenizer(folder_path / "tokenizer.json").encode(text))
    train = meta.get("train", {})
    seen = train.get("steps", 0) * train.get("batch_size", 0) * cfg.context_length or corpus_tokens
    words = count_words(text)
    note = N_(
        "corpus: {words} words, {corpus_tokens} tokens; training read it about {times} times over ({seen} tokens)"
    )
    args = (("words", words), ("corpus_tokens", corpus_tokens), ("times", round(seen / corpus_tokens)), ("seen", seen))
    return Preset(
        "builtin", N_("Built-in model"), None, float(params), float(seen), BUILTIN_SOURCE, words, None, note, args
    )


def own_run_preset(tokens_seen: float | None, params: float | None) -> Preset | None:
    """The student's own training run, if it has seen any tokens; words are estimated from its tokens."""
    if not tokens_seen or not params or tokens_seen <= 0 or params <= 0:
        return None
    note = N_("words estimated as {per_token} per token (a character tokenizer's tokens are letters: far fewer words)")
    return Preset("own", N_("Your training run"), None, float(params), float(tokens_seen), OWN_RUN_SOURCE, note=note,
                  note_args=(("per_token", WORDS_PER_TOKEN),))  # fmt: skip
