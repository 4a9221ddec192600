"""The human-feedback page, rendered headlessly with AppTest on the built-in model."""

from __future__ import annotations

import pytest
import torch
from streamlit.testing.v1 import AppTest

from explainer.backends import base
from explainer.ui import feedback as ui
from explainer.ui.shell.models import get_backend

from . import apptest
from .apptest import chart_specs, checked

FEEDBACK = "app_pages/feedback.py"
ZUBROWKA = "What is the capital of Zubrowka?"


def open_page(spec: str | None = None) -> AppTest:
    """The feedback page, checked strictly: a warning fails the test too."""
    return apptest.open_page(FEEDBACK, spec=spec, timeout=120, warnings_ok=False)


def click(at: AppTest, label: str, nth: int = 0, warnings: bool = False) -> AppTest:
    """Click the `nth` button labelled `label` (answers have no fixed key); a warning fails unless `warnings`."""
    [b for b in at.button if b.label == label][nth].click()
    return checked(at.run(), warnings_ok=warnings)


def test_page_says_it_is_a_small_demonstration_and_asks_for_a_question() -> None:
    at = open_page()
    assert at.title[0].value == "Pre-training vs human feedback"
    assert any("small demonstration" in c.value and "thousands" in c.value for c in at.caption)
    assert any(b.label == ZUBROWKA for b in at.button)
    assert not at.get("plotly_chart")
    click(at, "Get answers", warnings=True)  # nothing typed
    assert any("Type a question first" in w.value for w in at.warning)


def test_pick_an_answer_shifts_the_probabilities_then_reset() -> None:
    shared = get_backend("builtin")  # the same cached object the page uses (AppTest runs in this process)
    shared_before = {k: v.clone() for k, v in shared.module.state_dict().items()}
    at = open_page()
    click(at, ZUBROWKA)
    answers = ui.FeedbackState.of(at.session_state).round.answers
    assert len(answers) == 3 and answers[-1] == "I do not know."
    assert len([b for b in at.button if b.label == "Better"]) == 3
    assert ui.FeedbackState.of(at.session_state).copy is None  # no copy of the model until the first piece of feedback

    click(at, "Better", nth=2)  # "I do not know." is the better answer
    assert ui.FeedbackState.of(at.session_state).copy[1] is not shared
    spec = chart_specs(at)[0]
    before, after = (trace["x"] for trace in spec["data"])
    assert after[2] > before[2] and after[0] < before[0]
    assert "better" in spec["layout"]["yaxis"]["ticktext"][2]
    table = at.dataframe[0].value
    assert list(table["feedback"]) == ["better"] and table["answer"][0] == "I do not know."
    assert table["after"][0] > table["before"][0]

    for _ in range(3):  # a few more clicks: "I do not know." keeps rising in the copy
        click(at, "Better", nth=2)
    now = [trace["x"] for trace in chart_specs(at)[0]["data"]][1]
    assert now[2] > after[2]
    says = [m.value for m in at.markdown]
    mine = says[next(i for i, m in enumerate(says) if m.startswith("**Your copy** (after 4 "))]
    assert says[says.index(mine) - 1].startswith("Sorry, I do not know")  # the shared model's reply has not changed
    assert all(torch.equal(v, shared_before[k]) for k, v in shared.module.state_dict().items())

    click(at, "Reset: back to the shared model")
    assert not ui.FeedbackState.of(at.session_state).history
    assert not at.dataframe and not at.get("plotly_chart")
    captions = [c.value for c in at.caption if c.value.startswith("Your copy")]
    assert captions and all(c.split("**")[1] == c.rsplit("shared model: ", 1)[1] for c in captions)


def test_a_pasted_page_of_a_question_is_answered_under_a_short_heading() -> None:
    """The model reads the end of a question longer than its context; the heading shows only its start."""
    at = open_page()
    at.text_input(key=ui.QUESTION_KEY).set_value("What is the capital of France? " * 400)
    click(at, "Get answers")
    heading = next(h.value for h in at.subheader if h.value.startswith("Which answer is better?"))
    assert len(heading) < 200 and heading.endswith("…”")
    assert at.button(key="feedback_better_0").label == "Better" and not at.exception


def test_flag_an_answer_makes_it_less_likely() -> None:
    at = open_page()
    at.text_input(key=ui.QUESTION_KEY).set_value("What is the capital of Qumar?")
    click(at, "Get answers")
    click(at, "Unhelpful", nth=0)
    before, after = (trace["x"] for trace in chart_specs(at)[0]["data"])
    assert after[0] < before[0]
    assert "unhelpful" in chart_specs(at)[0]["layout"]["yaxis"]["ticktext"][0]
    assert list(at.dataframe[0].value["feedback"]) == ["unhelpful"]


def test_a_model_too_large_to_copy_gets_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(base.MAX_CLONE_PARAMS, "cpu", 1_000_000)
    at = apptest.open_page(FEEDBACK, timeout=120, errors_ok=True)
    assert any("too many to give each student a copy" in w.value for w in at.warning)
    assert not any(b.label == "Get answers" for b in at.button)


@pytest.mark.parametrize("fixture", ["tiny_hf_spec", "tiny_model_dir"])
def test_other_models_work_the_same_way(fixture: str, request: pytest.FixtureRequest) -> None:
    """A Hugging Face GPT-2 and a checkpoint with a 32-token context: the same page, no special cases
    (checked() also fails on any warning, e.g. an answer too long to score)."""
    at = open_page(str(request.getfixturevalue(fixture)))
    click(at, "What is the capital of Qumar?")
    click(at, "Unhelpful", nth=0)
    before, after = (trace["x"] for trace in chart_specs(at)[0]["data"])
    assert after[0] < before[0]
