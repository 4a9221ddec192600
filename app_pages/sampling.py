"""Temperature & sampling: a deterministic model, and a dice roll that makes each answer different."""

import streamlit as st

from explainer.generation.script import StartedReply
from explainer.i18n import _
from explainer.ui.prediction import KNOB_KEYS, logits_for, many_runs, prompt_section, sampling_controls
from explainer.ui.sampling_view import sampling_view
from explainer.ui.shell.models import get_backend
from explainer.ui.shell.presenter import side_by_side
from explainer.ui.shell.views import view
from explainer.ui.shell.words import for_the_teacher

# A favourite with a tail (cosy 41 %, hidden 9 %, then many near 4 % on the shipped model): a low temperature makes
# the favourite win every draw, a high one lifts the tail
DEFAULT_PROMPT = StartedReply("Tell me a short story about a fox.", "Once upon a time, in a")
N_SHOWN = 10  # words in the side-by-side chart
TEMPERATURES = tuple(round(0.05 * i, 2) for i in range(101))  # 0 .. 5, the curve's x-axis

st.title(_("Temperature & sampling"))
st.markdown(
    _(
        "The model always gives the same text the same probabilities. The variety comes after: the next word is "
        "**drawn at random** from them, like a loaded die."
    )
)
st.markdown(
    _(
        "The **temperature** reshapes the die before the draw: low, the favourite almost always wins; high, "
        "unlikely words get a real chance."
    )
)
with for_the_teacher("temperature", "top-k-top-p", "entropy", "softmax"):
    st.markdown(_("The **temperature** $T$ divides every score $z$ before the softmax:"))
    st.latex(r"p_i(T) = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}")
    st.markdown(
        _(
            "Below 1 the favourite grows stronger ($T = 0$ always takes it); above 1 the odds even out.\n\n"
            "**Top-k** keeps only the $k$ likeliest words; **top-p** keeps the fewest likeliest words whose "
            "probabilities add up to $p$. The cut words are drawn hatched.\n\n"
            "**Entropy**, in bits, says how open the draw is: 0 bits, no choice at all; 1 bit, a fair coin; 3 bits, "
            "a fair choice among 8 words."
        )
    )

controls, main = side_by_side()  # presenter mode: the text beside the charts, so that they are on the first screen
backend, spec, text, prompt = prompt_section(DEFAULT_PROMPT, controls)


@st.fragment
def explore(spec: str, text: str) -> None:
    """The sliders and what they reshape. The charts follow a moving slider in the browser (from the logits, cached
    per model and text); letting go reruns this fragment alone, which only keeps the value (and the URL)."""
    backend = get_backend(spec)
    with view("compare"):
        params = sampling_controls(backend.info.vocab_size)
        logits = logits_for(spec, text)
        sampling_view(logits, f"{spec}|{text}", params, KNOB_KEYS, backend.token_str, N_SHOWN, TEMPERATURES)


@st.fragment
def runs(spec: str, text: str) -> None:
    """The many-runs section reruns on its own button, not on every slider move."""
    many_runs(get_backend(spec), spec, text)


with main:
    explore(spec, text)
runs(spec, text)
