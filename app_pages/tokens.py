"""Tokens: the text as the model reads it (pieces and their numbers), and where the pieces come from: a byte-level BPE
learnt them from the training text by merging frequent pairs, replayed here merge by merge on the student's text."""

import streamlit as st
from babel.lists import format_list

from explainer.analysis import token_merges as tm
from explainer.charts.tokens import tokens_by_language
from explainer.format import number, visible_token
from explainer.i18n import LANGUAGES, _, language, ngettext
from explainer.ui.chips import chips_html
from explainer.ui.prediction import PROMPT_KEY
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.models import current_spec, require_backend
from explainer.ui.shell.navigation import stop
from explainer.ui.shell.presenter import side_by_side
from explainer.ui.shell.views import section, view
from explainer.ui.shell.words import for_the_teacher
from explainer.ui.text_elsewhere import other_pages
from explainer.ui.tokens import MAX_CHARS, SAME_SENTENCE, TEXT_KEY, merges_for, replay_merges

DEFAULT_TEXT = "The hippopotamus swims in the river."  # common words whole, a rare one in pieces (built-in model)
FIRST_MERGES = 24  # the merges learnt first, shown as pairs
LONGEST = 12

st.title(_("Tokens: the pieces a model reads"))
st.markdown(
    _(
        "A model never sees letters or words. Its **tokenizer** cuts the text into **tokens** (whole common words, "
        "pieces of rare ones, signs) and gives each one a number. Those numbers are all the model gets; the next "
        "page turns each one into a list of numbers it can compute with."
    )
)
with for_the_teacher("token", "bpe", "embedding"):
    st.markdown(
        _(
            "This model's tokenizer is a byte-level **BPE** (byte-pair encoding), as GPT-2's and most chatbots' are. "
            "The text is first split before spaces and signs, then each part starts as its bytes (UTF-8) and the "
            "learnt merges join neighbours, always the one learnt earliest, until none applies. Learning the "
            "merges (training the tokenizer) counts every pair of neighbours in the training text and adds the most "
            "frequent one as a new token, again and again, until the vocabulary is full. The replay below is checked "
            "against the tokenizer's own tokens."
        )
    )

backend = require_backend()
spec, info = current_spec(), backend.info
controls, main = side_by_side()  # presenter mode: the text beside its pieces, on the first screen
text = controls.text_area(
    _("Your text"), DEFAULT_TEXT, max_chars=MAX_CHARS, height=110, key=TEXT_KEY, bind="query-params"
)
if not text.strip():
    st.info(_("Type some text in the box to see its tokens."), icon=":material/edit:")
    stop()

tokens = backend.tokenize(text)
ids = [t.id for t in tokens]
pieces = view("pieces", main)
pieces.markdown(
    ngettext(
        "#### What the model reads: {n} token, a number",
        "#### What the model reads: {n} tokens, each a number",
        len(ids),
    ).format(n=number(len(ids)))
)
pieces.html(chips_html([backend.token_str(i) for i in ids], ids))
counts_said = format_list(
    [
        ngettext("{n} character", "{n} characters", len(text)).format(n=number(len(text))),
        ngettext("{n} word", "{n} words", len(text.split())).format(n=number(len(text.split()))),
        ngettext("{n} token", "{n} tokens", len(ids)).format(n=number(len(ids))),
    ],
    locale=language(),
)
pieces.caption(
    _(
        "{counts}. The number under each piece is its token id, its place in the model's vocabulary of {vocab} "
        "tokens; ␣ is a space, which belongs to the word after it."
    ).format(counts=counts_said, vocab=number(info.vocab_size))
)
if text.strip() != DEFAULT_TEXT.strip():  # the student's own text: what the model makes of it, one click away
    with pieces:
        other_pages({PROMPT_KEY: text})

section(_("The same sentence in six languages"), "languages")
codes = list(SAME_SENTENCE)
sentences = [SAME_SENTENCE[c] for c in codes]
encoded = [backend.encode(s) for s in sentences]
per_language = [len(ids) for ids in encoded]
show_chart(
    tokens_by_language(
        [LANGUAGES[c] for c in codes], per_language, sentences, codes.index(language()), _("One sentence, in tokens")
    ),
    "tok_languages",
    name="tokens-by-language",
)
most = max(range(len(codes)), key=per_language.__getitem__)
if per_language[most] > per_language[0]:  # the first is English
    st.markdown(
        _("Here {first} takes {n_first} tokens and {most} {n_most}: **{times} times as many**.").format(
            first=LANGUAGES[codes[0]],
            n_first=number(per_language[0]),
            most=LANGUAGES[codes[most]],
            n_most=number(per_language[most]),
            times=number(per_language[most] / per_language[0], 1),
        )
    )
st.caption(
    _(
        "A tokenizer learns its pieces from its training text: the languages that fill it get whole words as "
        "tokens, the others come in more and smaller pieces (in a byte-level tokenizer, down to single bytes: a "
        "Chinese character takes three). A model pays for every token: such a text fills its {context} tokens "
        "sooner and costs more computing, and the model learnt less from that language. Models trained on many "
        "languages learn their tokenizer from all of them."
    ).format(context=number(info.context_length))
)
each = st.expander(_("Each sentence's tokens"))
for code, sentence_ids in zip(codes, encoded):
    each.markdown(f"**{LANGUAGES[code]}**")
    each.html(chips_html([backend.token_str(i) for i in sentence_ids]))

section(_("Where the pieces come from"), "merges")
merges = merges_for(spec)
if merges is None:
    st.info(
        _(
            "This model's tokenizer does not build its tokens by merging bytes, so there are no merges to replay. "
            "The built-in model and GPT-2 do: pick one in the sidebar."
        ),
        icon=":material/info:",
    )
    stop()
assembly = tm.assemble(backend.tokenizer, merges, text)
if assembly is None:
    st.info(
        _(
            "This text holds a piece the tokenizer sets apart before any merge (a special marker such as "
            "<|endoftext|>), so its merges are not replayed here. Take it out to see them."
        ),
        icon=":material/info:",
    )
    stop()
st.markdown(
    _(
        "Nobody wrote the list of tokens: the tokenizer learnt it from the training text. It started with one token "
        "per byte (256 of them: an English letter is one byte, é takes two, 😀 four). Then it found the two "
        "neighbours that came up together most often in the whole text and made them one new token, and again, "
        "{n_merges} times: its vocabulary has {vocab} tokens in all. To cut your text, it starts from the bytes and "
        "makes those merges in the order it learnt them. Move the slider to watch."
    ).format(n_merges=number(merges.n_merges), vocab=number(info.vocab_size))
)
replay_merges(assembly)
st.caption(
    _(
        "A bigger vocabulary cuts a text into fewer tokens, so more text fits in what the model reads at once "
        "({context} tokens for this model) and each prediction covers more of a word. But each token needs its own "
        "list of numbers and its own score at the output, and a rare token is seen too seldom in training to be "
        "learnt well: tokenizers stop at tens of thousands of tokens, not millions."
    ).format(context=number(info.context_length))
)

section(_("What it learnt first, and its longest tokens"), "vocabulary")
first, longest = st.columns(2)
pairs = [f"{visible_token(a)} + {visible_token(b)}" for a, b in (tm.readable(p) for p in merges.pairs[:FIRST_MERGES])]
first.markdown(_("**The first {n} merges it learnt**").format(n=number(len(pairs))))
first.html(chips_html(pairs))
first.caption(
    _("The pairs most frequent in its training text: pieces of the commonest words, and a space before a letter.")
)
longest.markdown(_("**Its {n} longest tokens**").format(n=number(LONGEST)))
longest.html(chips_html(tm.longest(merges, LONGEST)))
longest.caption(_("Pieces that came up often enough in its training text to earn a token of their own, however long."))
