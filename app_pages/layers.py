"""Layers: one token's vector through attention and feed-forward, layer after layer; the logit lens; neurons."""

import pandas as pd
import streamlit as st

from explainer.analysis import inside
from explainer.charts.layers import change_bars, flow_dot, logit_lens_heatmap, neuron_bars, neuron_writers_bars
from explainer.format import md_escape, number, percent
from explainer.i18n import _
from explainer.ui.inside import (
    DEFAULT_PROMPT,
    lens_for,
    neuron_index_for,
    neuron_words_for,
    neuron_writers_for,
    trace_for,
)
from explainer.ui.prediction import prompt_section
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.navigation import link_page, stop
from explainer.ui.shell.presenter import advanced, on_a_phone, side_by_side
from explainer.ui.shell.views import VIEW_KEY, section, view
from explainer.ui.shell.words import for_the_teacher
from explainer.ui.switch_off import switch_off_section

LENS_POSITIONS, LENS_ON_A_PHONE = 8, 4  # the logit lens's columns at first (each cell holds a word)

st.title(_("Layers — attention and feed-forward, many times over"))
st.markdown(
    _(
        "A transformer is a stack of **layers**. In each, *attention* lets a token's vector gather from the tokens "
        "before it, then a *feed-forward network* works on each vector alone."
    )
)
st.markdown(_("Neither replaces the vector: each **adds** a change to it, so it is refined a little at every step."))
with for_the_teacher("residual-stream", "feed-forward", "neuron", "logit-lens", "ablation", "unembedding"):
    st.markdown(
        _(
            "The running vector is called the **residual stream**: each attention and feed-forward step adds a change "
            "Δ to it. ‖Δ‖ is the size (length, or norm) of that change; “length” is the size of the vector itself. "
            "After the last layer, a final normalisation and the **unembedding** turn it into a score for "
            "every token.\n\n"
            "The **logit lens** reads the vector after each layer as if it were the last: it shows the prediction "
            "forming with depth. The **feed-forward network** has many hidden **neurons**; for one token a few fire "
            "strongly, and the words that excite a neuron most hint at the pattern it stores."
        )
    )

controls, main = side_by_side()  # presenter mode: the text beside the flow, so that it is on the first screen
backend, spec, text, _prompt = prompt_section(DEFAULT_PROMPT, controls)
info = backend.info

trace = trace_for(spec, text)
T = trace.resid_pre[0].shape[0]
ids = backend.fit(backend.encode(text))[0]
labels = inside.token_labels(backend, ids)
pos = controls.select_slider(
    _("Follow the vector of"),
    options=list(range(max(0, T - inside.MAX_DRAWN), T)),
    value=T - 1,
    format_func=lambda i: f"{i + 1}: {labels[i]}",
    key="layers_pos",
    bind="query-params",  # a link (and a class following the teacher) follows the same token
    help=_("The last token's vector is the one that predicts the next word."),
)

stages = inside.residual_stages(trace, pos)
probs = trace.logits[pos].softmax(-1)
p, top = probs.max(-1)
result = _("probabilities\nnext: “{token_labels}” {p}").format(
    token_labels=inside.token_labels(backend, [int(top)])[0], p=percent(float(p))
)
flow = view("flow", main)
flow.markdown(
    _("**The vector of “{labels}” through the layers, with live numbers**").format(labels=md_escape(labels[pos]))
)
flow.container(key="layers_flow").graphviz_chart(flow_dot(stages, result))
show_chart(change_bars(stages, _("How much each step changes the vector")), "layers_changes")
st.caption(
    _(
        "“Length” is the vector's size; “+Δ” is the size of what a step adds to it. "
        "Big changes mark where this token's vector is rewritten most. The final norm rescales the vector "
        "before the unembedding."
    )
    + (
        ""
        if len(trace.resid_mid) == info.n_layer
        else _(" For this model, attention and feed-forward are shown together.")
    )
)
if (last := link_page("last-vector")) is not None:
    st.page_link(
        last, label=_("The same steps in two texts a word apart: The last vector"), query_params={VIEW_KEY: "context"},
        icon=":material/compare_arrows:",
    )  # fmt: skip

section(_("The guess forming, layer by layer"), "lens")
st.markdown(
    _(
        "What if the model stopped early? Each row reads the vector after one more layer as if it were the last "
        "(the *logit lens*). Each cell shows the likeliest next word, coloured by its probability; the bottom row is "
        "the model's real prediction. Nobody wrote these rules: they emerged from training."
    )
)
if T > 2:  # a slider needs two ends apart: a shorter text shows all its positions
    start = LENS_ON_A_PHONE if on_a_phone() else LENS_POSITIONS  # a phone's cells are a quarter of a laptop's
    n_pos = st.slider(
        _("Positions shown"), 2, min(inside.MAX_DRAWN, T), min(start, T), key="lens_n", bind="query-params"
    )
else:
    n_pos = max(T, 1)
lens = lens_for(spec, text, n_pos)
words = [[inside.token_labels(backend, [int(i)])[0] for i in row] for row in lens.ids]
depths = [_("embedding")] + [_("after layer {i}").format(i=i + 1) for i in range(info.n_layer)]
fig = logit_lens_heatmap(words, lens.probs, [labels[i] for i in lens.positions], depths)
show_chart(fig, "layers_lens", width="stretch")
if T > n_pos:
    st.caption(
        _("Showing the last {n_pos} of {t} positions, so that each cell's word stays readable.").format(
            n_pos=n_pos, t=T
        )
    )

switch_off_section(backend, spec, text, ids)

section(_("Feed-forward: neurons"), "neurons")
if not trace.mlp_hidden:
    st.info(_("This model does not expose its feed-forward activations, so its neurons cannot be shown."))
    stop()
F = trace.mlp_hidden[0].shape[-1]
st.markdown(
    _(
        "Each feed-forward network has {f} hidden *neurons* per layer. For one token, a few fire strongly; "
        "many researchers read a neuron by finding the words that make it fire most."
    ).format(f=number(F))
)
writers = neuron_writers_for(spec, text, pos)
if writers is not None:
    found, raised = writers
    word = inside.token_labels(backend, [found.target])[0]
    named = lambda i, n: _("layer {layer} · neuron {n}").format(layer=i + 1, n=n)  # noqa: E731
    st.markdown(
        _(
            "**Which neurons write the next word.** When a neuron fires, the network adds the neuron's own vector to "
            "the token's, times how strongly it fired. Read through the unembedding, that vector raises some words' "
            "scores and lowers others'. At “{token}”, these {k} of the model's {n} neurons add the most to the score "
            "of the next word, “{word}”; under each, the words it raises most here."
        ).format(token=md_escape(labels[pos]), k=len(found.neurons), n=number(found.n), word=md_escape(word))
    )
    show_chart(
        neuron_writers_bars(
            [named(i, n) for i, n in zip(found.layers, found.neurons)],
            [" · ".join(inside.token_labels(backend, ids_)) for ids_ in raised],
            found.added,
            _("The neurons that add most to the score of “{word}”").format(word=word),
        ),
        "layers_writers",
    )
    st.caption(
        _(
            "“{word}” scores {score} here. The neuron that writes most adds {top}; all {n} neurons together add "
            "{total}. What a network learnt is spread over many neurons, each adding a little, and one neuron "
            "serves many patterns: few write only one kind of word. (The shares are read as on the “Why this "
            "word?” page, with the final normalisation's division held as it is for this vector; switching a neuron "
            "off can change the score by more or less, as the normalisation and the layers after it react.)"
        ).format(
            word=md_escape(word),
            score=number(found.score, 1),
            top=number(found.added[0], 2),
            n=number(found.n),
            total=number(found.total, 1),
        )
    )
    st.session_state.setdefault("ff_layer", found.layers[0])  # the neuron that adds most, until a student picks
layer = st.selectbox(  # plain numbers, in the address too: one link in every language
    _("Layer"), range(info.n_layer), format_func=lambda i: str(i + 1), key="ff_layer", bind="query-params"
)
neurons, acts = inside.top_neurons(trace.mlp_hidden[layer][pos], 10)
if writers is not None and st.session_state.get("ff_neuron") not in neurons:
    writing = [n for i, n in zip(found.layers, found.neurons) if i == layer and n in neurons]  # in writing order
    st.session_state["ff_neuron"] = writing[0] if writing else neurons[0]
left, right = st.columns([1, 1]) if advanced() else (st.container(), st.container())  # presenter: full width
show_chart(
    neuron_bars(
        neurons, acts, _("Most active for “{labels}” in layer {layer}").format(labels=labels[pos], layer=layer + 1)
    ),
    "layers_neurons",
    where=left,
)
neuron = right.selectbox(_("Neuron"), neurons, format_func=str, key="ff_neuron", bind="query-params")
index = neuron_index_for(spec)
if index is None:
    right.info(_("This model does not expose its feed-forward activations for the corpus sample."))
else:
    rows = pd.DataFrame(inside.neuron_examples(index, backend, layer, neuron))
    right.markdown(
        _("**Tokens that excite neuron {neuron} most**, in {n_ids} tokens of the built-in corpus:").format(
            neuron=neuron, n_ids=number(len(index.ids))
        )
    )
    shown = {_("words before"): rows["after"], _("token"): rows["token"], _("activation"): rows["activation"]}
    right.table(  # static: its words wrap in a half-width column, the token and its activation stay in view
        pd.DataFrame(shown).style.format("{:.2f}", subset=[_("activation")]), hide_index=True
    )
raised_here = neuron_words_for(spec, text, pos, layer, neuron)
if raised_here:
    right.markdown(
        _("**What neuron {neuron} writes** at “{token}”: the words whose scores it raises most are {words}.").format(
            neuron=neuron,
            token=md_escape(labels[pos]),
            words=" · ".join(md_escape(w) for w in inside.token_labels(backend, raised_here)),
        )
    )
