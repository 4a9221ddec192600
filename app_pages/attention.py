"""Attention: which earlier tokens each head reads from, for a prompt and during generation."""

import streamlit as st

from explainer.analysis import inside
from explainer.charts.inside import (
    attention_heatmap,
    attention_lines,
    generation_heads,
    heads_grid,
    model_view,
    score_products,
    scores_to_weights,
)
from explainer.format import fixed_percent, md_escape, number
from explainer.i18n import _, ngettext
from explainer.ui.inside import (
    DEFAULT_PROMPT,
    cap_note,
    continuation_for,
    entity_head_for,
    head_name,
    pick_layer_head,
    queries_keys_for,
    trace_for,
    trace_of_ids,
)
from explainer.ui.prediction import prompt_section
from explainer.ui.shell.chart import shared_chart, show_chart
from explainer.ui.shell.navigation import stop
from explainer.ui.shell.presenter import on_a_phone, side_by_side
from explainer.ui.shell.spinner import spinner_first_time
from explainer.ui.shell.views import section, view
from explainer.ui.shell.words import for_the_teacher
from explainer.ui.switch_off import without_head

st.title(_("Attention — letting the vectors talk"))
st.markdown(
    _(
        "Each token starts as its own list of numbers, knowing nothing of its neighbours. **Attention** lets each one "
        "gather information from the tokens before it, all at once."
    )
)
st.markdown(_("Each *head* asks, for every token: which earlier tokens matter to me?"))
with for_the_teacher("attention", "head", "query-key", "causal-mask", "softmax"):
    st.markdown(
        _(
            "A head scores each earlier token by a dot product, **query · key** (what the looking token asks for, "
            "times what the earlier token offers), turns the scores into weights that add up to 100 % with a "
            "**softmax**, and adds up the earlier tokens' values with those weights:"
        )
    )
    st.latex(r"\mathrm{Attention}(Q,K,V)=\mathrm{softmax}\!\left(\frac{QK^{\top}}{\sqrt{d}}\right)V")
    st.markdown(
        _(
            "A token never sees the tokens after it: the **causal mask** hides them (grey cells), because the model "
            "must predict what comes next. Every layer has several **heads**, each with its own habit."
        )
    )

controls, main = side_by_side()  # presenter mode: the text beside the heatmap, so that it is on the first screen
backend, spec, text, _prompt = prompt_section(DEFAULT_PROMPT, controls)
info = backend.info

trace = trace_for(spec, text)
att = inside.attention_stack(trace)  # (L, H, T, T)
T = att.shape[-1]
ids = backend.fit(backend.encode(text))[0]
labels = inside.token_labels(backend, ids)
win = inside.window(T)
placed = lambda i: f"{i + 1}: {labels[i]}"  # noqa: E731  a token named by its place: a word can come twice
shown = labels[win]

found = entity_head_for(spec)
where = head_name(found.layer, found.head)
measured = _(
    "Measured on {n} capital questions (“…The capital of Japan is”), from the last position, where the "
    "capital is predicted. Spreading attention evenly would give the country {baseline}; the model's top "
    "next word was the right capital in {n_correct} of {n}."
).format(n=found.n, baseline=fixed_percent(found.baseline, 0), n_correct=found.n_correct)
with controls:
    layer, head = pick_layer_head(info.n_layer, info.n_head, (found.layer, found.head))
sub = att[layer, head][win, win]  # (t, t)
phone = on_a_phone()
heatmap = shared_chart(  # the same for every student who looks at this text, layer and head (on a phone or not)
    ("attn_heatmap", spec, text, layer, head, phone),
    lambda: attention_heatmap(
        sub,
        shown,
        _("Layer {layer}, head {head}: who looks at whom").format(layer=layer + 1, head=head + 1),
        highlight=len(shown) - 1,
        narrow=phone,
    ),
)
show_chart(heatmap, "attn_heatmap", where=view("head", main))
st.caption(
    _(
        "Each row is a token looking back; each row's weights add up to 100 %. Grey cells are the future, hidden "
        "by the causal mask. The orange box is the last token, whose vector predicts the next word."
    )
)
cap_note(T, inside.MAX_DRAWN)
if found.found:
    st.success(
        _(
            "**A head that finds the country.** In **{where}**, the answer position puts on average **{weight}** "
            "of its attention on the country's name. {measured} The layer and head above start there: look at "
            "the last row."
        ).format(where=where, weight=fixed_percent(found.weight, 0), measured=measured)
        + " "
        + without_head(backend, spec, text, len(ids), found.layer, found.head),
        icon=":material/travel_explore:",
    )
else:
    st.info(
        _(
            "**No head clearly looks at the country.** The strongest is {where}, with {weight} of its attention "
            "on the country's name on average. {measured}"
        ).format(where=where, weight=fixed_percent(found.weight, 0), measured=measured),
        icon=":material/travel_explore:",
    )


section(_("The heads side by side"), "heads")


def _grid():  # each head titled by its habit in this text (made only when the shared chart is not there yet)
    habits = [s.habit(labels) for s in inside.head_summaries(att[layer])]
    return heads_grid(att[layer][:, win, win], shown, habits)


this_layer, every_layer = st.tabs(
    [_("Layer {layer}").format(layer=layer + 1), _("Every layer")], key="attn_heads_tab", on_change="rerun"
)
if this_layer.open:  # only the open tab is drawn
    with this_layer:
        show_chart(shared_chart(("attn_grid", spec, text, layer), _grid), "attn_grid")
        st.caption(
            _(
                "Heads in the same layer read the same text differently. In a large model some have a habit: "
                "the previous token, or the first. A title gives a head's habit where it has one (its weight on "
                "average, in this text); else where the last token, whose vector predicts the next word, looks "
                "most."
            )
        )
if every_layer.open:
    with every_layer:
        every = shared_chart(
            ("attn_model_view", spec, text, layer, head),
            lambda: model_view(att[:, :, win, win], shown, mark=(layer, head)),
        )
        show_chart(every, "attn_model_view")
        st.caption(
            _(
                "All {n} heads at once, layer 1 at the top: the vectors pass down through the layers, and every head "
                "of every layer reads the text its own way, all at the same time. Nobody assigned these patterns; "
                "training made them. The orange box is the head chosen above: pick another layer or head there to "
                "move it."
            ).format(n=number(info.n_layer * info.n_head))
        )

section(_("One token's view"), "lines")
query = st.select_slider(
    _("The token looking back"),
    options=list(range(win.start, T)),
    value=T - 1,
    format_func=placed,
    key="attn_query",
    bind="query-params",  # a link (and a class following the teacher) opens the same token's view
)
q = query - win.start
line_title = _("Where “{labels}” looks (layer {layer}, head {head})").format(
    labels=labels[query], layer=layer + 1, head=head + 1
)
lines = shared_chart(
    ("attn_lines", spec, text, layer, head, query),
    lambda: attention_lines(att[layer, head, query, win], shown, q, line_title),
)
show_chart(lines, "attn_lines")

section(_("Scores, then softmax: how the weights are made"), "scores")
st.markdown(
    _(
        "The head gives every token up to “{word}” a **score**: the dot product of the *query* of “{word}” (what it "
        "looks for) with that token's *key* (what it offers), divided by the square root of their length. The "
        "**softmax** turns the scores into the weights above, as the last vector's scores become next-word "
        "probabilities: one point of score less means e ≈ 2.7 times less weight. Only the gaps between scores "
        "matter to the softmax, so they are counted here from the highest."
    ).format(word=md_escape(labels[query]))
)
row = inside.scored_row(att[layer, head, query, : query + 1])  # every token it sees, not only the drawn window
scored = shared_chart(
    ("attn_scores", spec, text, layer, head, query),
    lambda: scores_to_weights(
        [placed(p) for p in row.positions],
        row.gaps,
        row.weights,
        ngettext("{n} other token", "{n} other tokens", row.rest).format(n=row.rest) if row.rest else "",
        row.rest_weight,
        _("“{word}” (layer {layer}, head {head}): scores → weights").format(
            word=labels[query], layer=layer + 1, head=head + 1
        ),
    ),
)
show_chart(scored, "attn_scores")
if len(row.positions) > 1:  # the softmax checked by hand on the two heaviest tokens
    st.caption(
        _(
            "Check it by hand: “{second}” scores {gap} below “{first}”, and e^−{gap} = {ratio}, so it gets {ratio} "
            "times the weight: {w2} ≈ {ratio} × {w1}."
        ).format(
            first=md_escape(placed(row.positions[0])),
            second=md_escape(placed(row.positions[1])),
            gap=number(-row.gaps[1], 2),
            ratio=number(row.weights[1] / row.weights[0], 3),
            w2=fixed_percent(row.weights[1], 1),
            w1=fixed_percent(row.weights[0], 1),
        )
    )

qk = queries_keys_for(spec, text, layer) if len(row.positions) > 1 else None
if qk is not None:  # where a score comes from: the query and a key, multiplied number by number
    hs = qk.queries.shape[-1]
    st.markdown(
        _(
            "**Where a score comes from.** In this head every token has a *query* and a *key*, each a list of {n} "
            "numbers. Multiply the query of “{word}” by a token's key number by number, add up the {n} products, "
            "divide by √{n} ≈ {root}: that is the token's score. A number where both lists are large and of the same "
            "sign raises it; one where their signs differ lowers it."
        ).format(n=hs, word=md_escape(labels[query]), root=number(hs**0.5, 2))
    )
    other = st.selectbox(
        _("Compare “{first}” with").format(first=placed(row.positions[0])),
        row.positions[1:],
        index=len(row.positions) - 2,
        format_func=placed,
        key="attn_compare",
        bind="query-params",
    )
    pair = [row.positions[0], other]
    terms = inside.score_terms(qk, head, query, pair)
    products = shared_chart(
        ("attn_products", spec, text, layer, head, query, other),
        lambda: score_products(
            terms.products,
            [placed(p) for p in pair],
            terms.scores.tolist(),
            _("Query of “{word}” × each key, number by number (layer {layer}, head {head})").format(
                word=labels[query], layer=layer + 1, head=head + 1
            ),
        ),
    )
    show_chart(products, "attn_products")
    st.caption(
        _(
            "Scores: “{first}” {s1}, “{second}” {s2}. Their gap, {gap}, is the gap the dots above show, read from the "
            "weights alone: the softmax needs nothing else from the query and the keys."
        ).format(
            first=md_escape(placed(pair[0])),
            second=md_escape(placed(pair[1])),
            s1=number(float(terms.scores[0]), 2),
            s2=number(float(terms.scores[1]), 2),
            gap=number(float(terms.scores[1] - terms.scores[0]), 2),
        )
    )

section(_("Attention during generation"), "generation")
st.markdown(
    _(
        "The model writes a reply one token at a time (here always the likeliest). Step through it: for each "
        "new token, the rows show where every head of layer {layer} looked from the last position before it, "
        "the one whose vector chose it."
    ).format(layer=layer + 1)
)
new = spinner_first_time(("continuation", spec, text), _("Generating…"), lambda: continuation_for(spec, text))
if not new:
    st.info(_("The model ended the text right away: there is nothing generated to step through."))
    stop()
full = (ids + new)[-info.context_length :]
gen_trace = trace_of_ids(spec, tuple(full))
n0 = len(full) - len(new)
step = st.slider(_("Generated token"), 1, len(new), 1, key="gen_step", bind="query-params") if len(new) > 1 else 1
qpos = n0 + step - 2  # the position whose vector predicted token n0 + step - 1
g_labels = inside.token_labels(backend, full[: qpos + 1])
g_win = inside.window(qpos + 1)
weights = inside.attention_stack(gen_trace)[layer][:, qpos, g_win]  # (H, t)
is_new = [i >= n0 for i in range(g_win.start, qpos + 1)]
so_far = backend.decode(full[n0 : n0 + step])
new_word = inside.token_labels(backend, [full[n0 + step - 1]])[0]
st.markdown(
    _("Reply so far: **{so_far}** — the new token is **“{new_word}”**.").format(
        so_far=md_escape(so_far.strip()) or "…", new_word=md_escape(new_word)
    )
)
generation = shared_chart(
    ("attn_generation", spec, text, layer, step),
    lambda: generation_heads(
        weights,
        g_labels[g_win],
        is_new,
        _("Choosing token {step}: where each head of layer {layer} looked").format(step=step, layer=layer + 1),
    ),
)
show_chart(generation, "attn_generation")
