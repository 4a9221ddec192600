"""The training page's figures: the loss curve, the dials, the nudge bars and the sample history."""

from __future__ import annotations

import math

import pytest

from explainer.charts import training as ct
from explainer.charts.style import TRUE
from explainer.i18n import speaking
from explainer.training.compare import smooth

from .helpers import valid_figure as valid


def test_smooth_is_bias_corrected() -> None:
    assert smooth([2.0, 2.0, 2.0]) == pytest.approx([2.0, 2.0, 2.0])
    out = ct.smooth([4.0, 0.0])
    assert out[0] == pytest.approx(4.0) and 0 < out[1] < 4.0


def test_loss_chart_draws_training_validation_and_blind_guessing() -> None:
    steps = list(range(1, 51))
    train = [4.0 - 0.05 * s for s in steps]
    fig = valid(ct.loss_chart(steps, train, [25, 50], [3.0, 2.0], total_steps=200, random_loss=math.log(72)))
    raw, smoothed, val = fig.data
    assert list(raw.y) == train and len(smoothed.y) == 50 and smoothed.y[-1] > train[-1]  # smoothing lags a fall
    assert list(val.x) == [25, 50] and "never trained on" in val.name
    assert fig.layout.shapes[0].y0 == pytest.approx(math.log(72))
    assert "guessing blindly" in fig.layout.annotations[0].text
    assert fig.layout.xaxis.range[1] >= 200  # room for the steps still to come
    assert valid(ct.loss_chart(steps, train, [], [], log_x=True)).layout.xaxis.type == "log"
    assert len(valid(ct.loss_chart([], [], [], [])).data) == 0  # nothing trained yet


def test_update_size_chart_one_line_per_part_on_a_log_axis() -> None:
    sizes = {"embeddings": [0.02, 0.01], "layer 1": [0.005, 0.004], "final norm": [0.001, float("nan")]}
    fig = valid(ct.update_size_chart([10, 20], sizes, title="t"))
    assert [t.name for t in fig.data] == list(sizes)
    key = fig.layout.title.subtitle.text  # the key under the title, not a legend that climbs into it on a phone
    assert fig.layout.showlegend is False and all(f"━</span> {name}" in key for name in sizes)
    with speaking("de"):  # the parts' names in the language in use
        assert [t.name for t in ct.update_size_chart([10, 20], sizes, title="t").data][1] == "Schicht 1"
    lo, hi = fig.layout.yaxis.range
    assert fig.layout.yaxis.type == "log" and lo <= math.log10(0.001) and hi >= math.log10(0.02)
    assert fig.layout.yaxis.tickformat == ".2~p"  # two significant figures, as a percentage: never "0%" on a log axis


def test_nudge_chart_marks_the_true_token_and_the_change() -> None:
    fig = valid(ct.nudge_chart(["Paris", "<unk>", " the"], [0.2, 0.5, 0.3], [0.3, 0.45, 0.25], 0, "t"))
    before, after = fig.data
    assert fig.layout.yaxis.ticktext[0] == "<b>Paris ✓</b>" and "&lt;unk&gt;" in fig.layout.yaxis.ticktext[1]
    assert after.marker.color[0] == TRUE
    assert after.text[0] == "30%  (+10 pts)" and after.text[1] == "45%  (−5 pts)"
    (only,) = valid(ct.nudge_chart(["a", "b"], [0.6, 0.4], None, 1)).data
    assert only.marker.color[1] == TRUE


def test_nudge_change_chart_bars_add_up_to_zero() -> None:
    before, after = [0.2, 0.5, 0.1], [0.22, 0.49, 0.105]
    rest = (1906, 0.2, 0.2 - 0.02 + 0.01 - 0.005)  # what the three drawn tokens do not account for
    fig = valid(ct.nudge_change_chart(["Paris", "<unk>", " the"], before, after, rest, "t"))
    (bars,) = fig.data
    assert list(fig.layout.yaxis.ticktext) == ["<b>Paris ✓</b>", "&lt;unk&gt;", "␣the", "the other 1,906 tokens"]
    assert sum(bars.x) == pytest.approx(0, abs=1e-9), "the true token's gain is what all the others lost"
    assert bars.x[0] == pytest.approx(2.0) and bars.marker.color[0] == TRUE
    assert bars.marker.color[1] != bars.marker.color[2], "a loss and a gain in different colours"
    assert bars.text[0].startswith("+2 pts") and "20% → 22%" in bars.text[0]
    lo, hi = fig.layout.xaxis.range
    assert lo < min(bars.x) and hi > max(bars.x)


def test_samples_html_newest_first_and_escaped() -> None:
    out = ct.samples_html([(0, "x<unk>y"), (100, "the cat\nsat")])
    assert out.index("after step 100") < out.index("after step 0")
    assert "x&lt;unk&gt;y" in out and "<unk>" not in out


def test_a_long_title_keeps_the_room_it_wraps_into() -> None:
    """layout() makes room for each line a long title takes; no training chart takes it back."""
    from explainer.charts.style import TITLE_LINE_PX

    long = "A title long enough to take two lines on a phone's chart"
    for chart in (
        lambda t: ct.loss_chart([1, 2], [3.0, 2.0], [], [], title=t),
        lambda t: ct.nudge_chart(["a", "b"], [0.5, 0.5], [0.6, 0.4], 0, t),
        lambda t: ct.update_size_chart([1, 2], {"layer 1": [0.01, 0.02]}, title=t),
    ):
        assert chart(long).layout.margin.t - chart("short").layout.margin.t == TITLE_LINE_PX
