"""Emergence: nobody writes the rules. Two copies of the built-in model, trained from different random seeds,
answer alike while their insides differ."""

import pandas as pd
import streamlit as st

from explainer.analysis import inside
from explainer.analysis.emergence import same_guesses, shared_word_neurons
from explainer.charts.emergence import entity_heads_chart, same_guesses_chart
from explainer.charts.switch_off import heads_needed
from explainer.classroom.questions import SURPRISE_TEXT
from explainer.format import fixed_percent, md_escape, number, percent, visible_token
from explainer.i18n import _
from explainer.ui.emergence import (
    MAX_QUESTION_CHARS,
    both_answers,
    both_guesses,
    both_replies,
    both_without_each_head,
    recipe_seeds,
    twin_analyses,
    twin_backend,
    twin_folder,
    twin_problem,
)
from explainer.ui.inside import DEFAULT_PROMPT, head_name
from explainer.ui.prediction import typed_pieces
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.models import get_backend, model_analyses
from explainer.ui.shell.navigation import stop
from explainer.ui.shell.spinner import spinner_first_time
from explainer.ui.surprise import surprise_chips

st.title(_("Emergence — nobody writes the rules"), anchor="rules")  # the lesson plan's point 15 lands here
st.markdown(
    _(
        "Researchers write the **recipe**: the shape of the network, the text it reads, how big each training step "
        "is. They do not write what the numbers inside end up doing. Training starts from **random** numbers and "
        "tunes them example after example, and whatever arrangement predicts the text well is where it lands."
    )
)

folder = twin_folder()
if problem := twin_problem(folder):
    st.info(problem, icon=":material/info:")
    stop()
seeds = recipe_seeds(folder)
st.markdown(
    _(
        "To see it, the built-in model was trained **twice with the same recipe**. Only the random start differs "
        "(seed {seed_0} and seed {seed_1}). Below, the two are asked the same questions, and then opened up."
    ).format(seed_0=seeds[0], seed_1=seeds[1])
)
twin = spinner_first_time(("twin", str(folder)), _("Loading the twin…"), lambda: twin_backend(str(folder)))
first = get_backend("builtin")

st.header(_("Outside: the same answers"), anchor=False)
asking = _("Asking both models the same questions (once per server)…")
answers = spinner_first_time(("both answers", str(folder)), asking, lambda: both_answers(str(folder)))
same, alike = sum(a.same for a in answers), sum(a.alike for a in answers)
right = sum(a.first_right for a in answers), sum(a.second_right for a in answers)
st.success(
    _(
        "**{alike} of {n} questions answered alike** by the two models, {same} of them word for word: questions in "
        "wordings neither ever read. Seed {seed_0} got {right_0} right, seed {seed_1} {right_1}."
    ).format(
        alike=alike, same=same, n=len(answers), right_0=right[0], right_1=right[1], seed_0=seeds[0], seed_1=seeds[1]
    ),
    icon=":material/done_all:",
)
one_per_topic = {a.topic: a for a in reversed([a for a in answers if a.same])}  # the first of each topic
shown = list(one_per_topic.values())[:6] + [a for a in answers if not a.same][:2]
verdict = lambda a: "✓" if a.same else "≈" if a.alike else "✗"  # noqa: E731  (the key is under the table: a phone's width)
reply = lambda started, written: f"{md_escape(started)} **{md_escape(written)}**".strip()  # noqa: E731
header = [_("question (never seen in training)"), *(_("seed {seed} answers").format(seed=s) for s in seeds), _("same?")]
rows = [[md_escape(a.question), reply(a.started, a.first), reply(a.started, a.second), verdict(a)] for a in shown]
st.markdown("\n".join("| " + " | ".join(r) + " |" for r in [header, ["---"] * 4, *rows]))
st.caption(
    _("✓ word for word · ≈ the same answer in other words · ✗ differs")
    + "  \n"
    + _(
        "In bold, what each model wrote: its likeliest word at every step, to the end of the line (where the script "
        "had begun the reply, the rest of it). A reply is right when it gives the expected answer."
    )
)

st.subheader(_("Word by word, the same surprises"), anchor="surprise")
st.markdown(
    _(
        "Read the same text, the two models give almost every token the same probability. Each token is shaded by "
        "the probability the model gave it before it came, as on the Next word page."
    )
)
guessed = both_guesses(str(folder), SURPRISE_TEXT)
for i, (seed, g) in enumerate(zip(seeds, guessed)):
    st.caption(_("seed {seed} · loss {loss}").format(seed=seed, loss=number(g.loss, 2)))
    st.html(surprise_chips(first, g, typed_pieces(first, first.tokenize(SURPRISE_TEXT)), key=i == 1))
tokens, names = [first.token_str(t) for t in guessed[0].ids[1:]], [_("seed {seed}").format(seed=s) for s in seeds]
chart, words = st.columns([3, 2], vertical_alignment="center")  # a square chart, and what it says beside it
with chart:
    show_chart(same_guesses_chart(tokens, guessed[0].probs, guessed[1].probs, (names[0], names[1])), "same_guesses")
alike = same_guesses(guessed[0].probs, guessed[1].probs)
apart = (
    _("Here no token's two probabilities are more than {factor} times apart").format(factor=number(alike.factor, 1))
    if round(alike.factor, 1) > 1
    else _("Here every token has the same probability in both")
)
words.markdown(
    _(
        "Each dot is a token of the text, placed by the probability each model gave it: on the dashed line the two "
        "agree. {apart}; the least expected, “{word}”, has {first} and {second}. The shading's bands can part two "
        "numbers that close."
    ).format(
        apart=apart,
        word=md_escape(visible_token(tokens[alike.least])),
        first=percent(guessed[0].probs[alike.least]),
        second=percent(guessed[1].probs[alike.least]),
    )
)

st.subheader(_("Ask both yourself"), anchor="ask")
question = st.text_input(
    _("A question of your own, to both models"),
    key="ask",
    bind="query-params",
    placeholder=_("e.g. {question}").format(question="dublin is in which country"),
)
if question.strip():
    said = both_replies(str(folder), question.strip())
    for seed, col, written in zip(seeds, st.columns(2), said[:2]):
        with col.container(border=True):
            st.caption(_("seed {seed} answers").format(seed=seed))
            st.markdown(f"**{md_escape(written)}**" if written else _("(nothing: it ended the reply at once)"))
    if said[2]:
        st.caption(
            _(
                "Only the end of your question was read: its last {chars} letters at most, and the models read {n} "
                "tokens at once."
            ).format(chars=MAX_QUESTION_CHARS, n=first.info.context_length)
        )
    same_words = _("Word for word the same reply.") if said[0] == said[1] else _("Two different replies.")
    st.markdown(same_words)

st.header(_("Inside: different places"), anchor="inside")
heads = model_analyses("builtin").entity_head(), twin_analyses(str(folder)).entity_head()
where = [head_name(h.layer, h.head) for h in heads]
on_country = [fixed_percent(h.weight, 0) for h in heads]  # each head's share of attention on the country


def heads_section() -> None:
    """Which head looks back at the country, in each model."""
    st.subheader(_("The head that finds the country"))
    if where[0] != where[1]:
        st.success(
            _(
                "To answer “The capital of Japan is …”, both models look back at the country's name, but **not with "
                "the same head**: seed {seed_0} uses **{where_0}** ({weight_0} of its attention on the country), seed "
                "{seed_1} uses **{where_1}** ({weight_1}). Nobody assigned either job."
            ).format(
                where_0=where[0],
                weight_0=on_country[0],
                where_1=where[1],
                weight_1=on_country[1],
                seed_0=seeds[0],
                seed_1=seeds[1],
            ),
            icon=":material/travel_explore:",
        )
    else:
        st.info(
            _(
                "Both models happen to use **{where}** to look back at the country ({weight_0} and {weight_1} of its "
                "attention): with only {n_heads} heads, two random starts can land on the same one. The other heads' "
                "shares still differ below."
            ).format(
                where=where[0],
                weight_0=on_country[0],
                weight_1=on_country[1],
                n_heads=first.info.n_layer * first.info.n_head,
            ),
            icon=":material/travel_explore:",
        )
    for i, (seed, col, h) in enumerate(zip(seeds, st.columns(2), heads)):
        fig = entity_heads_chart(
            h.table, (h.layer, h.head), _("seed {seed}: attention on the country").format(seed=seed)
        )
        show_chart(fig, f"emergence_heads_{i}", col, name=f"emergence-heads-seed-{seed}")
    st.caption(
        _(
            "Each cell: the share of attention one head gives the country's name from the position where the capital "
            "is predicted, averaged over {n} capital questions. The orange box is the strongest head."
        ).format(n=heads[0].n)
    )
    heads_switched_off()


def heads_switched_off() -> None:
    """The same heads switched off: each model's answer needs its own head, not the other's."""
    sweeps = both_without_each_head(str(folder), DEFAULT_PROMPT.text(first))
    if any(sw.heads is None for sw in sweeps) or sweeps[0].token != sweeps[1].token:
        return
    word = inside.token_labels(first, [sweeps[0].token])[0]
    for i, (seed, col, sw) in enumerate(zip(seeds, st.columns(2), sweeps)):
        title = _("seed {seed}: “{word}” with one head switched off").format(seed=seed, word=word)
        show_chart(heads_needed(sw.heads, word, title, half=True), f"emergence_heads_off_{i}", col)
    needs = [sw.most_needed_head() for sw in sweeps]
    if needs[0] != needs[1]:
        st.success(
            _(
                "Switched off, the heads tell the same story: without **{where_0}**, seed {seed_0} gives “{word}” "
                "only {p_0}, while seed {seed_1} without that same head still gives it {p_1}; seed {seed_1} needs "
                "**{where_1}** instead ({p_2} without it)."
            ).format(
                where_0=head_name(*needs[0]),
                where_1=head_name(*needs[1]),
                seed_0=seeds[0],
                seed_1=seeds[1],
                word=word,
                p_0=percent(sweeps[0].heads[needs[0]]),
                p_1=percent(sweeps[1].heads[needs[0]]),
                p_2=percent(sweeps[1].heads[needs[1]]),
            ),  # fmt: skip
            icon=":material/toggle_off:",
        )
    st.caption(
        _(
            "Each cell: the probability of “{word}” after “{prompt}” with that one head switched off (the Layers page "
            "switches any part off)."
        ).format(word=word, prompt=DEFAULT_PROMPT.words)
    )


def neurons_section() -> None:
    """Neurons that fire for one word, and where each model keeps them."""
    st.subheader(_("Neurons that fire for one word"))
    words = shared_word_neurons(
        (model_analyses("builtin").neurons(), first), (twin_analyses(str(folder)).neurons(), twin)
    )
    if words:
        example = next((w for w in words if w.twin_there != w.word), words[0])  # its place does other work there
        st.success(
            _(
                "Some feed-forward neurons fire for one word almost alone. Both models grew one for **“{word}”**, but "
                "in different places: seed {seed_0}'s is **neuron {neuron_0} of layer {layer_0}**, seed {seed_1}'s is "
                "**neuron {neuron_1} of layer {layer_1}**. At seed {seed_0}'s place, seed {seed_1}'s neuron fires for "
                "“{twin_word}”."
            ).format(
                word=md_escape(example.word),
                neuron_0=example.first.neuron,
                layer_0=example.first.layer + 1,
                neuron_1=example.second.neuron,
                layer_1=example.second.layer + 1,
                twin_word=md_escape(example.twin_there),
                seed_0=seeds[0],
                seed_1=seeds[1],
            ),
            icon=":material/hub:",
        )
        place = lambda n: _("layer {layer}, neuron {neuron}").format(layer=n.layer + 1, neuron=n.neuron)  # noqa: E731
        table = pd.DataFrame(
            {
                _("word"): [w.word for w in words],
                _("seed {seed} keeps it in").format(seed=seeds[0]): [place(w.first) for w in words],
                _("seed {seed} keeps it in").format(seed=seeds[1]): [place(w.second) for w in words],
                _("seed {seed_1}'s neuron at seed {seed_0}'s place fires for").format(
                    seed_0=seeds[0], seed_1=seeds[1]
                ): [w.twin_there for w in words],
            }
        )
        st.table(table, hide_index=True)  # a static table: its long headers wrap instead of running off a projector
        st.caption(
            _(
                "A neuron counts as a word's own when at least 6 of the 8 tokens that excite it most, in a sample of "
                "the built-in corpus, are that word (the same tables as the Layers page)."
            )
        )
    else:
        st.info(_("Neither model has a neuron that fires for one word almost alone in the corpus sample."))


if where[0] != where[1]:
    heads_section()
    neurons_section()
else:  # the same head by chance: the neurons, which differ, come first
    neurons_section()
    heads_section()

st.header(_("Why this makes models hard to explain"), anchor=False)
st.markdown(
    _(
        "Same recipe, same answers, different wiring. The rules a model follows are nowhere written down: they are "
        "spread over millions of numbers (billions in a large model), in places that depend on chance. Tools like "
        "the attention and neuron tables here can find some of them after the fact, one at a time. That is why it "
        "is so hard to say exactly why a model predicts what it does, even though the text it writes is fluent and "
        "useful."
    )
)
