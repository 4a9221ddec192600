"""The training page's controls and live view: a fragment that trains a slice of steps per rerun, then redraws the
loss, the samples, the probe prompt's next-word bars and attention, the dials and the one-example nudge, every chart
without a blank frame (explainer/ui/shell/steady.py)."""

from __future__ import annotations

import math
import time

import streamlit as st

from explainer.analysis import inside
from explainer.backends.base import Guesses
from explainer.charts.inside import attention_heatmap
from explainer.charts.prediction import next_token_bars
from explainer.charts.training import loss_chart, samples_html, update_size_chart
from explainer.format import duration_from_seconds, fixed_percent, html_escape, human_count, number, visible_token
from explainer.generation.next_token import top_tokens
from explainer.i18n import _, ngettext
from explainer.training.compare import curve_label, only_the_start_differs, smooth
from explainer.training.memorising import memorising
from explainer.training.run import Run, run_backend, sample_text
from explainer.training.spec import PAGE_LIMITS
from explainer.ui.prediction import typed_pieces
from explainer.ui.shell.navigation import link_page
from explainer.ui.shell.presenter import advanced
from explainer.ui.shell.steady import steady_chart
from explainer.ui.surprise import surprise_chips
from explainer.ui.training.nudge import nudge_section
from explainer.ui.training.session import (
    FINISHED,
    PAUSED,
    READY,
    RUNNING,
    TICK_S,
    TrainingSession,
    bounded_threads,
    training_slots,
)
from explainer.ui.training.setup import SHORT_CHARS, train_again

PROBE_KEY = "train_probe"
LOG_X_KEY = "train_log_x"
ATTN_TOKENS = 14  # the attention map shows the probe's last tokens only, to stay readable
# Column pairs in a container whose key starts with "train_pair" sit side by side on a wide screen and stack
# on a projector-sized one (Streamlit itself only stacks columns below 640 px).
STACK_CSS = """<style>
@media (max-width: 1180px) {
  [class*="st-key-train_pair"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
  [class*="st-key-train_pair"] [data-testid="stColumn"] { min-width: 100% !important; flex: 1 1 100% !important; }
}
</style>"""
BUILTIN_PROBE = "User: What is the capital of France?\nAssistant: The capital of France is"


# ---------------------------------------------------------------------------- prompts


def first_words(text: str, n: int, max_chars: int) -> str:
    """The first n words of text, at most max_chars long (a text may be one 5 MB "word"); reads only its start."""
    return " ".join(text[: max_chars * 4].split()[:n])[:max_chars]


def default_probe(run: Run) -> str:
    """A fixed prompt to watch: a question from the built-in chats, else the start of the validation text."""
    if run.spec.source == "builtin":
        text = BUILTIN_PROBE
    else:
        head = run.data.val_text[:4000]
        line = next((s.strip() for s in head.splitlines() if len(s.strip()) > 20), head)
        text = first_words(line, 8, 120)
    return text + " " if run.spec.tokenizer == "char" else text


def sample_prompt(run: Run) -> str:
    if run.spec.source == "builtin":
        return _("User:")
    return first_words(run.data.train_text, 2, 40)


def sample_length(run: Run) -> int:
    return 120 if run.spec.tokenizer == "char" else 40


# ---------------------------------------------------------------------------- controls


RUN_BUTTON = "train_run"  # Start training / Pause / Continue


def controls() -> None:
    """Start / Pause, One step, Reset, and what the run is doing."""
    session = TrainingSession.of()
    run, state = session.run, session.status
    done = run is not None and run.trainer.done
    row = st.container(horizontal=True, vertical_alignment="center")
    if state == RUNNING:
        label, icon, act, off = _("Pause"), ":material/pause:", session.pause, False
    else:
        label = _("Start training") if state == READY else _("Continue")
        icon, act, off = ":material/play_arrow:", session.start, run is None or done
    # One button whose words change (its key is its identity): a keyboard's focus stays on it from Start to Pause.
    row.button(label, icon=icon, key=RUN_BUTTON, on_click=act, type="primary", disabled=off)
    if done:
        more = max(100, run.spec.steps // 2)
        row.button(
            _("Train {more} more steps").format(more=number(more)),
            icon=":material/fast_forward:",
            key="train_more",
            on_click=session.extend,
            args=(more,),
            help=_("Keep going: the learning rate rises again, then decays over the new steps."),
        )
    row.button(
        _("One step"),
        icon=":material/skip_next:",
        key="train_step",
        on_click=session.one_step,
        disabled=run is None or done or state == RUNNING,
        help=_("One training step: one batch of examples, one nudge of every dial."),
    )
    row.button(
        _("Reset"),
        icon=":material/restart_alt:",
        key="train_reset",
        on_click=session.reset,
        disabled=run is None or state == READY,
        help=_("Forget this run: random dials again, and the settings open again."),
    )
    if done:
        _experiments(row, run)
    note = {
        READY: _("The dials are random: press Start and watch them get tuned."),
        RUNNING: _("Training…"),
        PAUSED: _("Paused."),
        FINISHED: _("Finished: every step is done."),
    }[state]
    row.markdown(note)


def _experiments(row, run: Run) -> None:
    """Train again with the learning rate ten times higher, or lower: the two curves side by side show what the
    learning rate does (too high: it jumps about, or stalls; too low: it crawls). Or from other random dials: the
    curves end up alike, the numbers inside do not (the Emergence page)."""
    low, high = PAGE_LIMITS.lr
    for factor, way in ((10, "up"), (0.1, "down")):
        lr = float(f"{min(high, max(low, run.spec.lr * factor)):.2g}")
        if lr != run.spec.lr:
            row.button(
                _("Again, learning rate {lr}").format(lr=number(lr)), key=f"train_again_{way}",
                icon=f":material/arrow_{way}ward:", on_click=train_again, args=(lr,),
                help=_("Reset and train again with the same settings but this learning rate: this run's loss "
                       "stays on the chart to compare."),
            )  # fmt: skip
    row.button(
        _("Again, another random start"), key="train_again_seed", icon=":material/casino:", on_click=train_again,
        kwargs={"new_start": True},
        help=_("Reset and train again with the same settings from other random dials (and the examples in another "
               "order): does it end up as good?"),
    )  # fmt: skip
    if run.data.train_chars > 10 * SHORT_CHARS:
        row.button(
            _("Again, on just {n} characters of its text").format(n=number(SHORT_CHARS)), key="train_again_short",
            icon=":material/content_cut:", on_click=train_again, kwargs={"short": True},
            help=_("Reset and train again with the same settings on only the start of this text (pasted in the "
                   "settings): will the model learn patterns from so little, or learn the text by heart?"),
        )  # fmt: skip


# ---------------------------------------------------------------------------- the live view


def live_view() -> None:
    """The fragment: reruns every TICK_S while training, so pause works at once and nothing blocks."""
    every = TICK_S if TrainingSession.of().status == RUNNING else None
    st.fragment(run_every=every)(_live)()


def _live() -> None:
    session = TrainingSession.of()
    run = session.run
    if run is None:
        return
    if session.status == RUNNING:
        position = session.request_slot()
        if position:
            session.clock.reset()  # the wait is not the run's pace
            n = training_slots().max_concurrent
            st.info(
                _(
                    "**Waiting — position {position} in the queue.** {n} students are training on this server "
                    "right now; "
                    "yours starts by itself as soon as one of them pauses or finishes."
                ).format(position=position, n=n),
                icon=":material/hourglass_top:",
            )
        else:
            session.train_slice()
            session.clock.mark(time.monotonic(), run.trainer.step_count)
            if run.trainer.done:
                _take_sample(run)
                session.finish()
                st.rerun()  # the controls change and the fragment stops its timer
            session.save()
    if session.sample_due():
        _take_sample(run)
    _charts(run)
    nudge_section(run)  # here, so that its bars follow the training too


def _take_sample(run: Run) -> None:
    with bounded_threads():
        text = sample_text(run, sample_prompt(run), sample_length(run), seed=run.trainer.step_count)
    run.samples.append((run.trainer.step_count, text))


def _time_left(run: Run) -> str:
    """By the wall clock while it trains (drawing the page included), never by the training steps' time alone."""
    tr = run.trainer
    if tr.done:
        return _("done")
    left = TrainingSession.of().clock.seconds_left(tr.cfg.steps - tr.step_count)
    if left is None:
        return _("measuring…") if TrainingSession.of().status == RUNNING else "—"
    return f"≈ {duration_from_seconds(left)}"


def _metrics(run: Run) -> None:
    tr, h = run.trainer, run.trainer.history
    loss = smooth(h.train_loss)[-1] if h.train_loss else None
    n = run.model.n_params()
    cards = [
        (_("Step"), number(tr.step_count), _("of {steps}").format(steps=number(tr.cfg.steps)), None),
        (
            _("Loss"),
            number(loss, 2) if loss is not None else "—",
            _("validation {loss}").format(loss=number(h.val_loss[-1], 2)) if h.val_loss else _("validation: not yet"),
            _("How surprised the model is by the true next token, on average (lower is better)."),
        ),
        (_("Speed"), number(tr.tokens_per_second, 0) if tr.tokens_per_second else "—", _("tokens per second"), None),
        (
            _("Time left"),
            _time_left(run),
            _("{elapsed} of training so far").format(elapsed=duration_from_seconds(tr.elapsed)),
            _("At the pace of the last half minute, by the clock on the wall: the page's drawing counts too."),
        ),
        (
            _("Parameters"),
            human_count(n),
            _("{tokens_seen} tokens read").format(tokens_seen=number(tr.tokens_seen)),
            _("{n} numbers, all set by training").format(n=number(n)),
        ),
    ]
    row = st.container(horizontal=True, wrap=True, gap="small")
    for label, value, note, why in cards:
        row.metric(label, value, note, delta_color="off", delta_arrow="off", help=why, width="content")
    st.progress(min(1.0, tr.step_count / max(1, tr.cfg.steps)))


def _charts(run: Run) -> None:
    """The numbers, the loss and the samples (in presenter mode the numbers sit beside the loss chart, so that the
    chart starts on the first screen), then the probe prompt and the dials."""
    h = run.trainer.history
    random_loss = math.log(run.data.tokenizer.vocab_size)
    if advanced():
        _metrics(run)
    left, right = st.container(key="train_pair_loss").columns([3, 2], gap="medium")
    with left:
        log_x = advanced() and st.toggle(
            _("Log scale for the steps"), key=LOG_X_KEY, help=_("Stretches the first steps, where most happens.")
        )
        same, others = TrainingSession.of().comparable_earlier()
        earlier = [(curve_label(c, run.spec), c) for c in reversed(same)]  # newest first
        fig = loss_chart(h.steps, h.train_loss, h.val_steps, h.val_loss, run.trainer.cfg.steps, random_loss, log_x,
                         title=_("Loss: how wrong the guesses are"), earlier=earlier)  # fmt: skip
        steady_chart(fig, "train_loss")
        st.caption(
            _(
                "The dashed line is a model guessing blindly among {vocab_size} tokens: random dials start there. "
                "Green is the validation text, never trained on: if it keeps falling, the model is learning "
                "patterns, not memorising."
            ).format(vocab_size=number(run.data.tokenizer.vocab_size))
        )
        _memorising_note(run)
        _earlier_note(run, len(same), others)
        if any(c.spec == run.spec for c in same):
            st.caption(
                _(
                    "The same settings from the same random start make the same training again, to within rounding: "
                    "that run's line lies under this one. “Again, another random start” changes only the start."
                )
            )
        if any(only_the_start_differs(c.spec, run.spec) for c in same):
            _emergence_link()
    with right:
        if not advanced():
            _metrics(run)
        st.markdown(_("**What the model writes** (newest first)"))
        with st.container(height=min(440, 150 + 110 * len(run.samples)), border=True):
            st.html(samples_html(run.samples))
    _probe(run)
    _dials(run)


def _memorising_note(run: Run) -> None:
    """Said as soon as the run memorises: the validation loss climbing while the training loss falls."""
    seen = memorising(run.trainer.history)
    if seen is None:
        return
    st.warning(
        _(
            "**It is memorising.** The validation loss has climbed from {best} (step {step}) to {now} while the "
            "training loss went on falling ({then} → {train}): the model is learning its {chars} characters by "
            "heart, not patterns that carry over to text it has not read."
        ).format(
            best=number(seen.best_val, 2),
            step=number(seen.best_step),
            now=number(seen.val, 2),
            then=number(seen.train_then, 2),
            train=number(seen.train_now, 2),
            chars=number(run.data.train_chars),
        ),
        icon=":material/psychology_alt:",
    )


def _earlier_note(run: Run, drawn: int, others: int) -> None:
    """What the earlier runs' lines are, or how to get some; and a button that forgets them."""
    session = TrainingSession.of()
    if drawn:
        st.caption(
            _(
                "The other colours are your earlier runs (the validation loss dotted), named by what was different "
                "from this run: change one setting, train again, and see what it does."
            )
        )
    elif session.status == FINISHED and not others:
        st.caption(
            _(
                "Try an experiment: train again with the learning rate ten times higher or lower (the buttons "
                "above), or press Reset and change any setting. This run's loss stays on the chart to compare."
            )
        )
    if others:
        st.caption(
            ngettext(
                "{n} earlier run is not drawn: it read another text or other tokens, so its loss is on another scale.",
                "{n} earlier runs are not drawn: they read another text or other tokens, so their loss is on another "
                "scale.",
                others,
            ).format(n=others)
        )
    if session.earlier:
        st.button(_("Forget the earlier runs"), key="train_forget", type="tertiary", icon=":material/delete_sweep:",
                  on_click=session.forget_earlier)  # fmt: skip


def _emergence_link() -> None:
    """Two random starts, about the same loss: what differs is inside, where the Emergence page looks."""
    if (page := link_page("emergence")) is not None:
        st.caption(_("Other random dials, about the same loss: inside, the two models are not alike."))
        st.page_link(page, label=_("Emergence"), icon=":material/auto_awesome:")


def _probe(run: Run) -> None:
    st.subheader(_("One prompt, watched as it learns"), anchor=False)
    session = TrainingSession.of()
    if PROBE_KEY not in st.session_state or session.probe_for != session.run_id:
        st.session_state[PROBE_KEY] = default_probe(run)
        session.probe_for = session.run_id
    prompt = st.text_area(
        _("Prompt"), key=PROBE_KEY, height=80, help=_("Any text: the bars show what your model predicts after it.")
    )
    backend = run_backend(run)
    tokens = backend.tokenize(prompt)
    ids, n_cut = backend.fit([t.id for t in tokens])
    if not ids:
        st.info(_("Type a prompt to see what the model predicts after it."))
        return
    trace = backend.trace(ids)  # one forward pass for the shaded prompt, the bars and the attention map
    if len(ids) > 1:  # the prompt's own tokens, each shaded by how well the model sees it coming
        st.markdown(_("**The prompt, each token shaded by the probability the model gives it from those before**"))
        pieces = typed_pieces(backend, tokens[n_cut:])
        st.html(surprise_chips(backend, Guesses.of(ids, trace.logits), pieces, n_cut))
    probs = trace.logits[-1].softmax(-1)
    top = top_tokens(probs, 8, backend.token_str)
    tail = html_escape(visible_token(backend.decode(ids[-6:]).lstrip()[-30:]))  # (a title: the student's text)
    bars, attn = st.container(key="train_pair_probe").columns([2, 3], gap="medium")
    steady_chart(
        next_token_bars(top.labels, top.probs, top.other, title=_("What comes after “…{tail}”?").format(tail=tail)),
        "train_probe_bars",
        bars,
    )
    att = inside.attention_stack(trace)  # (L, H, T, T)
    win = inside.window(len(ids), ATTN_TOKENS)
    labels = inside.token_labels(backend, ids)[win]
    layer = att.shape[0] - 1
    fig = attention_heatmap(
        att[layer, 0][win, win],
        labels,
        _("Attention: layer {layer}, head 1").format(layer=layer + 1),
        highlight=len(labels) - 1,
        height=230 + 22 * len(labels),
    )  # cells about square here
    steady_chart(fig, "train_probe_attention", attn)
    st.caption(
        _(
            "At the start every next token is about equally likely: the prompt is pale (no token seen coming) and "
            "attention is spread evenly. As training goes on, the prompt darkens token by token, the bars pick out "
            "likely tokens and each head learns where to look."
        )
    )


def _dials(run: Run) -> None:
    st.subheader(_("The dials: how much each step turns them"), anchor=False)
    history = run.trainer.history
    if not history.update_steps:
        st.info(_("Train a few steps to see how much each step changes the model's numbers."))
        return
    fig = update_size_chart(history.update_steps, history.update_norms,
                            title=_("Size of one step's change, as a share of each part's numbers"))  # fmt: skip
    steady_chart(fig, "train_dials")
    last = {g: v[-1] for g, v in history.update_norms.items() if v and not math.isnan(v[-1])}
    typical = sorted(last.values())[len(last) // 2] if last else 0.0
    st.caption(
        _(
            "Every step changes every number a little: at the last step each part's numbers moved by about "
            "{typical} of their size (‖Δw‖ / ‖w‖). Big moves early on, while the learning rate warms up and the "
            "dials are far from right; smaller and smaller as the learning rate decays and the model settles."
        ).format(typical=fixed_percent(typical, 2))
    )
