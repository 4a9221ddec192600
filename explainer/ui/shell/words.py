"""Plain words first: the glossary's terms (one registry, drawn by the glossary page), the links to them from where
they appear, and the "for the teacher" box every page keeps its formulas and technical terms in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from explainer.i18n import N_, _
from explainer.ui.shell.navigation import link_page
from explainer.ui.shell.presenter import presenting
from explainer.ui.shell.views import VIEW_KEY


@dataclass(frozen=True)
class Term:  # its words are marked for the catalog (N_) and translated where they are shown
    name: str
    plain: str  # what it is, in a sentence or two a student can follow
    see: tuple[str, str]  # (url path, view) where the app shows it


TERMS: dict[str, Term] = {  # key: the term's anchor on the glossary page, in the order a lesson meets them
    "chat-template": Term(
        N_("Chat template"),
        N_(
            "The format a model trained to chat learnt its conversations in: markers such as `<|im_start|>user` around "
            "each message, and one that ends a reply. It comes with the model's tokenizer; a chatbot writes every "
            "conversation in it before the model predicts the reply."
        ),
        ("chat", "ask"),
    ),
    "prefill": Term(
        N_("Prefill"),
        N_(
            "Writing the first words of a model's reply yourself, so that it goes on from them. The model cannot tell "
            "them from its own: they are text in the script like everything else, which is why words already in a "
            "reply steer the rest of it."
        ),
        ("chat", "ask"),
    ),
    "stop-sequence": Term(
        N_("Stop sequence"),
        N_(
            "The text at which a chatbot stops reading what the model writes: the end of the assistant's line, or "
            "a chat model's end-of-turn marker. The model itself would go on, and write the person's next message "
            "too; the program around it cuts the reply there and waits for a real person."
        ),
        ("chat", "ask"),
    ),
    "token": Term(
        N_("Token"),
        N_(
            "A piece of text the model reads and writes: a word, part of a word, a punctuation mark "
            "or a line break. The model knows a fixed list of them, its vocabulary."
        ),
        ("tokens", "pieces"),
    ),
    "bpe": Term(
        N_("BPE (byte-pair encoding)"),
        N_(
            "How most tokenizers learn their tokens: start from single bytes (letters) and, again and again, make the "
            "pair of neighbours that comes up most often in the training text into one new token, until the "
            "vocabulary is full."
        ),
        ("tokens", "merges"),
    ),
    "vocabulary": Term(
        N_("Vocabulary"),
        N_(
            "Every token a model knows, and so every token it can write next: 6,144 for the built-in model, 50,257 "
            "for GPT-2. At each step the model gives each of them a score."
        ),
        ("tokens", "pieces"),
    ),
    "context-window": Term(
        N_("Context window"),
        N_(
            "How many tokens a model reads at once: 128 for the built-in model, 1,024 for GPT-2 (the sidebar names it "
            "for the model in use). A longer text is cut from the left, and the model knows nothing of what was cut."
        ),
        ("next-word", "bars"),
    ),
    "logit": Term(
        N_("Logit (score)"),
        N_(
            "The raw number the model gives each possible next token before it becomes a "
            "probability. Higher means likelier; it can be any number, even negative."
        ),
        ("last-vector", "scores"),
    ),
    "softmax": Term(
        N_("Softmax"),
        N_(
            "The step that turns scores into probabilities: every score becomes positive and they "
            "are scaled to add up to 100 %. A score 1 higher makes a token about 2.7 times likelier."
        ),
        ("last-vector", "softmax"),
    ),
    "temperature": Term(
        N_("Temperature"),
        N_(
            "A dial applied before the softmax: below 1 the favourite word grows "
            "stronger (0 always takes it), above 1 the odds even out."
        ),
        ("sampling", "compare"),
    ),
    "top-k-top-p": Term(
        N_("Top-k and top-p"),
        N_(
            "Two ways to leave unlikely words out of the draw: top-k keeps the k "
            "likeliest; top-p keeps the fewest likeliest whose probabilities add up to p."
        ),
        ("sampling", "compare"),
    ),
    "entropy": Term(
        N_("Entropy (bits)"),
        N_("How open the draw is. 0 bits: no choice at all; 1 bit: a fair coin; 3 bits: a fair choice among 8 words."),
        ("sampling", "compare"),  # the entropy curve is drawn with the two charts
    ),
    "n-gram": Term(
        N_("N-gram model (a lookup)"),
        N_(
            "A model that looks its answers up: it finds the last few words of a text in its training text and counts "
            "which word came next there. The longest end it finds decides; it knows nothing of the words before it, "
            "and nothing of a text it never read."
        ),
        ("what-it-read", "lookup"),
    ),
    "generalisation": Term(
        N_("Generalisation"),
        N_(
            "Doing well on text never seen in training: a question typed with a slip, a fact asked in new words. It "
            "is measured on held-out text, kept out of the training text on purpose."
        ),
        ("what-it-read", "score"),  # the lookup and the model scored on text it never read
    ),
    "parameter": Term(
        N_("Parameter (weight)"),
        N_("One of the many numbers inside the model, like a dial. Training sets them all; nobody sets them by hand."),
        ("train", "live"),
    ),
    "loss": Term(
        N_("Loss"),
        N_(
            "How surprised the model is by the word that really came next, on average. Training "
            "pushes it down; a model guessing blindly starts high."
        ),
        ("next-word", "surprise"),  # each word's surprise, and their average: the loss
    ),
    "perplexity": Term(
        N_("Perplexity"),
        N_(
            "The loss turned into a number of choices: e to the power of the loss. A perplexity of 2 means the model "
            "was, on average, as unsure as a coin toss between two words; a blind guess among its whole vocabulary "
            "gives the vocabulary's size."
        ),
        ("next-word", "surprise"),
    ),
    "backpropagation": Term(
        N_("Backpropagation"),
        N_(
            "The way to work out, for every parameter at once, which way to "
            "turn it so that the right next word gets a little likelier."
        ),
        ("train", "nudge"),
    ),
    "learning-rate": Term(
        N_("Learning rate"),
        N_(
            "How big each nudge of the parameters is. Too small: learning is slow; "
            "too big: a step overshoots and makes things worse."
        ),
        ("train", "nudge"),
    ),
    "memorising": Term(
        N_("Memorising (overfitting)"),
        N_(
            "Learning the training text by heart instead of patterns that carry over: the loss on the training text "
            "keeps falling while the loss on held-out text climbs. Many parameters and little text make it quick."
        ),
        ("train", "live"),  # "Again, on just 3,000 characters of its text", then "It is memorising"
    ),
    "rlhf-dpo": Term(
        N_("RLHF and DPO"),
        N_(
            "A second stage of training with people's judgements: answers people prefer "
            "become likelier, flagged ones less likely. RLHF (reinforcement learning from human feedback) "
            "does it with a reward model; DPO (direct preference optimisation) updates the model straight "
            "from pairs of better and worse answers, as the Human feedback page does."
        ),
        ("feedback", "try"),
    ),
    "recurrent-network": Term(
        N_("Recurrent network"),
        N_(
            "The usual design of language models before 2017: it reads a text one word after another, carrying a "
            "summary of everything so far from each step to the next, so no word can be read before the one before it "
            "is done."
        ),
        ("why-gpus", "chain"),
    ),
    "transformer": Term(
        N_("Transformer"),
        N_(
            "The design of today's language models, published in 2017: every word of a text is read at the same "
            "time, each position looking back at the earlier ones through attention, so training on a whole text is a "
            "few big matrix products instead of a chain of small steps."
        ),
        ("why-gpus", "race"),
    ),
    "gpu": Term(
        N_("GPU"),
        N_(
            "A chip with thousands of small cores that do the same sum on different numbers at the same moment. It is "
            "fast only when there are enough sums that need not wait for each other to keep its cores busy."
        ),
        ("why-gpus", "race"),
    ),
    "embedding": Term(
        N_("Embedding"),
        N_("The list of numbers (a vector) a token is turned into first. Words used alike end up with similar lists."),
        ("embeddings", "map"),
    ),
    "position-vector": Term(
        N_("Position vector"),
        N_(
            "A vector added to a token's embedding for its place in the text (1st, 2nd, …), so that attention can "
            "tell word order. Learned like every other parameter; many recent models mark positions inside "
            "attention instead."
        ),
        ("embeddings", "positions"),
    ),
    "cosine-similarity": Term(
        N_("Cosine similarity"),
        N_(
            "How alike two vectors' directions are, whatever their lengths: 1 when they point the same way, 0 when "
            "they have nothing in common, −1 when they point opposite ways. It says how near two words' embeddings "
            "are, and how far a word changed earlier in a text moves the last vector."
        ),
        ("embeddings", "word"),
    ),
    "attention": Term(
        N_("Attention"),
        N_(
            "The step where each token's vector gathers information from the tokens before "
            "it, weighting the ones that matter."
        ),
        ("attention", "head"),
    ),
    "head": Term(
        N_("Head"),
        N_(
            "One attention pattern among several in a layer. Each head learns its own habit: the "
            "previous word, the first word, the word that names a country…"
        ),
        ("attention", "heads"),
    ),
    "query-key": Term(
        N_("Query · key"),
        N_(
            "How a head scores an earlier token: the looking token's query vector times "
            "the earlier token's key vector. High score, much attention."
        ),
        ("attention", "scores"),
    ),
    "causal-mask": Term(
        N_("Causal mask"),
        N_(
            "The rule that a token may only look back, never at the tokens after it: "
            "the model must predict what comes next without seeing it."
        ),
        ("attention", "head"),
    ),
    "feed-forward": Term(
        N_("Feed-forward network"),
        N_(
            "The second step of every layer: a small network that works on "
            "each vector alone, applying patterns stored in its weights during training."
        ),
        ("layers", "neurons"),
    ),
    "neuron": Term(
        N_("Neuron"),
        N_(
            "One of the feed-forward network's inner numbers. For a given token a few fire "
            "strongly, and each adds its own vector to the token's, raising some words' scores: "
            "what excites a neuron and which words it writes hint at what it does."
        ),
        ("layers", "neurons"),
    ),
    "residual-stream": Term(
        N_("Residual stream"),
        N_(
            "The running vector of a token as it passes through the layers: each "
            "attention and feed-forward step adds a change to it (‖Δ‖, the size of that change) "
            "instead of replacing it."
        ),
        ("layers", "flow"),
    ),
    "logit-lens": Term(
        N_("Logit lens"),
        N_(
            "A way to peek inside: take the vector after some layer and read it as if it "
            "were the last one. It shows the guess forming layer by layer."
        ),
        ("layers", "lens"),
    ),
    "ablation": Term(
        N_("Ablation"),
        N_(
            "Switching a part of the model off (a head, or a layer's attention or feed-forward network) so that it "
            "adds nothing, and watching what the prediction loses. The plainest test of what a part does."
        ),
        ("layers", "switch-off"),
    ),
    "activation-patching": Term(
        N_("Activation patching"),
        N_(
            "Running a text with one of its vectors, at one layer and one token, taken from another text that the "
            "model answers differently. Where that single vector turns the answer, it carried the difference."
        ),
        ("why-word", "swap"),
    ),
    "unembedding": Term(
        N_("Unembedding"),
        N_(
            "The last step: the final vector is compared with a vector for every token "
            "(a dot product), which gives each token its score."
        ),
        ("last-vector", "scores"),
    ),
}


def term_links(*keys: str, where=st) -> None:
    """Links to these terms of the glossary, on one row ("Words: token · logit")."""
    page = link_page("glossary")
    if page is None:
        return
    row = where.container(horizontal=True, gap="small", vertical_alignment="center")
    row.markdown(_("**In the glossary:**"))
    for key in keys:
        row.page_link(page, label=_(TERMS[key].name), query_params={VIEW_KEY: key}, help="")


@contextmanager
def for_the_teacher(*terms: str) -> Iterator[None]:
    """A closed box for the formulas and technical terms of a page, with links to its words in the glossary.
    In presenter mode it moves to the (collapsed) sidebar: the projector shows the plain view, the teacher opens
    the sidebar to read the details."""
    where = st.sidebar if presenting() else st
    with where.expander(_("For the teacher: the maths and the technical words"), icon=":material/school:"):
        yield
        if terms:
            term_links(*terms)
