"""Session state as typed objects: each page (and the shell) keeps its state in one dataclass under one session key,
instead of loose string keys. Widget values stay under their widgets' keys (Streamlit owns those)."""

from __future__ import annotations

import math
from collections.abc import MutableMapping
from typing import Any, ClassVar, TypeVar

import streamlit as st

from explainer.format import md_escape
from explainer.i18n import _

S = TypeVar("S", bound="SessionObject")


class SessionObject:
    """Base of a dataclass kept under `KEY` in a session's state, made with its defaults on first use."""

    KEY: ClassVar[str]

    @classmethod
    def of(cls: type[S], session: MutableMapping[str, Any] | None = None) -> S:
        """This session's object; `session`: st.session_state (the default) or a test's `AppTest.session_state`."""
        session = st.session_state if session is None else session
        obj = session.get(cls.KEY)
        if obj is None:
            obj = session[cls.KEY] = cls()
        return obj


_LEFT_OUT = "_numbers_left_out"  # key -> a link's value taken out of the address, for the next run's note


def whole_number_from_link(key: str, default: str) -> None:
    """Before a whole-number widget bound to the address under `key`: an infinite value there (?seed=inf, 1e400) is
    taken out and the page run again, with a note on that run saying the widget starts from `default`. (Streamlit
    1.67 turns such a value into an int before checking its range: OverflowError, a traceback on the page.)"""
    notes = st.session_state.setdefault(_LEFT_OUT, {})
    if (raw := notes.pop(key, None)) is not None:
        st.warning(
            _("The link's {key} = {repr} is not a number: using {default}.").format(
                key=key, repr=md_escape(repr(raw)[:40]), default=default
            ),
            icon=":material/link:",
        )
        return
    raw = st.query_params.get(key)
    try:
        endless = raw is not None and not math.isfinite(float(raw))
    except ValueError:
        return  # not a number at all: Streamlit refuses it on its own
    if endless:
        del st.query_params[key]  # (the address of the run again has it no more)
        notes[key] = raw
        st.rerun()
