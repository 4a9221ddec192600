"""The training page's setup panel: which text, which tokens, how big a model, how long to train.

Widget values live in session state under `train_*` keys (filled with the tiny preset on first use), so they
survive a reset; once a run has trained they are locked (a reset opens them again).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from explainer.format import duration_from_seconds, fixed_percent, human_count, md_escape, number
from explainer.i18n import N_, _, pgettext
from explainer.training.data import DEFAULT_VOCAB, TrainingData
from explainer.training.spec import PAGE_LIMITS, PRESETS, RunSpec, memory_problem, parameter_count
from explainer.training.text import MAX_BYTES, MIN_CHARS, load_text
from explainer.training.throughput import estimate_tokens_per_s
from explainer.ui.training.session import TrainingSession, bounded_threads, prepared_data

SOURCES = {
    "builtin": N_("Built-in chats"),
    "upload": N_("Upload a file"),
    "paste": N_("Paste text"),
    "hf": N_("Hugging Face dataset"),
}
TOKENIZERS = {"char": N_("Characters"), "word": N_("Words"), "bpe": N_("Word pieces (BPE)")}
TOKENIZER_NOTES = {
    "char": N_("Every letter, space and punctuation mark is a token: a tiny vocabulary, long sequences."),
    "word": N_("Every word (and punctuation mark) is a token: the model writes real words from the start."),
    "bpe": N_("Frequent words whole, rare words in pieces, as GPT models do."),
}
SIZES = {"tiny": N_("Tiny"), "small": N_("Small"), "medium": N_("Medium"), "custom": N_("Custom")}  # PRESETS' names

# widget keys
SRC, UPLOAD, PASTE, HF_ID = "train_src", "train_upload", "train_paste", "train_hf_id"
TOK, VOCAB, SIZE = "train_tok", "train_vocab", "train_size"
DIMS = {"n_layer": "train_layers", "n_head": "train_heads", "d_model": "train_width", "context_length": "train_context"}
KNOBS = {"lr": "train_lr", "batch_size": "train_batch", "steps": "train_steps"}
SEED = "train_seed"  # the random start (dials and the order of examples): no widget, "Again, another random start"
SHORT_CHARS = 3_000  # "Again, on just … characters": the tiny model learns so much text by heart in 300 steps


@dataclass
class Setup:
    spec: RunSpec
    text: str
    data: TrainingData
    key: str  # identifies text + settings: a new key means a new run with random dials


def _init_state() -> None:
    defaults = {SRC: "builtin", TOK: "char", VOCAB: DEFAULT_VOCAB["word"], SIZE: "tiny"}
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    _fill_from_preset(st.session_state[SIZE] if st.session_state[SIZE] in PRESETS else "tiny", only_missing=True)


def _fill_from_preset(name: str, only_missing: bool = False) -> None:
    preset = PRESETS[name]
    for field, key in {**DIMS, **KNOBS}.items():
        if not only_missing or key not in st.session_state:
            st.session_state[key] = getattr(preset, field)


def _on_size() -> None:
    if st.session_state[SIZE] in PRESETS:
        _fill_from_preset(st.session_state[SIZE])


def _on_tokenizer() -> None:
    kind = st.session_state[TOK]
    if kind in DEFAULT_VOCAB:
        st.session_state[VOCAB] = DEFAULT_VOCAB[kind]


def show_spec(spec: RunSpec) -> None:
    """Put a run's settings back into the widgets (a restored or imported run)."""
    st.session_state[TOK] = spec.tokenizer
    if spec.vocab_size:
        st.session_state[VOCAB] = spec.vocab_size
    for field, key in {**DIMS, **KNOBS}.items():
        st.session_state[key] = getattr(spec, field)
    st.session_state[SEED] = spec.seed
    match = [n for n, p in PRESETS.items() if all(getattr(p, f) == getattr(spec, f) for f in DIMS)]
    st.session_state[SIZE] = match[0] if match else "custom"


def short_piece(text: str) -> str:
    """The first SHORT_CHARS characters of `text`, ended at a line's end where that keeps MIN_CHARS (the least a
    pasted text may have)."""
    piece = text[:SHORT_CHARS]
    cut = piece.rfind("\n") + 1
    return piece[:cut] if cut >= MIN_CHARS else piece


def train_again(lr: float | None = None, new_start: bool = False, short: bool = False) -> None:
    """A one-click experiment (a button's callback): Reset, the same settings but this learning rate, another
    random start, or only a short piece of the text (pasted: `short_piece`), and train again at once; the run's loss
    stays on the chart to compare where the validation text is the same."""
    session = TrainingSession.of()
    if session.run is None:
        return
    spec, text = session.run.spec, session.run.data.text
    session.reset()
    show_spec(spec)
    if lr is not None:
        st.session_state[KNOBS["lr"]] = lr
    if new_start:
        st.session_state[SEED] = spec.seed + 1
    if short:
        st.session_state[SRC], st.session_state[PASTE] = "paste", short_piece(text)
    session.start_when_ready = True


# ---------------------------------------------------------------------------- cached work


@st.cache_data(max_entries=8, show_spinner=False)
def _user_text(source: str, data: bytes | str) -> str:
    return load_text(source, data)


@st.cache_data(max_entries=4, show_spinner=False, ttl=3600)
def _hf_text(dataset_id: str) -> str:
    return load_text("hf", hf_id=dataset_id)


def expected_speed(spec: RunSpec, vocab_size: int) -> float:
    """Training tokens/s for this size here, with a student's share of the cores: from a formula scaled by one
    small measured model (timed once per server process), so no model of the asked-for size is ever built."""
    with bounded_threads(give_way=False):  # measured at the normal priority
        return estimate_tokens_per_s(spec, vocab_size)


def warm_training_page() -> None:
    """What the page's first visit computes with its default settings (the built-in chats as characters), ahead
    of time (explainer/ui/warm.py): the text's split and tokenizer, and the machine's measured training speed."""
    text = load_text("builtin")
    data = prepared_data(_digest(text), text, "char", None)
    expected_speed(RunSpec.from_preset("tiny"), data.tokenizer.vocab_size)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()


# ---------------------------------------------------------------------------- the panel


def _the_text(locked: bool) -> tuple[str, str] | None:
    """(text, source name) for the chosen source, or None after saying what is missing or wrong."""
    st.radio(
        _("Train on"), list(SOURCES), format_func=lambda k: _(SOURCES[k]), key=SRC, horizontal=True, disabled=locked
    )
    source = st.session_state[SRC]
    limits = _("UTF-8 text, {min_chars} characters to {max_bytes} MB.").format(
        min_chars=number(MIN_CHARS), max_bytes=MAX_BYTES // 1_000_000
    )
    try:
        if source == "builtin":
            st.caption(
                _(
                    "Short chats about countries, animals, colours, numbers and stories: the app's own model "
                    "learnt these."
                )
            )
            return load_text("builtin"), _("built-in chats")
        if source == "upload":
            f = st.file_uploader(
                _("A .txt or .md file ({limits})").format(limits=limits),
                type=["txt", "md"],
                key=UPLOAD,
                disabled=locked,
            )
            if f is None:
                st.info(_("Upload a text file to train on it: a book, your notes, song lyrics…"))
                return None
            return _user_text("upload", f.getvalue()), f.name
        if source == "paste":
            text = st.text_area(_("Your text ({limits})").format(limits=limits), key=PASTE, height=160, disabled=locked)
            if not text.strip():
                st.info(
                    _("Paste at least {min_chars} characters of text (press Ctrl+Enter when done).").format(
                        min_chars=number(MIN_CHARS)
                    )
                )
                return None
            return _user_text("paste", text), _("pasted text")
        with st.form("train_hf", border=False):
            st.text_input(_("Dataset id"), key=HF_ID, placeholder=_("e.g. roneneldan/TinyStories"), disabled=locked)
            fetch = st.form_submit_button(_("Fetch"), icon=":material/download:", disabled=locked)
        st.caption(_("Needs the computer running the app to reach huggingface.co; the first 5 MB of text are used."))
        wanted, session = st.session_state.get(HF_ID, "").strip(), TrainingSession.of()
        if fetch and wanted:
            with st.spinner(_("Fetching the dataset from Hugging Face…")):
                session.hf_text = (wanted, _hf_text(wanted))
        fetched = session.hf_text
        if not fetched or fetched[0] != wanted:
            st.info(_("Type a dataset id and press Fetch."))
            return None
        return fetched[1], fetched[0]
    except ValueError as e:
        st.error(md_escape(e), icon=":material/error:")
        return None


def _the_tokens(locked: bool) -> tuple[str, int | None]:
    st.radio(_("Tokens"), list(TOKENIZERS), format_func=lambda k: _(TOKENIZERS[k]), key=TOK, horizontal=True,
             on_change=_on_tokenizer, disabled=locked)  # fmt: skip
    kind = st.session_state[TOK]
    st.caption(_(TOKENIZER_NOTES[kind]))
    if kind == "char":
        return kind, None
    low = 256 if kind == "bpe" else 100
    note = _("How many different tokens the model knows; rarer words become 'unknown' (or pieces).")
    vocab = st.number_input(
        _("Vocabulary size"), low, PAGE_LIMITS.vocab_size[1], step=256, key=VOCAB, disabled=locked, help=note
    )
    return kind, int(vocab)


def _split_caption(data: TrainingData) -> None:
    total = data.train_chars + data.val_chars
    st.markdown(
        _(
            "- **Training text:** {train_chars} characters ({train_chars2}), {n_train_ids} tokens\n- **Validation "
            "text:** {val_chars} characters ({val_chars2}): the end of the text, never trained on, to check the "
            "model on text it has not seen\n- **Vocabulary:** {vocab_size} different tokens"
        ).format(
            train_chars=number(data.train_chars),
            train_chars2=fixed_percent(data.train_chars / total, 0),
            n_train_ids=number(len(data.train_ids)),
            val_chars=number(data.val_chars),
            val_chars2=fixed_percent(data.val_chars / total, 0),
            vocab_size=number(data.tokenizer.vocab_size),
        )
    )


def _card(title: str, spec: RunSpec, vocab_size: int, blurb: str) -> None:
    n = parameter_count(spec, vocab_size)
    speed = expected_speed(spec, vocab_size)
    tokens = spec.steps * spec.batch_size * spec.context_length
    eta = (
        _("{steps} steps ≈ {tokens}").format(steps=number(spec.steps), tokens=duration_from_seconds(tokens / speed))
        if speed > 0
        else _("{steps} steps").format(steps=number(spec.steps))
    )
    st.markdown(
        _(
            "**{title}** · {n} parameters  \n{speed} tokens/s here · {eta}  \n<span style='color:gray'>{blurb}</span>"
        ).format(title=title, n=human_count(n), speed=number(speed, 0), eta=eta, blurb=blurb),
        unsafe_allow_html=True,
    )


def _preset_cards(spec_for, vocab_size: int) -> None:
    cols = st.container(key="train_pair_cards").columns(len(PRESETS))
    for col, (name, preset) in zip(cols, PRESETS.items()):
        with col:
            _card(_(SIZES[name]), spec_for(name), vocab_size, _(preset.blurb))
    if st.session_state[SIZE] == "custom":
        _card(
            _("Your custom model"), spec_for("custom"), vocab_size, _("the layers, heads, width and context set below")
        )


def setup_panel(locked: bool) -> Setup | None:
    """The settings; returns the text and the run spec they make (None after an error message)."""
    _init_state()
    left, right = st.container(key="train_pair_setup").columns(2, gap="large")
    with left:
        st.subheader(_("The text"), anchor=False)
        got = _the_text(locked)
        split_box = st.container()
    with right:
        st.subheader(_("The tokens"), anchor=False)
        kind, vocab = _the_tokens(locked)
    st.subheader(_("The model"), anchor=False)
    st.segmented_control(_("Size"), list(SIZES), format_func=lambda k: _(SIZES[k]), key=SIZE, on_change=_on_size,
                         disabled=locked, required=True)  # fmt: skip
    cards_box = st.container()
    if st.session_state[SIZE] == "custom":
        cols = st.columns(4)
        labels = {
            "n_layer": pgettext("how many", "Layers"),
            "n_head": _("Heads"),
            "d_model": _("Width"),
            "context_length": _("Context (tokens)"),
        }
        for col, (field, label) in zip(cols, labels.items()):
            col.number_input(label, *getattr(PAGE_LIMITS, field), key=DIMS[field], disabled=locked)
    cols = st.columns(3)
    note = _("How big each nudge is. Too big and training jumps about; too small and it crawls.")
    cols[0].number_input(_("Learning rate"), *PAGE_LIMITS.lr, key=KNOBS["lr"], format="%.4f", step=5e-4,
                         disabled=locked, help=note)  # fmt: skip
    cols[1].number_input(_("Batch size"), *PAGE_LIMITS.batch_size, key=KNOBS["batch_size"], disabled=locked)
    cols[2].number_input(_("Steps"), *PAGE_LIMITS.steps, step=100, key=KNOBS["steps"], disabled=locked)
    if got is None:
        return None
    text, source_name = got
    source = st.session_state[SRC]

    def spec_for(size: str) -> RunSpec:
        base = PRESETS.get(size)
        dims = {f: getattr(base, f) if base else st.session_state[k] for f, k in DIMS.items()}
        knobs = {f: (getattr(base, f) if base and size != st.session_state[SIZE] else st.session_state[k])
                 for f, k in KNOBS.items()}  # fmt: skip
        return RunSpec(source=source, source_name=source_name, tokenizer=kind, vocab_size=vocab, **dims, **knobs,
                       seed=st.session_state.get(SEED, 0))  # fmt: skip

    spec = spec_for(st.session_state[SIZE])
    spec.eval_every = max(10, spec.steps // 30)
    try:
        spec.validate(PAGE_LIMITS)
    except ValueError as e:
        st.error(_("These settings do not work: {e}.").format(e=md_escape(e)), icon=":material/error:")
        return None
    digest = _digest(text)
    try:
        with st.spinner(_("Splitting the text and fitting the tokenizer…")):
            data = prepared_data(digest, text, kind, vocab)
    except ValueError as e:
        st.error(md_escape(e), icon=":material/error:")
        return None
    with cards_box:
        _preset_cards(spec_for, data.tokenizer.vocab_size)
    with split_box:
        _split_caption(data)
    if problem := memory_problem(spec, data.tokenizer.vocab_size, PAGE_LIMITS):
        st.error(_("These settings do not work: {problem}.").format(problem=problem), icon=":material/memory:")
        return None
    return Setup(spec, text, data, f"{digest}|{spec.to_dict()}")
