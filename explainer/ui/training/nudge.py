"""The training page's "one example, one nudge": a single backpropagation step on one piece of the text, on a copy
of the student's model, and what it did to the probabilities."""

from __future__ import annotations

import pandas as pd
import streamlit as st
import torch

from explainer.charts.style import TRUE
from explainer.charts.training import nudge_change_chart, nudge_chart
from explainer.format import fixed_percent, html_escape, md_escape, number, points, visible_token
from explainer.i18n import _, ngettext
from explainer.training.nudge import LEARNING_RATES, SMALL_GAIN, Nudge, example_windows, one_example_nudge
from explainer.training.run import Run, run_backend
from explainer.ui.shell.steady import steady_chart
from explainer.ui.shell.views import section
from explainer.ui.shell.words import for_the_teacher
from explainer.ui.training.session import TrainingSession, bounded_threads

EXAMPLE_KEY, LR_KEY = "train_example", "train_nudge_lr"  # widget keys
N_EXAMPLES = 12
SMALL = 0.0  # the step choice that means "the calibrated small nudge"
STEP_CHOICES = [SMALL, *LEARNING_RATES]
SHOWN = 7  # tokens in the guesses chart besides the true one
MOVED = 6  # tokens in the change chart besides the true one


def _step_label(lr: float) -> str:
    if lr == SMALL:
        return _("small: +{gain} points").format(gain=number(100 * SMALL_GAIN))
    return _("learning rate {lr}").format(lr=number(lr))


# ---------------------------------------------------------------------------- one example, one nudge


def _example_tokens(run: Run) -> int:
    return min(run.spec.context_length, 48 if run.spec.tokenizer == "char" else 16) + 1


def _a_word(backend):
    """Whether a token is worth guessing in the example: it has a letter or a digit (not a space, a full stop)."""
    return lambda i: any(c.isalnum() for c in backend.token_str(i))


def _another_example() -> None:
    TrainingSession.of().example_seed += 1
    st.session_state[EXAMPLE_KEY] = 1


def _rows(nudge_before: torch.Tensor, nudge_after: torch.Tensor | None, true_id: int) -> list[int]:
    """The token ids drawn: the true one first, then the likeliest before (and after) the nudge."""
    ids = [true_id]
    for probs in (nudge_before, nudge_after):
        if probs is None:
            continue
        for i in probs.topk(min(SHOWN + 1, probs.numel())).indices.tolist():
            if i not in ids and len(ids) < SHOWN + 1:
                ids.append(i)
    return ids


def nudge_section(run: Run) -> None:
    """Drawn inside the live view: while the run trains, the guesses shown are those of the model as it is now."""
    section(_("One example, one nudge"), "nudge", level="header")
    st.markdown(
        _(
            "Training is made of single steps like this one. Take a piece of the text, hide its last word, and let "
            "the model guess it. Then nudge every one of the model's numbers a little, each in the direction that "
            "makes the true word more likely."
        )
    )
    with for_the_teacher("backpropagation", "learning-rate", "loss"):
        st.markdown(
            _(
                "**Backpropagation** works out, for every parameter at once, which way to turn it (the gradient of the "
                "loss). The nudge here is plain gradient descent on one example, on a copy of the student's model: "
                "the run itself is not changed. Real training averages the gradients of a whole batch of examples and "
                "uses AdamW, which adapts the step size of each parameter."
            )
        )
    session = TrainingSession.of()
    backend = run_backend(run)
    examples = example_windows(run.data, _example_tokens(run), N_EXAMPLES, session.example_seed, _a_word(backend))
    if not examples:
        st.info(_("The training text is too short to pick an example from."))
        return
    cols = st.container(key="train_pair_nudge").columns([2, 2, 1], vertical_alignment="bottom")
    n = cols[0].select_slider(_("Example"), list(range(1, len(examples) + 1)), key=EXAMPLE_KEY)
    help_lr = _(
        "Small: a plain gradient step sized so that the true token gains 2 percentage points, as one step of "
        "real training does. A learning rate: every number moves by that times its gradient, however far it goes."
    )
    lr = cols[1].select_slider(_("Size of the nudge"), STEP_CHOICES, value=SMALL, key=LR_KEY, help=help_lr,
                               format_func=_step_label)  # fmt: skip
    cols[2].button(_("Shuffle"), icon=":material/shuffle:", on_click=_another_example, key="train_more_examples")
    if lr != SMALL:
        st.warning(
            _(
                "**A big step, taken as asked.** Every number moves by {lr} times its gradient. One step that big "
                "can **overshoot** (the true token ends up less likely than before) and **squash other words** that "
                "had nothing to do with this example. Real training takes many small steps instead."
            ).format(lr=number(lr)),
            icon=":material/warning:",
        )
    ids = examples[n - 1]
    context, true_id = ids[:-1], ids[-1]
    true_tok = visible_token(backend.token_str(true_id))
    shown = backend.decode(context)[-240:]
    st.markdown(
        f"<div style='font-family:monospace;font-size:1.15rem;white-space:pre-wrap;line-height:1.5;"
        f"background:rgba(128,128,128,0.08);border-radius:.4rem;padding:.5rem .8rem'>…{html_escape(shown)}"
        f"<span style='background:{TRUE};color:white;border-radius:.3rem;padding:0 .3rem;margin-left:.2rem'>"
        f"{html_escape(true_tok)}</span></div>",
        unsafe_allow_html=True,
    )
    st.caption(
        _("The model reads the text; the green word “{true_tok}” (✓) is what really came next.").format(
            true_tok=md_escape(true_tok)
        )
    )
    ident = (session.run_id, tuple(ids), lr)
    step = run.trainer.step_count
    if st.button(
        _("Nudge: one training step on this example"), icon=":material/tune:", type="primary", key="train_nudge_button"
    ):
        with session.lock, bounded_threads():
            session.nudge = (ident, step, one_example_nudge(run.model, ids, None if lr == SMALL else lr))
    saved = session.nudge
    nudge: Nudge | None = saved[2] if saved and saved[0] == ident else None
    if nudge is None:
        before = backend.next_token_logits(context).softmax(-1)
        rows = _rows(before, None, true_id)
        title = _("The model's guesses for the next word, at step {step}").format(step=number(step))
        fig = nudge_chart([backend.token_str(i) for i in rows], [float(before[i]) for i in rows], None, 0, title=title)
        steady_chart(fig, "train_nudge")
        return
    moved = nudge_rows(nudge, MOVED)
    others = [i for i in range(len(nudge.change)) if i not in moved]
    rest = (len(others), float(nudge.before[others].sum()), float(nudge.after[others].sum()))
    title = _("One nudge at step {step}: “{true_tok}” {gain}; every other token together {others}").format(
        step=number(saved[1]), true_tok=true_tok, gain=points(nudge.gain), others=points(nudge.others_change)
    )
    fig = nudge_change_chart([backend.token_str(i) for i in moved], [float(nudge.before[i]) for i in moved],
                             [float(nudge.after[i]) for i in moved], rest, title=title)  # fmt: skip
    steady_chart(fig, "train_nudge")
    every = _("Every token's change (all {n})").format(n=number(len(nudge.change)))
    with st.expander(every, icon=":material/table_rows:"):
        st.dataframe(every_change(nudge, backend.token_str), hide_index=True, key="train_nudge_table")
    if saved[1] != step:
        st.caption(
            _(
                "The nudge was made on the model at step {saved}; it has trained since. Nudge again to see the model "
                "as it is now."
            ).format(saved=number(saved[1]))
        )
    _nudge_summary(nudge, true_tok, backend.token_str)


def nudge_rows(nudge: Nudge, k: int) -> list[int]:
    """The token ids drawn in the change chart: the true one first, then the k others that moved most."""
    change = nudge.change.abs()
    change[nudge.true_id] = -1.0
    return [nudge.true_id, *change.topk(min(k, len(change) - 1)).indices.tolist()]


def every_change(nudge: Nudge, token_str) -> pd.DataFrame:
    """One row per token of the vocabulary, the biggest gain first: before, after and the change (in %)."""
    order = nudge.change.argsort(descending=True).tolist()
    return pd.DataFrame(
        {
            _("token"): [visible_token(token_str(i)) for i in order],
            _("before (%)"): (100 * nudge.before[order]).numpy(),
            _("after (%)"): (100 * nudge.after[order]).numpy(),
            _("change (points)"): (100 * nudge.change[order]).numpy(),
        }
    )


def _nudge_summary(nudge: Nudge, true_tok: str, token_str) -> None:
    change = nudge.change.clone()
    change[nudge.true_id] = 0.0
    drop_id = int(change.argmin())
    before, after = fixed_percent(nudge.true_before, 2), fixed_percent(nudge.true_after, 2)
    if nudge.gain > 0:
        n_others = len(change) - 1
        st.success(
            ngettext(
                "**“{true_tok}” went from {before} to {after}** ({gain}); **the other {n} token lost exactly as "
                "much** ({others}; most of all “{dropped}”, {drop}): the probabilities still add up to 100 %. "
                "Training repeats this for every example of every batch, thousands of times.",
                "**“{true_tok}” went from {before} to {after}** ({gain}); **all the other {n} tokens together lost "
                "exactly as much** ({others}; most of all “{dropped}”, {drop}): the probabilities still add up to "
                "100 %. Training repeats this for every example of every batch, thousands of times.",
                n_others,
            ).format(
                true_tok=true_tok, before=before, after=after, gain=points(nudge.gain), n=number(n_others),
                others=points(nudge.others_change), dropped=visible_token(token_str(drop_id)),
                drop=points(float(change[drop_id])),
            ),
            icon=":material/trending_up:",
        )  # fmt: skip
    else:
        st.error(
            _(
                "**Overshot: “{true_tok}” went from {before} to {after}**, less likely than before. The step was so "
                "big that it went past the point where the true token was likeliest. Choose the small nudge: real "
                "training takes many small steps."
            ).format(true_tok=true_tok, before=before, after=after),
            icon=":material/trending_down:",
        )
