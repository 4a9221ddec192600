"""Hand a view to the class: the page on the projector, with its settings, as a QR code and an address the students
open on their own phones and laptops (each in a session of their own)."""

from __future__ import annotations

import segno
import streamlit as st

from explainer.charts.style import INK
from explainer.classroom.links import reachable
from explainer.classroom.poll import KEY_KEY
from explainer.format import html_escape
from explainer.i18n import _
from explainer.ui.shell.export import view_link
from explainer.ui.shell.presenter import PRESENT_KEY

PRIVATE = (PRESENT_KEY, KEY_KEY)  # the teacher's own: presenter mode, a poll's teacher key


def qr_code(address: str, scale: int) -> str:
    """An <img> of `address`'s QR code, drawn here (segno) as an inline picture: nothing is fetched."""
    image = segno.make(address, error="m").svg_data_uri(scale=scale, dark=INK, border=2)
    alt = html_escape(_("QR code of {address}").format(address=address), True)
    return f'<img src="{image}" alt="{alt}">'


def shared_view() -> str:
    """This view's address as a student's device opens it: the page and its settings, not the teacher's own."""
    return reachable(view_link(drop=PRIVATE))


def _hand_out(address: str) -> None:
    st.html(
        '<div style="display:flex;flex-direction:column;align-items:center;gap:.6rem">'
        f'{qr_code(address, 8)}<div style="font-size:1.15rem;word-break:break-all">{html_escape(address)}</div></div>'
    )
    st.caption(
        _(
            "Scan it with a phone's camera, or type the address: this page opens with the same settings, in a "
            "session of its own. What a student changes there changes nothing on this screen."
        )
    )


def share_sidebar() -> None:
    """The sidebar's button that shows this view's QR code, big, over the page."""
    if st.sidebar.button(
        _("Show this view's QR code"),
        icon=":material/qr_code_2:",
        key="share_view",
        help=_("Students scan it to open this page, with these settings, on their own phone or laptop."),
    ):
        st.dialog(_("Open this view on your own device"), width="medium")(_hand_out)(shared_view())
