"""What else could it have said? The tree of continuations from any prompt, with each branch's probability."""

import pandas as pd
import streamlit as st

from explainer.charts.tree import continuation_tree
from explainer.format import md_escape, percent, visible_token
from explainer.generation.script import StartedReply
from explainer.generation.tree import MAX_BRANCHES, greedy_end, leaves, path_of
from explainer.i18n import _, ngettext
from explainer.ui.prediction import prompt_section, sampling_controls
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.export import csv_button
from explainer.ui.shell.presenter import advanced
from explainer.ui.shell.views import view
from explainer.ui.tree import TreeState, clicked_node, continue_from, go_back, shown, tree_for

DEFAULT_PROMPT = StartedReply("Tell me a short story about a fox.", "Once upon a time,")  # branches at every word
FLOORS = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1)

st.title(_("What else could it have said?"))
st.markdown(
    _("""
Walking word by word shows one path. Here are several at once: the likeliest next words, then the likeliest after
each of those, a few words deep. A branch is as thick as the chance of writing exactly that path, the product of
the probabilities along it. The sampling settings below change the tree the way they change every draw.
**Click a word** to continue the text from there.
""")
)

backend, spec, text, prompt = prompt_section(DEFAULT_PROMPT)
params = sampling_controls(backend.info.vocab_size)
a, b, c = st.columns(3)
depth = a.slider(_("Words deep"), 1, 5, 3, key="depth", bind="query-params")
branches = b.slider(_("Branches per word"), 1, MAX_BRANCHES, 3, key="branches", bind="query-params")
floor = c.select_slider(
    _("Hide paths below"), FLOORS, 0.01, format_func=percent, key="floor", bind="query-params",
    help=_("A path less likely than this is not drawn: it keeps the tree readable and quick."),
)  # fmt: skip

nodes = tree_for(spec, text, params.temperature, params.top_k, params.top_p, depth, branches, floor)
tokens = [""] + [backend.token_str(n.path[-1]) for n in nodes[1:]]
tail = visible_token(backend.decode(prompt.ids[-3:]).strip()[-30:])
chart_key = f"tree_{abs(hash((spec, text))) % 10**8}"  # a new text, a new chart: no click carried over
show_chart(
    continuation_tree(nodes, tokens, f"…{tail}"), chart_key, where=view("tree"), name="tree", selection_mode="points",
    on_select=lambda: (node := clicked_node(chart_key, nodes)) and continue_from(text, node),
)  # fmt: skip
ends = leaves(nodes)
if not ends:
    st.info(_("No continuation is above the floor: lower “Hide paths below”."), icon=":material/info:")
else:
    best = path_of(nodes, ends[0])
    product = " × ".join(f"{percent(n.prob)}" for n in best)
    st.markdown(
        _("The likeliest path writes **“{path}”**: {product} = **{probability}** ({settings}).").format(
            path=md_escape(shown(best[-1])),
            product=product,
            probability=percent(best[-1].path_prob),
            settings=md_escape(params.label()),
        )
    )
    greedy = path_of(nodes, greedy_end(nodes))
    if greedy[-1] is not best[-1] and len(greedy) == len(best):  # the favourite word each time is another path
        st.markdown(
            _(
                "Taking the likeliest word each time would write **“{path}”**: {product} = **{probability}**. The "
                "likeliest word at every step does not always make the likeliest path."
            ).format(
                path=md_escape(shown(greedy[-1])),
                product=" × ".join(percent(n.prob) for n in greedy),
                probability=percent(greedy[-1].path_prob),
            )
        )
    pick, go, back = st.columns([3, 2, 2], vertical_alignment="bottom")  # "Back" fits beside an open sidebar
    choice = pick.selectbox(
        _("Or pick a path"), ends, key="tree_path",
        format_func=lambda i: f"{shown(nodes[i])} · {percent(nodes[i].path_prob)}",
    )  # fmt: skip
    go.button(
        _("Continue"), on_click=continue_from, args=(text, nodes[choice]), icon=":material/arrow_forward:",
        type="primary", width="stretch",
    )  # fmt: skip
    back.button(
        _("Back"), on_click=go_back, icon=":material/undo:", width="stretch", disabled=not TreeState.of().history
    )
    if advanced():
        probability = _("probability")
        table = pd.DataFrame(
            {_("path"): [shown(nodes[i]) for i in ends], probability: [nodes[i].path_prob for i in ends],
             _("words"): [nodes[i].depth for i in ends]}
        )  # fmt: skip
        with st.expander(
            ngettext("All {n} path with its probability", "All {n} paths with their probabilities", len(ends)).format(
                n=len(ends)
            )
        ):
            st.dataframe(
                table, hide_index=True, column_config={probability: st.column_config.NumberColumn(format="percent")}
            )
            csv_button(table, "paths")
