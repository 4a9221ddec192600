"""Handing a view to the class: the address students' devices can open, and the QR code the sidebar shows of it."""

from __future__ import annotations

import html
import re

import pytest

from explainer.classroom import links
from explainer.ui.shell.share import qr_code

from .apptest import checked, open_page


@pytest.fixture
def on_a_network(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(links, "network_address", lambda: "192.168.1.20")
    return "192.168.1.20"


def test_a_local_address_becomes_the_machines_address_on_its_network(on_a_network: str) -> None:
    assert links.reachable("http://localhost:8501/sampling?temperature=1.5") == (
        "http://192.168.1.20:8501/sampling?temperature=1.5"
    )
    assert links.reachable("http://127.0.0.1:8501/poll", {"code": "KQXT"}) == "http://192.168.1.20:8501/poll?code=KQXT"
    assert links.reachable("https://class.example.org/chat?seed=3#top") == "https://class.example.org/chat?seed=3"


def test_without_a_network_the_local_address_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links, "network_address", lambda: None)
    assert links.reachable("http://localhost:8501/chat") == "http://localhost:8501/chat"


def test_the_qr_code_holds_this_view_with_its_settings_but_not_the_teachers_own(on_a_network: str) -> None:
    """Presenter mode and a poll's teacher key stay with the teacher; the page's settings go to the class."""
    query = {"temperature": "1.5", "top_k": "20", "present": "1", "key": "the-teachers-secret"}
    at = open_page("app_pages/sampling.py", query=query)
    at.sidebar.button(key="share_view").click()
    at = checked(at.run())
    shown = next(h.value for h in at.html if "QR code of" in h.value)
    address = html.unescape(re.search(r'break-all">([^<]+)<', shown).group(1))
    assert address == f"http://{on_a_network}/sampling?temperature=1.5&top_k=20"  # AppTest has no browser address
    assert qr_code(address, 8) in shown, "the QR code is made of that address"
    assert any("session of its own" in c.value for c in at.caption)
