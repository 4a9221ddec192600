"""Session state as typed objects: each page (and the shell) keeps its state in one dataclass under one session key,
instead of loose string keys. Widget values stay under their widgets' keys (Streamlit owns those)."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, ClassVar, TypeVar

import streamlit as st

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
