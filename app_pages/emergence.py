"""Emergence: nobody writes the rules. Two copies of the built-in model, trained from different random seeds,
answer alike while their insides differ."""

import pandas as pd
import streamlit as st

from explainer.analysis.emergence import shared_word_neurons
from explainer.charts.emergence import entity_heads_chart
from explainer.format import md_escape
from explainer.ui.emergence import both_answers, twin_analyses, twin_backend, twin_folder, twin_problem
from explainer.ui.shell.models import get_backend, model_analyses
from explainer.ui.shell.navigation import stop
from explainer.ui.shell.presenter import presented

st.title("Emergence — nobody writes the rules")
st.markdown(
    """
Researchers write the **recipe**: the shape of the network, the text it reads, how big each training step is.
They do not write what the numbers inside end up doing. Training starts from **random** numbers and tunes them
example after example, and whatever arrangement predicts the text well is where it lands.

To see it, the built-in model was trained **twice with the same recipe**. Only the random start differs
(seed 0 and seed 1). Below, the two are asked the same questions, and then opened up.
"""
)

folder = twin_folder()
if problem := twin_problem(folder):
    st.info(problem, icon=":material/info:")
    stop()
twin = twin_backend(str(folder))
first = get_backend("builtin")

st.header("Outside: the same answers", anchor=False)
answers = both_answers(str(folder))
same = sum(a.same for a in answers)
right = sum(a.first == a.expected for a in answers), sum(a.second == a.expected for a in answers)
st.success(
    f"**{same} of {len(answers)} questions answered identically** by the two models: questions in wordings "
    f"neither ever read. Seed 0 got {right[0]} right, seed 1 {right[1]}.",
    icon=":material/done_all:",
)
one_per_topic = {a.topic: a for a in reversed([a for a in answers if a.same])}  # the first of each topic
shown = list(one_per_topic.values())[:6] + [a for a in answers if not a.same][:2]
table = pd.DataFrame(
    {
        "question (never seen in training)": [a.question for a in shown],
        "seed 0 answers": [a.first for a in shown],
        "seed 1 answers": [a.second for a in shown],
        "same?": ["✓" if a.same else "✗ differs" for a in shown],
    }
)
st.dataframe(table, hide_index=True, key="emergence_answers")
st.caption("Each model's likeliest next word after the question's script, which ends right before the answer.")

st.header("Inside: different places", anchor="inside")
st.subheader("The head that finds the country")
heads = model_analyses("builtin").entity_head(), twin_analyses(str(folder)).entity_head()
where = [f"layer {h.layer + 1}, head {h.head + 1}" for h in heads]
if where[0] != where[1]:
    st.success(
        f"To answer “The capital of Japan is …”, both models look back at the country's name, but **not with the "
        f"same head**: seed 0 uses **{where[0]}** ({heads[0].weight:.0%} of its attention on the country), seed 1 "
        f"uses **{where[1]}** ({heads[1].weight:.0%}). Nobody assigned either job.",
        icon=":material/travel_explore:",
    )
else:
    st.info(
        f"Both models happen to use **{where[0]}** to look back at the country ({heads[0].weight:.0%} and "
        f"{heads[1].weight:.0%} of its attention): with only {first.info.n_layer * first.info.n_head} heads, two "
        "random starts can land on the same one. The other heads' shares still differ below.",
        icon=":material/travel_explore:",
    )
for seed, (col, h) in enumerate(zip(st.columns(2), heads)):
    fig = entity_heads_chart(h.table, (h.layer, h.head), f"seed {seed}: attention on the country")
    col.plotly_chart(presented(fig), key=f"emergence_heads_{seed}")
st.caption(
    f"Each cell: the share of attention one head gives the country's name from the position where the capital is "
    f"predicted, averaged over {heads[0].n} capital questions. The orange box is the strongest head."
)

st.subheader("Neurons that fire for one word")
words = shared_word_neurons((model_analyses("builtin").neurons(), first), (twin_analyses(str(folder)).neurons(), twin))
if words:
    example = words[0]
    st.success(
        f"Some feed-forward neurons fire for one word almost alone. Both models grew one for "
        f"**“{md_escape(example.word)}”**, but in different places: seed 0's is **neuron {example.first.neuron} "
        f"of layer {example.first.layer + 1}**, seed 1's is **neuron {example.second.neuron} of layer "
        f"{example.second.layer + 1}**. At seed 0's place, seed 1's neuron fires for "
        f"“{md_escape(example.twin_there)}”.",
        icon=":material/hub:",
    )
    place = lambda n: f"layer {n.layer + 1}, neuron {n.neuron}"  # noqa: E731
    table = pd.DataFrame(
        {
            "word": [w.word for w in words],
            "seed 0 keeps it in": [place(w.first) for w in words],
            "seed 1 keeps it in": [place(w.second) for w in words],
            "seed 1's neuron at seed 0's place fires for": [w.twin_there for w in words],
        }
    )
    st.dataframe(table, hide_index=True, key="emergence_neurons")
    st.caption(
        "A neuron counts as a word's own when at least 6 of the 8 tokens that excite it most, in a sample of the "
        "built-in corpus, are that word (the same tables as the Layers page)."
    )
else:
    st.info("Neither model has a neuron that fires for one word almost alone in the corpus sample.")

st.header("Why this makes models hard to explain", anchor=False)
st.markdown(
    """
Same recipe, same answers, different wiring. The rules a model follows are nowhere written down: they are
spread over millions of numbers (billions in a large model), in places that depend on chance. Tools like the
attention and neuron tables here can find some of them after the fact, one at a time. That is why it is so
hard to say exactly why a model predicts what it does, even though the text it writes is fluent and useful.
"""
)
