"""Colour-blind-safe roles: simulated with Machado, Oliveira & Fernandes' matrices (2009, severity 1) for the three
dichromacies, the colours that meet on a chart stay apart (CIELAB ΔE), and the pairs that do not (red against green,
the true word against the chosen one) carry a second cue on their charts: a mark, a dash, a marker, a pattern."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from explainer.charts import style as S
from explainer.charts.feedback import answer_label
from explainer.charts.scale import compute_chart
from explainer.charts.training import loss_chart, nudge_chart

MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
VISIONS = {"typical": np.eye(3), **{k: np.array(m) for k, m in MACHADO.items()}}
ROLES = {"words": S.BLUE, "chosen": S.CHOSEN, "true / good": S.TRUE, "everything else": S.GREY, "bad": S.RED}
# Pairs never told apart by colour alone: good / bad answers (✔ / ✘, feedback), the true word (✓, training's nudge);
# "chosen" and "bad" never meet on one chart. Every other pair must stay apart in colour.
SECOND_CUE = {frozenset({"true / good", "bad"}), frozenset({"true / good", "chosen"}), frozenset({"chosen", "bad"})}
MIN_DELTA_E = 20  # CIE76: a difference seen at a glance on a bar or a line (about 2.3 is just noticeable)


def linear(hex_colour: str) -> np.ndarray:
    c = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb_linear: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    x = xyz @ np.clip(rgb_linear, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(x > 0.008856, np.cbrt(x), 7.787 * x + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, vision: str) -> float:
    m = VISIONS[vision]
    return float(np.linalg.norm(lab(m @ linear(a)) - lab(m @ linear(b))))


def test_the_simulation_merges_red_and_green_for_the_red_green_blind() -> None:
    """The check can fail: a pure red and a green of the same lightness are far apart to typical eyes and close under
    deuteranopia and protanopia."""
    assert delta_e("#d62728", "#2ca02c", "typical") > 60
    assert delta_e("#d62728", "#2ca02c", "deuteranopia") < MIN_DELTA_E
    assert delta_e("#d62728", "#2ca02c", "protanopia") < 40


@pytest.mark.parametrize("vision", list(VISIONS))
def test_roles_shown_by_colour_alone_stay_apart(vision: str) -> None:
    close = [
        f"{a} / {b}: ΔE {delta_e(ROLES[a], ROLES[b], vision):.0f}"
        for a, b in itertools.combinations(ROLES, 2)
        if frozenset({a, b}) not in SECOND_CUE and delta_e(ROLES[a], ROLES[b], vision) < MIN_DELTA_E
    ]
    assert not close, f"under {vision}: {close}"


def test_good_and_bad_answers_are_marked_in_words_too() -> None:
    assert "✔ better" in answer_label("Yes.", "better") and "✘ unhelpful" in answer_label("No.", "flagged")


def test_the_true_next_word_is_marked_with_a_tick() -> None:
    fig = nudge_chart(["a", "b"], [0.5, 0.2], [0.6, 0.1], true_index=1)
    assert [t for t in fig.to_dict()["layout"]["yaxis"]["ticktext"] if "✓" in t] == ["<b>b ✓</b>"]


def test_training_and_validation_differ_in_dash_and_marker_not_only_colour() -> None:
    data = loss_chart([1, 2], [3.0, 2.0], [2], [2.5], 10, 4.0, False).to_dict()["data"]
    train, val = (next(t for t in data if t["name"].startswith(n)) for n in ("training text", "validation"))
    assert val["line"].get("dash") not in (None, "solid")
    assert "markers" in val["mode"] and "markers" not in train["mode"]


def test_each_speed_on_the_scale_page_has_its_own_pattern() -> None:
    rates = [("a", 1e9), ("b", 1e12), ("c", 1e15)]
    data = compute_chart(["GPT-3"], [3e23], rates, 1.0).to_dict()["data"]
    assert len({t["marker"]["pattern"]["shape"] for t in data}) == len(rates)
