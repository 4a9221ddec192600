"""Text for people: strings from outside (a link, a typed name, a file name, a model's tokens, an error that
quotes them) made safe to show."""

from __future__ import annotations

import re

# What Streamlit's Markdown could turn into something other than the text itself: links and images ([ ]),
# autolinks (<), raw HTML (<) and entities (&), emphasis and code (* _ ~ `), LaTeX ($), emoji / icons / colours
# (:name:), headings and tables (# |), and the escape character itself.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$:&])")
# GFM also links bare addresses (http://, https://, www., name@host), found in the text after escapes are read:
# a zero-width space breaks each pattern without changing what the student sees.
_BARE_LINK = re.compile(r"(?i)(\bhttps?:|\bwww(?=\.)|(?=@))")
ZWSP = "\u200b"


def md_escape(text: object) -> str:
    """`text` shown literally inside Streamlit Markdown (st.markdown, st.error, st.caption, ...): no link,
    image, formatting or autolink can come out of it. Ordinary punctuation (. - ( ) ' ") is left alone."""
    return _MD_SPECIAL.sub(r"\\\1", _BARE_LINK.sub(lambda m: m.group(1) + ZWSP, str(text)))
