"""Temperature & sampling: a deterministic model, and a dice roll that makes each answer different."""

import streamlit as st

from explainer.generation.script import build_script
from explainer.ui.prediction import KNOB_KEYS, logits_for, many_runs, prompt_section, sampling_controls
from explainer.ui.sampling_view import sampling_view
from explainer.ui.shell.models import get_backend

DEFAULT_PROMPT = build_script([], "Tell me a short story about a fox.") + " Once upon a time, there was a"
N_SHOWN = 10  # words in the side-by-side chart
TEMPERATURES = tuple(round(0.05 * i, 2) for i in range(101))  # 0 .. 5, the curve's x-axis

st.title("Temperature & sampling")
st.markdown(
    """
The model itself is **deterministic**: the same text always gets exactly the same probabilities.
The variety comes afterwards, when the next word is **drawn at random** from them, like a loaded die.
Before the draw you can reshape the die: the **temperature** $T$ divides every score $z$ before the
softmax. Below 1 the favourite grows stronger ($T = 0$ always takes it); above 1 the odds even out and
unlikely words get a real chance. **Top-k** keeps only the $k$ likeliest words; **top-p** keeps the
fewest likeliest words whose probabilities reach $p$. **Entropy** counts, in bits, how open the draw is:
0 bits = no choice at all, 1 bit = a fair coin, 3 bits = a fair choice among 8 words.
"""
)
st.latex(r"p_i(T) = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}")

backend, spec, text, prompt = prompt_section(DEFAULT_PROMPT)


@st.fragment
def explore(spec: str, text: str) -> None:
    """The sliders and what they reshape. The charts follow a moving slider in the browser (from the logits, cached
    per model and text); letting go reruns this fragment alone, which only keeps the value (and the URL)."""
    backend = get_backend(spec)
    params = sampling_controls(backend.info.vocab_size)
    logits = logits_for(spec, text)
    sampling_view(logits, f"{spec}|{text}", params, KNOB_KEYS, backend.token_str, N_SHOWN, TEMPERATURES)


@st.fragment
def runs(spec: str, text: str) -> None:
    """The many-runs section reruns on its own button, not on every slider move."""
    many_runs(get_backend(spec), spec, text)


explore(spec, text)
runs(spec, text)
