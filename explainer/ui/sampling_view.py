"""The sampling page's charts drawn in the browser, so that moving a slider redraws them at once.

Every number on them (both distributions, the cut, the entropies, the curve against temperature) is a pure function
of the model's logits for the text and of temperature, top-k and top-p (explainer/model/sampling.py). The server
sends the logits once per text; a Streamlit component (`st.components.v2`, inline JavaScript and CSS from the files
beside this one: no build step, nothing fetched from elsewhere) computes and draws them with the same maths, and
watches the page's own sliders: while a thumb moves, the charts follow in the browser and the server does nothing;
when the student lets go, the slider's value reaches the server and the URL as before, so shared links keep working.
"""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import streamlit as st
import torch

from explainer.charts.prediction import OTHER_LABEL, next_token_bars
from explainer.charts.style import BLUE, CUT, FONT, GREY, GRID, ORANGE, ROW_PX, SMALL
from explainer.format import number, visible_token
from explainer.generation.next_token import top_tokens
from explainer.i18n import _, language
from explainer.model.sampling import SamplingParams, distribution
from explainer.ui.shell.chart import text_alternative
from explainer.ui.shell.presenter import FONT_SCALE, presenting

HERE = Path(__file__).parent
_component = st.components.v2.component(
    "llm_explainer.sampling_view",
    js=(HERE / "sampling_view.js").read_text(encoding="utf-8"),
    css=(HERE / "sampling_view.css").read_text(encoding="utf-8"),
    isolate_styles=False,  # plain DOM (classes prefixed sv-): the browser tests and benchmark read it
)


def sampling_view(
    logits: torch.Tensor,
    logits_key: str,
    params: SamplingParams,
    knobs: dict[str, str],
    token_str,
    n_shown: int,
    temperatures: tuple[float, ...],
) -> None:
    """Draw the two distributions and the entropy curve for (V,) `logits` (`logits_key` names them: the browser
    prepares them again only when it changes) at `params`, following the sliders whose keys `knobs` gives
    (temperature, top_k, top_p)."""
    scale = FONT_SCALE if presenting() else 1.0
    top = top_tokens(logits.double().softmax(-1), n_shown, token_str)
    vocab = logits.numel()
    data = {
        "logits": logits_to_wire(logits),
        "logits_key": logits_key,
        "shown": top.ids,
        "labels": [visible_token(t) for t in top.labels],
        "other_label": _(OTHER_LABEL),
        "params": {"temperature": params.temperature, "top_k": params.top_k, "top_p": params.top_p},
        "knobs": knobs,
        "temperatures": list(temperatures),
        "card_labels": [
            _("Entropy at T = 1"),
            _("Entropy, your settings"),
            _("Words left (of {vocab})").format(vocab=number(vocab)),
        ],
        "bars_label": _("The model's own probabilities (T = 1) beside the ones the next word is drawn from"),
        "curve_title": _("How open the draw is, at each temperature"),
        "locale": language().replace("_", "-"),
        "words": {
            "model_own": _("The model's own · {bits} bits"),
            "nothing_cut": _("T = 1, nothing cut"),
            "drawn_from": _("Drawn from · {bits} bits"),
            "greedy": _(" (greedy)"),
            "cut": _("cut"),
            "temperature": _("temperature T"),
            "entropy": _("entropy (bits)"),
            "all_left": _("all {n} words left equally likely"),
            "every_word": _("every word equally likely"),
            "max_bits": _("{what}: {bits} bits"),
            "now": _("T = {t}: {bits} bits"),
            "bits": _("{bits} bits"),
        },
        "look": {
            "font": round(FONT * scale),
            "small": round(SMALL * scale),
            "row": round(ROW_PX * scale),
            "scale": scale,
            "blue": BLUE,
            "grey": GREY,
            "cut": CUT,
            "orange": ORANGE,
            "grid": GRID,
        },  # fmt: skip
    }
    _component(data=data, key="sampling_view")
    st.html(_text_alternative(logits, params, top.ids, top.labels))


def logits_to_wire(logits: torch.Tensor) -> str:
    """(V,) logits as the component gets them: little-endian float32, base64 (33 kB for 6,144 tokens; as a JSON list
    of numbers they took 3.5 ms to write at every rerun, twice: the data, then its identity)."""
    return base64.b64encode(logits.detach().cpu().float().numpy().astype("<f4").tobytes()).decode("ascii")


def logits_from_wire(text: str) -> np.ndarray:
    """(V,) float64: what `logits_to_wire` sent, as the browser reads it."""
    return np.frombuffer(base64.b64decode(text), dtype="<f4").astype(np.float64)


def _text_alternative(logits: torch.Tensor, params: SamplingParams, ids: list[int], labels: list[str]) -> str:
    """The drawn chart for screen readers (the component draws an SVG): the chance of each word shown, at the
    settings, as a sentence and a table (chart.py); the browser redraws while a slider moves, this when it stops."""
    drawn = distribution(logits, params)  # (V,)
    probs = [float(drawn[i]) for i in ids]
    title = _("Chances of the next word at {settings}").format(settings=params.label())
    return text_alternative(next_token_bars(labels, probs, other=max(1 - sum(probs), 0.0), title=title))[1]
