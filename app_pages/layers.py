"""Layers: one token's vector through attention and feed-forward, layer after layer; the logit lens; neurons."""

import pandas as pd
import streamlit as st

from explainer.analysis import inside
from explainer.charts.inside import change_bars, flow_dot, logit_lens_heatmap, neuron_bars
from explainer.format import md_escape, percent
from explainer.ui.inside import DEFAULT_PROMPT, lens_for, neuron_index_for, trace_for
from explainer.ui.prediction import prompt_section
from explainer.ui.shell.export import show_chart
from explainer.ui.shell.navigation import stop
from explainer.ui.shell.presenter import advanced

st.title("Layers — attention and feed-forward, many times over")
st.markdown(
    """
A transformer is a stack of identical-looking **layers**. In each, *attention* lets a token's vector
gather from the tokens before it, then a *feed-forward network* works on each vector alone, applying
patterns stored in its weights during training. Neither replaces the vector: each **adds** a change to it
(the "residual stream"), so the vector is refined a little at every step. After the last layer, a final
normalisation and the unembedding turn it into a probability for every possible next token.
"""
)

backend, spec, text, _ = prompt_section(DEFAULT_PROMPT)
info = backend.info

trace = trace_for(spec, text)
T = trace.resid_pre[0].shape[0]
ids = backend.fit(backend.encode(text))[0]
labels = inside.token_labels(backend, ids)
pos = st.select_slider(
    "Follow the vector of",
    options=list(range(max(0, T - inside.MAX_DRAWN), T)),
    value=T - 1,
    format_func=lambda i: f"{i + 1}: {labels[i]}",
    key="layers_pos",
    help="The last token's vector is the one that predicts the next word.",
)

st.subheader(f"The flow for “{md_escape(labels[pos])}”, with live numbers")
stages = inside.residual_stages(trace, pos)
probs = trace.logits[pos].softmax(-1)
p, top = probs.max(-1)
result = f"probabilities\nnext: “{inside.token_labels(backend, [int(top)])[0]}” {percent(float(p))}"
st.graphviz_chart(flow_dot(stages, result))
show_chart(change_bars(stages, "How much each step changes the vector"), "layers_changes")
st.caption(
    "“Length” is the vector's size (its norm); “+Δ” is the size of what a step adds to it. "
    "Big changes mark where this token's vector is rewritten most. The final norm rescales the vector "
    "before the unembedding."
    + (
        ""
        if len(trace.resid_mid) == info.n_layer
        else " For this model, attention and feed-forward are shown together."
    )
)

st.subheader("Logit lens: the prediction forming with depth")
st.markdown(
    "What if we stopped early? Send the vector after each layer straight to the final norm and unembedding "
    "and read off the likeliest next token. Each cell shows that token, coloured by its probability; the "
    "bottom row is the model's real prediction. Early rows are rough guesses that sharpen as depth grows."
)
n_pos = st.slider("Positions shown", 2, min(inside.MAX_DRAWN, max(T, 2)), min(8, max(T, 2)), key="lens_n")
if T < 2:
    n_pos = 1
lens = lens_for(spec, text, n_pos)
words = [[inside.token_labels(backend, [int(i)])[0] for i in row] for row in lens.ids]
depths = ["embedding"] + [f"after layer {i + 1}" for i in range(info.n_layer)]
fig = logit_lens_heatmap(words, lens.probs, [labels[i] for i in lens.positions], depths)
show_chart(fig, "layers_lens", width="stretch")
if T > n_pos:
    st.caption(f"Showing the last {n_pos} of {T} positions, so that each cell's word stays readable.")

st.subheader("Feed-forward: neurons")
if not trace.mlp_hidden:
    st.info("This model does not expose its feed-forward activations, so its neurons cannot be shown.")
    stop()
F = trace.mlp_hidden[0].shape[-1]
st.markdown(
    f"Each feed-forward network has {F:,} hidden *neurons* per layer. For one token, a few fire strongly; "
    "many researchers read a neuron by finding the words that make it fire most."
)
layer = st.selectbox("Layer", range(info.n_layer), format_func=lambda i: f"layer {i + 1}", key="ff_layer")
neurons, acts = inside.top_neurons(trace.mlp_hidden[layer][pos], 10)
left, right = st.columns([1, 1]) if advanced() else (st.container(), st.container())  # presenter: full width
show_chart(neuron_bars(neurons, acts, f"Most active for “{labels[pos]}” in layer {layer + 1}"), "layers_neurons", left)
neuron = right.selectbox("Neuron", neurons, format_func=lambda n: f"neuron {n}", key="ff_neuron")
index = neuron_index_for(spec)
if index is None:
    right.info("This model does not expose its feed-forward activations for the corpus sample.")
else:
    rows = pd.DataFrame(inside.neuron_examples(index, backend, layer, neuron))
    right.markdown(f"**Tokens that excite neuron {neuron} most**, in {len(index.ids):,} tokens of the built-in corpus:")
    right.dataframe(
        rows,
        hide_index=True,
        column_order=("after", "token", "activation"),
        column_config={
            "after": st.column_config.TextColumn("words before"),
            "token": st.column_config.TextColumn("token"),
            "activation": st.column_config.NumberColumn("activation", format="%.2f"),
        },
    )
