"""Temperature & sampling: a deterministic model, and a dice roll that makes each answer different."""

import math

import streamlit as st

from explainer.charts.prediction import entropy_curve, sampling_comparison
from explainer.generation.next_token import compare
from explainer.generation.script import build_script
from explainer.ui.prediction import entropy_curve_for, logits_for, many_runs, prompt_section, sampling_controls
from explainer.ui.shell.export import show_chart
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
    """Everything that reacts to the sliders: reruns alone, from the cached logits (no model call)."""
    backend = get_backend(spec)
    params = sampling_controls(backend.info.vocab_size)
    logits = logits_for(spec, text)
    comparison = compare(logits, params, N_SHOWN, backend.token_str)
    show_chart(sampling_comparison(comparison), "sampling_comparison")
    bits_base, bits_now, left = st.columns(3)
    bits_base.metric("Entropy at T = 1", f"{comparison.base_bits:.2f} bits", border=True)
    bits_now.metric("Entropy, your settings", f"{comparison.chosen_bits:.2f} bits", border=True)
    left.metric(f"Words left (of {logits.numel():,})", f"{comparison.n_kept:,}", border=True)
    curve = entropy_curve_for(spec, text, params.top_k, params.top_p, TEMPERATURES)
    n_max = min(params.top_k or logits.numel(), logits.numel())  # as T grows, these become equally likely
    ceiling = f"all {n_max} words left equally likely" if params.top_k else "every word equally likely"
    max_bits = math.log2(n_max) if params.top_p == 1 else None  # with top-p, the words left vary with T
    now = (params.temperature, comparison.chosen_bits)
    title = "How open the draw is, at each temperature"
    fig = entropy_curve(list(TEMPERATURES), curve, now, max_bits, title=title, max_label=ceiling)
    show_chart(fig, "entropy_curve")


@st.fragment
def runs(spec: str, text: str) -> None:
    """The many-runs section reruns on its own button, not on every slider move."""
    many_runs(get_backend(spec), spec, text)


explore(spec, text)
runs(spec, text)
