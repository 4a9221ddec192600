"""Streamlit pieces for "What else could it have said?": the tree cached per (model, text, settings), and continuing
the text from a branch (clicked in the chart, or picked from the list)."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from explainer.format import visible_token
from explainer.generation.tree import Node, TreeLimits, continuation_tree
from explainer.i18n import _
from explainer.model.sampling import SamplingParams
from explainer.ui.prediction import set_prompt
from explainer.ui.shell.models import get_backend
from explainer.ui.shell.spinner import spinner_first_time
from explainer.ui.shell.state import SessionObject


@dataclass
class TreeState(SessionObject):
    KEY = "continuation_tree"
    history: list[str] = field(default_factory=list)  # the text before each "continue from here", for going back


def tree_for(
    spec: str, text: str, temperature: float, top_k: int, top_p: float, depth: int, branches: int, floor: float
) -> list[Node]:
    """The tree, cached; a spinner in the session's language the first time it grows."""
    args = (spec, text, temperature, top_k, top_p, depth, branches, floor)
    return spinner_first_time(("tree", *args), _("Growing the tree…"), lambda: _tree(*args))


@st.cache_data(max_entries=64, show_spinner=False)
def _tree(
    spec: str, text: str, temperature: float, top_k: int, top_p: float, depth: int, branches: int, floor: float
) -> list[Node]:
    backend = get_backend(spec)
    params = SamplingParams(temperature, top_k, top_p)
    return continuation_tree(backend, backend.encode(text), params, TreeLimits(depth, branches, floor))


def shown(node: Node) -> str:
    """A branch's words as the eye reads them: a newline shows as ⏎."""
    return visible_token(node.text.strip(" "))


def continue_from(text: str, node: Node) -> None:
    """Make the text the prompt plus the branch's words (from a callback, before the text box is drawn)."""
    if node.path:
        TreeState.of().history.append(text)
        set_prompt(text + node.text)


def go_back() -> None:
    state = TreeState.of()
    if state.history:
        set_prompt(state.history.pop())


def clicked_node(chart_key: str, nodes: list[Node]) -> Node | None:
    """The node clicked in the tree chart under `chart_key` (its points carry their node's index), if any."""
    event = st.session_state.get(chart_key)
    points = event.selection.points if event is not None else []
    for point in points:
        index = point.get("customdata")
        index = index[0] if isinstance(index, list) else index
        if isinstance(index, int) and 0 < index < len(nodes):
            return nodes[index]
    return None
