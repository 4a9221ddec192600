"""The training page's last part: keeping the model (saved on the server, a zip to download, training on from a zip,
the model on every page)."""

from __future__ import annotations

import streamlit as st

from explainer.format import md_escape, number
from explainer.i18n import _
from explainer.training.run import Run
from explainer.ui.shell.models import switch_model
from explainer.ui.shell.sidebar import show_model
from explainer.ui.training.session import FINISHED, PAUSED, READY, RUNNING, TrainingSession, run_store
from explainer.ui.training.setup import show_spec

ZIP_KEY = "train_zip"  # the zip uploader's key


def _use_everywhere() -> None:
    session = TrainingSession.of()
    run, rid = session.run, session.run_id
    if run is None or rid is None:
        return
    session.begin()
    try:
        path = run_store().snapshot(rid, run)
    except OSError as e:
        session.flash(
            "error", _("Could not save a copy of your model on the server: {e}").format(e=md_escape(e)), "keep"
        )
        return
    if switch_model(str(path)):
        show_model(str(path))  # the sidebar picker shows it as a checkpoint folder
        session.flash(
            "success",
            _(
                "Every page now uses your model as it is at step {step_count} (see the sidebar). Try it on the Next "
                "word page, beside the app's own model; pick “Built-in model” in the sidebar to go back."
            ).format(step_count=number(run.trainer.step_count)),
            "keep",
        )
    else:
        session.flash("error", _("Your model could not be loaded on the other pages: see the sidebar for why."), "keep")


def _continue_from_zip() -> None:
    session, upload = TrainingSession.of(), st.session_state.get(ZIP_KEY)
    if upload is None:
        session.flash("warning", _("Choose a model zip first (one you downloaded from this page)."), "keep")
        return
    source, source_name, text = session.setup_text or ("builtin", _("built-in chats"), None)
    try:
        # training continues on the text chosen in the settings, not the one the zip was trained on
        custom = {} if source == "builtin" else {"text": text, "source": source, "source_name": source_name}
        rid, run = run_store().import_zip(upload.getvalue(), **custom)
    except ValueError as e:
        session.flash("error", _("That zip cannot be used: {e}").format(e=md_escape(e)), "keep")
        return
    session.release()
    session.adopt(run, rid)
    session.sync_url()
    show_spec(run.spec)
    session.flash(
        "success",
        _("Loaded **{name}**: training continues from those weights on {source_name}.").format(
            name=md_escape(upload.name), source_name=md_escape(source_name)
        ),
        "keep",
    )


def keep_section(run: Run) -> None:
    st.header(_("Keep your model"), anchor=False)
    session = TrainingSession.of()
    session.show_flash("keep")
    state, rid = session.status, session.run_id
    left, middle, right = st.container(key="train_pair_keep").columns(3, gap="medium")
    with left:
        st.markdown(_("**Saved on this server**"))
        if state == READY:
            st.caption(_("Nothing to save yet: start training first."))
        else:
            step = session.saved_step()
            st.caption(
                _(
                    "Saved at step {step}; saved again every few seconds while training. This page's address "
                    "(…?run={rid}) brings it back after a refresh, for {max_age_hours} hours."
                ).format(step=number(step), rid=rid, max_age_hours=number(run_store().max_age_hours))
            )
    with middle:
        st.markdown("**" + _("Download") + "**")
        ready = state in (PAUSED, FINISHED) and session.saved_step() is not None
        st.download_button(
            _("Download the model (.zip)"), lambda: run_store().export_zip(rid), file_name=f"my-model-{rid[:8]}.zip",
            mime="application/zip", icon=":material/download:", disabled=not ready, key="train_download",
            on_click="ignore",
        )  # fmt: skip
        st.caption(
            _(
                "Weights (safetensors), settings and tokenizer: `--model` of the command line and the sidebar's "
                "“checkpoint folder” open it once unzipped."
            )
            if ready
            else _("Pause to download (after at least one step).")
        )
    with right:
        st.markdown(_("**Every page**"))
        st.button(_("Use this model on every page"), icon=":material/swap_horiz:", on_click=_use_everywhere,
                  key="train_use_everywhere", disabled=state == RUNNING)  # fmt: skip
        st.caption(
            _(
                "The next word, sampling and attention pages then show your model instead of the built-in one, and "
                "What it read sets it beside a lookup in the text it trains on."
            )
        )
    with st.expander(_("Continue from a model zip"), icon=":material/upload:"):
        st.file_uploader(_("A zip downloaded from this page"), type=["zip"], key=ZIP_KEY)
        st.button(_("Continue training from this zip"), icon=":material/play_arrow:", on_click=_continue_from_zip,
                  key="train_import", disabled=state == RUNNING)  # fmt: skip
        st.caption(_("Nothing in the zip is ever run: only the weights (safetensors), settings and tokenizer (JSON)."))
