"""The training page's "one example, one nudge": a single backpropagation step on one piece of the text, on a copy
of the student's model, and what it did to the probabilities."""

from __future__ import annotations

import streamlit as st
import torch

from explainer.charts.style import TRUE
from explainer.charts.training import nudge_chart
from explainer.format import fixed_percent, html_escape, md_escape, number, visible_token
from explainer.i18n import _
from explainer.training.nudge import Nudge, example_windows, one_example_nudge
from explainer.training.run import Run, run_backend
from explainer.ui.shell.presenter import presented
from explainer.ui.shell.steady import steady_chart
from explainer.ui.shell.views import section
from explainer.ui.shell.words import for_the_teacher
from explainer.ui.training.session import TrainingSession, bounded_threads

EXAMPLE_KEY, LR_KEY = "train_example", "train_nudge_lr"  # widget keys
N_EXAMPLES = 12
STEP_SIZES = [0.01, 0.02, 0.05, 0.1, 0.2]
SHOWN = 7  # tokens in the nudge chart besides the true one


# ---------------------------------------------------------------------------- one example, one nudge


def _example_tokens(run: Run) -> int:
    return min(run.spec.context_length, 48 if run.spec.tokenizer == "char" else 16) + 1


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
    examples = example_windows(run.data, _example_tokens(run), N_EXAMPLES, session.example_seed)
    if not examples:
        st.info(_("The training text is too short to pick an example from."))
        return
    backend = run_backend(run)
    cols = st.container(key="train_pair_nudge").columns([2, 2, 1], vertical_alignment="bottom")
    n = cols[0].select_slider(_("Example"), list(range(1, len(examples) + 1)), key=EXAMPLE_KEY)
    help_lr = _("Plain gradient descent: every number moves by this times its gradient.")
    lr = cols[1].select_slider(_("Size of the nudge (learning rate)"), STEP_SIZES, value=0.02, key=LR_KEY, help=help_lr)
    cols[2].button(_("Shuffle"), icon=":material/shuffle:", on_click=_another_example, key="train_more_examples")
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
            session.nudge = (ident, step, one_example_nudge(run.model, ids, lr))
    saved = session.nudge
    nudge: Nudge | None = saved[2] if saved and saved[0] == ident else None
    if nudge is None:
        before = backend.next_token_logits(context).softmax(-1)
        rows = _rows(before, None, true_id)
        fig = nudge_chart(
            [backend.token_str(i) for i in rows],
            [float(before[i]) for i in rows],
            None,
            0,
            title=_("The model's guesses for the next word, at step {step}").format(step=number(step)),
        )
        steady_chart(presented(fig), "train_nudge")
        return
    rows = _rows(nudge.before, nudge.after, true_id)
    fig = nudge_chart(
        [backend.token_str(i) for i in rows],
        [float(nudge.before[i]) for i in rows],
        [float(nudge.after[i]) for i in rows],
        0,
        title=_("Before and after one nudge, at step {saved}").format(saved=number(saved[1])),
    )
    steady_chart(presented(fig), "train_nudge")
    if saved[1] != step:
        st.caption(
            _(
                "The nudge was made on the model at step {saved}; it has trained since. Nudge again to see the model "
                "as it is now."
            ).format(saved=number(saved[1]))
        )
    _nudge_summary(nudge, true_tok, backend.token_str)


def _nudge_summary(nudge: Nudge, true_tok: str, token_str) -> None:
    up = nudge.true_after - nudge.true_before
    change = nudge.change.clone()
    change[nudge.true_id] = 0.0
    drop_id = int(change.argmin())
    others = float(change.sum())
    if up > 0:
        st.success(
            _(
                "**“{true_tok}” went from {true_before} to {true_after}** ({up:+.2f} points). All the other "
                "{n_change} tokens together went down by {others} points (most of all “{token_str}”, {change:+.2f} "
                "points): the probabilities still add up to 100 %. Training repeats this for every example of every "
                "batch, thousands of times."
            ).format(
                true_tok=true_tok,
                true_before=fixed_percent(nudge.true_before, 2),
                true_after=fixed_percent(nudge.true_after, 2),
                up=100 * up,
                n_change=number(len(change) - 1),
                others=number(100 * -others, 2),
                token_str=visible_token(token_str(drop_id)),
                change=100 * float(change[drop_id]),
            ),
            icon=":material/trending_up:",
        )
    else:
        st.warning(
            _(
                "“{true_tok}” went from {true_before} to {true_after}: this nudge was too big and overshot. Try a "
                "smaller size: real training takes many small steps."
            ).format(
                true_tok=true_tok,
                true_before=fixed_percent(nudge.true_before, 2),
                true_after=fixed_percent(nudge.true_after, 2),
            ),
            icon=":material/trending_down:",
        )
