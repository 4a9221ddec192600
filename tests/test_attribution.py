"""Why this word? Direct logit attribution adds up to the logit on both model kinds, gradients never touch the shared
model, and on the shipped model integrated gradients find the country behind a capital."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from explainer.analysis import attribution as attr
from explainer.analysis.inside import capital_questions
from explainer.backends.base import FinalNorm
from explainer.corpus.data import COUNTRIES
from explainer.corpus.generator import builtin_corpus
from explainer.training.evaluate import answer_token

PROMPT = "User: What is the capital of France?\nAssistant: The capital of France is"
# integrated gradients from the average word put the country first in 97.5 % of all 161 held-out capital questions
# (its name as typed: "denmark" in a question typed in lower case is the country too)
COUNTRY_SHARE = 0.97


def top_id(backend, text: str) -> int:
    return int(backend.next_token_logits(backend.encode(text)).argmax())


def test_frozen_layer_norm_is_linear_and_exact_at_its_vector() -> None:
    ln = torch.nn.LayerNorm(6)
    torch.nn.init.normal_(ln.weight)
    torch.nn.init.normal_(ln.bias)
    norm = FinalNorm(ln.weight.detach(), ln.bias.detach(), ln.eps, centred=True)
    parts = torch.randn(4, 6)
    x = parts.sum(0)
    assert torch.allclose(norm.frozen(parts, x).sum(0) + norm.bias, ln(x).detach(), atol=1e-5)


def test_heads_and_bias_make_up_the_attention_output(small) -> None:
    tr = small.trace(small.encode(PROMPT))
    L, H = small.info.n_layer, small.info.n_head
    assert [h.shape for h in tr.head_out] == [(H, small.info.d_model)] * L
    la = attr.logit_attribution(small, tr, 3)
    assert la.heads.shape == (L, H)
    assert np.allclose(la.heads.sum(1) + la.attention_bias, la.attention)


@pytest.mark.parametrize("target", ["top", "other"])
def test_parts_add_up_to_the_logit(small, target) -> None:
    ids = small.encode(PROMPT)
    tok = top_id(small, PROMPT) if target == "top" else 7
    la = attr.logit_attribution(small, small.trace(ids), tok)
    assert la.total == pytest.approx(float(small.next_token_logits(ids)[tok]), abs=1e-3)
    rows = attr.component_table(la)
    assert sum(r["score"] for r in rows) == pytest.approx(la.logit, abs=1e-3)
    assert len(rows) == 1 + small.info.n_layer * (small.info.n_head + 2) + 1


def test_parts_add_up_on_the_shipped_model(builtin) -> None:
    for text, _, capital in capital_questions(6):
        ids = builtin.encode(text)
        target = answer_token(builtin, text, capital)
        la = attr.logit_attribution(builtin, builtin.trace(ids), target)
        assert la.total == pytest.approx(la.logit, abs=2e-3)
        assert la.logit == pytest.approx(float(builtin.next_token_logits(ids)[target]), abs=1e-3)


def test_gradients_leave_the_shared_model_alone(small) -> None:
    params = list(small.module.parameters())
    flags = [p.requires_grad for p in params]
    before = [p.detach().clone() for p in params]
    ids = small.encode(PROMPT)
    emb, base, grads, logp = small.embedding_gradients(ids, 5, [0.5, 1.0])
    assert emb.shape == base.shape == (len(ids), small.info.d_model)
    assert grads.shape == (2, len(ids), small.info.d_model)
    assert torch.equal(base[-1], emb[-1]) and torch.allclose(base[0], base[1])  # the last token stays; the average
    assert torch.isfinite(grads).all() and grads.abs().sum() > 0
    assert logp[1] == pytest.approx(float(small.next_token_logits(ids).log_softmax(-1)[5]), abs=1e-4)
    assert all(p.grad is None for p in params)
    assert [p.requires_grad for p in params] == flags
    assert all(torch.equal(p, b) for p, b in zip(params, before))


def test_integrated_gradients_add_up_to_the_change_from_the_average_word(small) -> None:
    ids = small.encode(PROMPT)
    ta = attr.token_attribution(small, ids, 5, "integrated", steps=64)
    _, _, _, ends = small.embedding_gradients(ids, 5, [0.0, 1.0])
    change = float(ends[1] - ends[0])
    assert ta.scores.shape == (len(ids),) and ta.scores[-1] == 0.0  # the last token is where the prediction is read
    assert ta.scores.sum() == pytest.approx(change, rel=0.05, abs=0.02)


def test_unknown_method_is_refused(small) -> None:
    with pytest.raises(ValueError, match="unknown attribution method"):
        attr.token_attribution(small, small.encode(PROMPT), 1, "magic")


def test_the_country_pushes_the_capital_most(builtin) -> None:
    capitals = {c.capital: c.name for c in COUNTRIES}
    items = [it for it in builtin_corpus().heldout if it.topic == "capital"][::3]
    hits = []
    for it in items:
        ids = builtin.encode(it.prompt)
        ta = attr.token_attribution(builtin, ids, answer_token(builtin, it.prompt, it.answer))
        top = builtin.token_str(ids[int(np.argmax(ta.scores))]).strip()
        hits.append(top.lower() in capitals[it.answer].lower().split())
    assert len(items) >= 40
    assert np.mean(hits) >= COUNTRY_SHARE, f"{np.mean(hits):.0%} of {len(items)}"


def test_sentences_name_the_strongest(builtin) -> None:
    scores = np.array([0.5, -2.0, 3.0])
    assert (
        attr.pushes_sentence(["a", "b", "c"], scores, "X") == "“c” pushed “X” up the most; “b” pushed it down the most."
    )
    la = attr.logit_attribution(builtin, builtin.trace(builtin.encode(PROMPT)), top_id(builtin, PROMPT))
    assert "wrote the most" in attr.writers_sentence(la, "Paris")


def test_the_parts_chart_keys_its_colours_under_the_title(builtin) -> None:
    """plotly's legend, wrapped on a phone, climbs into the title: the key is the title's subtitle, on lines a phone
    shows, with the top margin grown for each."""
    from explainer.charts.attribution import logit_parts
    from explainer.charts.style import BLUE, LINE_PX, ORANGE, SMALL

    la = attr.logit_attribution(builtin, builtin.trace(builtin.encode(PROMPT)), top_id(builtin, PROMPT))
    fig = logit_parts(la, "Paris")
    key = fig.layout.title.subtitle.text
    assert f'<span style="color:{BLUE}">█</span> attention' in key and f'<span style="color:{ORANGE}">█</span>' in key
    assert "norm and bias" not in key and fig.layout.showlegend is False
    assert fig.layout.margin.t >= 70 + LINE_PX[SMALL] * (key.count("<br>") + 1)


def test_the_word_bars_on_a_phone_name_every_other_word_of_a_long_text() -> None:
    from explainer.charts.attribution import token_pushes
    from explainer.charts.describe import describe
    from explainer.charts.style import HIDDEN, NARROW_NAMES

    words = [f"w{i}" for i in range(NARROW_NAMES + 4)]
    scores = np.linspace(-1, 1, len(words))
    wide, narrow = (token_pushes(words, scores, "Paris", narrow=n) for n in (False, True))
    assert list(wide.layout.xaxis.ticktext) == words and list(wide.data[0].customdata) == words
    names = list(narrow.layout.xaxis.ticktext)
    assert names[-1] == words[-1] and all(n.startswith(HIDDEN) for n in names[::-1][1::2])
    assert describe(narrow)[1] == describe(wide)[1], "the text alternative names every bar"
    assert list(narrow.data[0].customdata) == words  # every bar keeps its word on hover
