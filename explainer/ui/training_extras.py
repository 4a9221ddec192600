"""The training page's last two parts: one example, one nudge; and keeping the model (save, download,
continue from a zip, use it on every page)."""

from __future__ import annotations

import streamlit as st
import torch

from explainer.charts import visible_token
from explainer.charts_training import nudge_chart
from explainer.format import md_escape
from explainer.nudge import Nudge, example_windows, one_example_nudge
from explainer.train_setup import Run, run_backend
from explainer.ui import training as T
from explainer.ui.models import FOLDER, switch_model
from explainer.ui.sidebar import CHOICE_KEY, TYPED_KEY
from explainer.ui.tour import presented
from explainer.ui.training_setup import show_spec

EXAMPLE_KEY, LR_KEY, SEED_KEY = "train_example", "train_nudge_lr", "train_example_seed"
NUDGE = "train_nudge"  # ((run id, step, example, lr), Nudge) of the last nudge
ZIP_KEY = "train_zip"
SETUP_TEXT = "train_setup_text"  # (source, source name, text) of the settings panel, for a zip to continue on
N_EXAMPLES = 12
STEP_SIZES = [0.01, 0.02, 0.05, 0.1, 0.2]
SHOWN = 7  # tokens in the nudge chart besides the true one


# ---------------------------------------------------------------------------- one example, one nudge


def _example_tokens(run: Run) -> int:
    return min(run.spec.context_length, 48 if run.spec.tokenizer == "char" else 16) + 1


def _another_example() -> None:
    st.session_state[SEED_KEY] = st.session_state.get(SEED_KEY, 0) + 1
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
    st.header("One example, one nudge", anchor=False)
    st.markdown(
        "Training is made of single steps like this one. Take a piece of the text, hide its last token, and let "
        "the model guess it. Then **backpropagation** works out, for every one of the model's numbers, which way "
        "to turn it so that the true token gets a little more likely, and turns them all a little. Here it is "
        "on one example, on a copy of your model (your run is not changed)."
    )
    examples = example_windows(run.data, _example_tokens(run), N_EXAMPLES, st.session_state.get(SEED_KEY, 0))
    if not examples:
        st.info("The training text is too short to pick an example from.")
        return
    backend = run_backend(run)
    cols = st.container(key="train_pair_nudge").columns([2, 2, 1], vertical_alignment="bottom")
    n = cols[0].select_slider("Example", list(range(1, len(examples) + 1)), key=EXAMPLE_KEY)
    help_lr = "Plain gradient descent: every number moves by this times its gradient."
    lr = cols[1].select_slider("Size of the nudge (learning rate)", STEP_SIZES, value=0.02, key=LR_KEY, help=help_lr)
    cols[2].button("Shuffle", icon=":material/shuffle:", on_click=_another_example, key="train_more_examples")
    ids = examples[n - 1]
    context, true_id = ids[:-1], ids[-1]
    true_tok = visible_token(backend.token_str(true_id))
    shown = backend.decode(context)[-240:]
    st.markdown(
        f"<div style='font-family:monospace;font-size:1.15rem;white-space:pre-wrap;line-height:1.5;"
        f"background:rgba(128,128,128,0.08);border-radius:.4rem;padding:.5rem .8rem'>…{_esc(shown)}"
        f"<span style='background:#e8590c;color:white;border-radius:.3rem;padding:0 .3rem;margin-left:.2rem'>"
        f"{_esc(true_tok)}</span></div>",
        unsafe_allow_html=True,
    )
    st.caption(f"The model reads the text; the orange token “{md_escape(true_tok)}” is what really came next.")
    ident = (T.run_id(), run.trainer.step_count, tuple(ids), lr)
    if st.button("Nudge: one training step on this example", icon=":material/tune:", type="primary",
                 key="train_nudge_button"):  # fmt: skip
        with T.bounded_threads():
            st.session_state[NUDGE] = (ident, one_example_nudge(run.model, ids, lr))
    saved = st.session_state.get(NUDGE)
    nudge: Nudge | None = saved[1] if saved and saved[0] == ident else None
    if nudge is None:
        before = backend.next_token_logits(context).softmax(-1)
        rows = _rows(before, None, true_id)
        fig = nudge_chart([backend.token_str(i) for i in rows], [float(before[i]) for i in rows], None, 0,
                          title="The model's guesses for the next token")  # fmt: skip
        st.plotly_chart(presented(fig), key="train_nudge_chart")
        return
    rows = _rows(nudge.before, nudge.after, true_id)
    fig = nudge_chart(
        [backend.token_str(i) for i in rows], [float(nudge.before[i]) for i in rows],
        [float(nudge.after[i]) for i in rows], 0, title="Before and after one nudge",
    )  # fmt: skip
    st.plotly_chart(presented(fig), key="train_nudge_chart")
    _nudge_summary(nudge, true_tok, backend.token_str)


def _nudge_summary(nudge: Nudge, true_tok: str, token_str) -> None:
    up = nudge.true_after - nudge.true_before
    change = nudge.change.clone()
    change[nudge.true_id] = 0.0
    drop_id = int(change.argmin())
    others = float(change.sum())
    if up > 0:
        st.success(
            f"**“{true_tok}” went from {nudge.true_before:.2%} to {nudge.true_after:.2%}** ({100 * up:+.2f} "
            f"points). All the other {len(change) - 1:,} tokens together went down by {100 * -others:.2f} points "
            f"(most of all “{visible_token(token_str(drop_id))}”, {100 * float(change[drop_id]):+.2f} points): "
            "the probabilities still add up to 100 %. Training repeats this for every example of every batch, "
            "thousands of times.",
            icon=":material/trending_up:",
        )
    else:
        st.warning(
            f"“{true_tok}” went from {nudge.true_before:.2%} to {nudge.true_after:.2%}: this nudge was too big and "
            "overshot. Try a smaller size: real training takes many small steps.",
            icon=":material/trending_down:",
        )


def _esc(text: str) -> str:
    import html

    return html.escape(text, quote=False)


# ---------------------------------------------------------------------------- keep the result


def _use_everywhere() -> None:
    run, rid = T.current(), T.run_id()
    if run is None or rid is None:
        return
    T.begin()
    try:
        path = T.run_store().snapshot(rid, run)
    except OSError as e:
        T.flash("error", f"Could not save a copy of your model on the server: {md_escape(e)}", "keep")
        return
    if switch_model(str(path)):
        st.session_state[CHOICE_KEY] = FOLDER  # the sidebar picker shows it as a checkpoint folder
        st.session_state[TYPED_KEY[FOLDER]] = str(path)
        T.flash(
            "success",
            f"Every page now uses your model as it is at step {run.trainer.step_count:,} (see the sidebar). "
            "Try it on the Next word page; pick “Built-in model” in the sidebar to go back.",
            "keep",
        )
    else:
        T.flash("error", "Your model could not be loaded on the other pages: see the sidebar for why.", "keep")


def _continue_from_zip() -> None:
    upload = st.session_state.get(ZIP_KEY)
    if upload is None:
        T.flash("warning", "Choose a model zip first (one you downloaded from this page).", "keep")
        return
    source, source_name, text = st.session_state.get(SETUP_TEXT) or ("builtin", "built-in chats", None)
    try:
        # training continues on the text chosen in the settings, not the one the zip was trained on
        custom = {} if source == "builtin" else {"text": text, "source": source, "source_name": source_name}
        rid, run = T.run_store().import_zip(upload.getvalue(), **custom)
    except ValueError as e:
        T.flash("error", f"That zip cannot be used: {md_escape(e)}", "keep")
        return
    T.release()
    T.adopt(run, rid)
    T.sync_url()
    show_spec(run.spec)
    T.flash(
        "success",
        f"Loaded **{md_escape(upload.name)}**: training continues from those weights on {md_escape(source_name)}.",
        "keep",
    )


def keep_section(run: Run) -> None:
    st.header("Keep your model", anchor=False)
    T.show_flash("keep")
    state, rid = T.status(), T.run_id()
    left, middle, right = st.container(key="train_pair_keep").columns(3, gap="medium")
    with left:
        st.markdown("**Saved on this server**")
        if state == T.READY:
            st.caption("Nothing to save yet: start training first.")
        else:
            step = T.saved_step()
            st.caption(
                f"Saved at step {step:,}; saved again every few seconds while training. This page's address "
                f"(…?run={rid}) brings it back after a refresh, for {T.run_store().max_age_hours:g} hours."
            )
    with middle:
        st.markdown("**Download**")
        ready = state in (T.PAUSED, T.FINISHED) and T.saved_step() is not None
        st.download_button(
            "Download the model (.zip)", lambda: T.run_store().export_zip(rid), file_name=f"my-model-{rid[:8]}.zip",
            mime="application/zip", icon=":material/download:", disabled=not ready, key="train_download",
            on_click="ignore",
        )  # fmt: skip
        st.caption(
            "Weights (safetensors), settings and tokenizer: `--model` of the command line and the sidebar's "
            "“checkpoint folder” open it once unzipped."
            if ready
            else "Pause to download (after at least one step)."
        )
    with right:
        st.markdown("**Every page**")
        st.button("Use this model on every page", icon=":material/swap_horiz:", on_click=_use_everywhere,
                  key="train_use_everywhere", disabled=state == T.RUNNING)  # fmt: skip
        st.caption("The next word, sampling and attention pages then show your model instead of the built-in one.")
    with st.expander("Continue from a model zip", icon=":material/upload:"):
        st.file_uploader("A zip downloaded from this page", type=["zip"], key=ZIP_KEY)
        st.button("Continue training from this zip", icon=":material/play_arrow:", on_click=_continue_from_zip,
                  key="train_import", disabled=state == T.RUNNING)  # fmt: skip
        st.caption("Nothing in the zip is ever run: only the weights (safetensors), settings and tokenizer (JSON).")
