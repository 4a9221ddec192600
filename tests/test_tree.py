"""What else could it have said? The continuation tree keeps its bounds, multiplies along each path, applies the
sampling settings, runs one batched forward pass per level, and on the shipped model the capital is the thickest
branch."""

from __future__ import annotations

import pytest

from explainer.analysis.inside import capital_questions
from explainer.charts.tree import continuation_tree as tree_figure
from explainer.generation.script import build_script
from explainer.generation.tree import TreeLimits, continuation_tree, greedy_end, leaves, path_of
from explainer.i18n import speaking
from explainer.model.sampling import SamplingParams

PROMPT = "User: What is the capital of France?\nAssistant: The capital of France is"


def grow(backend, params: SamplingParams | None = None, **limits):
    return continuation_tree(backend, backend.encode(PROMPT), params or SamplingParams(), TreeLimits(**limits))


@pytest.mark.parametrize(
    "limits",
    [
        dict(depth=3, branches=3, floor=0.0, max_nodes=40),
        dict(depth=4, branches=5, floor=0.001, max_nodes=12),
        dict(depth=2, branches=6, floor=0.002, max_nodes=80),
    ],
)
def test_the_tree_keeps_its_bounds(small, limits) -> None:
    nodes = grow(small, **limits)
    assert nodes[0].path == () and nodes[0].path_prob == 1.0
    assert 1 < len(nodes) <= limits["max_nodes"] + 1
    children: dict[int, int] = {}
    for n in nodes[1:]:
        parent = nodes[n.parent]
        children[n.parent] = children.get(n.parent, 0) + 1
        assert n.path[:-1] == parent.path and n.depth == parent.depth + 1 <= limits["depth"]
        assert n.path_prob == pytest.approx(parent.path_prob * n.prob)
        assert n.path_prob >= limits["floor"] and 0 < n.prob <= 1
    assert max(children.values()) <= limits["branches"]


def test_one_batched_forward_pass_per_level(builtin, monkeypatch) -> None:
    calls = []
    batch = builtin.next_token_logits_batch
    monkeypatch.setattr(builtin, "next_token_logits_batch", lambda rows: calls.append(len(rows)) or batch(rows))
    nodes = grow(builtin, depth=3, branches=3, floor=0.0)
    assert calls == [1, 3, 9] and len(nodes) == 1 + 3 + 9 + 27


def test_the_batch_gives_each_row_its_own_prediction(small) -> None:
    rows = [small.encode("User: What"), small.encode("the bank of")]
    rows = [r[-2:] for r in rows]
    batch = small.next_token_logits_batch(rows)
    for row, logits in zip(rows, batch):
        assert logits.tolist() == pytest.approx(small.next_token_logits(row).tolist(), abs=1e-4)


def test_the_text_of_a_path_is_what_the_model_would_write(builtin) -> None:
    nodes = grow(builtin, depth=3, branches=2, floor=0.0)
    for i in leaves(nodes):
        assert builtin.decode(builtin.encode(PROMPT) + list(nodes[i].path)) == builtin.decode(
            builtin.encode(PROMPT)) + nodes[i].text  # fmt: skip
        assert [n.path[-1] for n in path_of(nodes, i)] == list(nodes[i].path)


def test_sampling_settings_shape_the_tree(builtin) -> None:
    greedy = grow(builtin, SamplingParams(temperature=0), depth=4, branches=5, floor=0.0)
    assert [n.depth for n in greedy] == [0, 1, 2, 3, 4] and all(n.prob == 1.0 for n in greedy)
    one = grow(builtin, SamplingParams(top_k=1), depth=2, branches=5, floor=0.0)
    assert len(one) == 3
    cold = grow(builtin, SamplingParams(temperature=0.5), depth=1, branches=5, floor=0.01)
    hot = grow(builtin, SamplingParams(temperature=2.0), depth=1, branches=5, floor=0.001)  # 3: all below the floor
    assert len(hot) > len(cold) and hot[1].prob < cold[1].prob


def test_the_capital_is_the_thickest_branch(builtin) -> None:
    questions = capital_questions(36)
    for text, country, capital in questions:
        nodes = continuation_tree(builtin, builtin.encode(text), SamplingParams(), TreeLimits(depth=2))
        first = max((n for n in nodes if n.depth == 1), key=lambda n: n.path_prob)
        assert first.text.strip() == capital, (country, first.text)
        assert path_of(nodes, leaves(nodes)[0])[0] is first


@pytest.mark.parametrize(
    "limits, message",
    [
        (dict(depth=0), "depth"),
        (dict(branches=9), "branches"),
        (dict(floor=1.0), "floor"),
        (dict(max_nodes=0), "max_nodes"),
    ],
)
def test_limits_outside_their_range_are_refused(builtin, limits, message) -> None:
    with pytest.raises(ValueError, match=message):
        grow(builtin, **limits)


def test_the_last_words_have_room_in_the_figure(small) -> None:
    """The last column's labels stand in the right margin, which grows with the longest of them (on a phone a column
    is narrower than "␣beautiful 4%"), the words between columns take two lines; the title names the chart and its
    subtitle says how to read it."""
    from explainer.charts.style import FONT

    nodes = grow(small, depth=2, branches=3, floor=0.0)
    short = tree_figure(nodes, ["", *("x" for _n in nodes[1:])], "…is")
    long = tree_figure(nodes, ["", *(" a very long word indeed" for _n in nodes[1:])], "…is")
    depth = max(n.depth for n in nodes)
    last = [a.text for a in long.layout.annotations if a.x == depth]
    assert long.layout.margin.r >= 0.5 * FONT * max(map(len, last)) > short.layout.margin.r
    between = [a.text for a in long.layout.annotations if 0 < a.x < depth]  # narrow: the word, then its share below
    assert between and all(t.count("<br>") == 1 for t in between) and not any("<br>" in t for t in last)
    assert long.layout.xaxis.range[1] < depth + 0.5  # the plot ends at the last column: its labels are in the margin
    assert long.layout.title.text == "What else could it have said?" and "orange" in long.layout.title.subtitle.text
    (prompt,) = [
        a
        for a in tree_figure(nodes, ["", *("x" for _n in nodes[1:])], "…a long time ago").layout.annotations
        if a.x == 0
    ]
    assert prompt.xanchor == "right" and prompt.text == "…a long<br>time ago"  # left of its dot, clear of word 1
    assert list(long.layout.xaxis.ticktext)[:2] == ["prompt", "word 1"]
    with speaking("es"):  # a long column name takes two lines: on a phone the columns are 65 px apart
        spanish = tree_figure(nodes, ["", *("x" for _n in nodes[1:])], "…")
    assert spanish.layout.xaxis.ticktext[1] == "palabra<br>1"


def test_greedy_follows_the_likeliest_child_at_each_level(small) -> None:
    nodes = grow(small, depth=3, branches=3, floor=0.0)
    path = path_of(nodes, greedy_end(nodes))
    assert len(path) == 3
    for n in path:  # each step: no sibling likelier
        assert n.prob == max(m.prob for m in nodes[1:] if m.parent == n.parent)
    assert greedy_end(nodes[:1]) == 0


def test_the_likeliest_word_each_time_is_not_the_likeliest_path(builtin) -> None:
    """The page's default story (“Once upon a time,”): greedy writes “in a cosy” (24.5 % first, then 9.7 % in all),
    where “high up in” starts a little less likely (23.9 %) and then never doubts (23.9 % in all)."""
    text = build_script([], "Tell me a short story about a fox.") + " Once upon a time,"
    nodes = continuation_tree(builtin, builtin.encode(text), SamplingParams(), TreeLimits())
    best, greedy = leaves(nodes)[0], greedy_end(nodes)
    assert greedy != best and nodes[greedy].depth == nodes[best].depth == 3
    assert path_of(nodes, greedy)[0].prob > path_of(nodes, best)[0].prob  # it starts with the favourite word
    assert nodes[best].path_prob > 2 * nodes[greedy].path_prob
    fig = tree_figure(nodes, [""] + [builtin.token_str(n.path[-1]) for n in nodes[1:]], "…a time,").to_dict()
    dashed = [t for t in fig["data"] if t["mode"] == "lines" and t["line"]["dash"] == "dash"]
    assert len(dashed) == 3 and "dashed" in fig["layout"]["title"]["subtitle"]["text"]  # the greedy path, drawn
    alone = continuation_tree(builtin, builtin.encode(text), SamplingParams(temperature=0.0), TreeLimits())
    fig = tree_figure(alone, [""] + [builtin.token_str(n.path[-1]) for n in alone[1:]], "…a time,").to_dict()
    assert "dashed" not in fig["layout"]["title"]["subtitle"]["text"]  # one path: greedy is the likeliest
