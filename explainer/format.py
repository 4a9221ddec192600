"""Text for people: strings from outside (a link, a typed name, a file name, a model's tokens, an error that
quotes them) made safe to show."""

from __future__ import annotations

import re

# What Streamlit's Markdown could turn into something other than the text itself: links and images ([ ]),
# autolinks (<, "http:", "www.", e-mail @), raw HTML (<) and entities (&), emphasis and code (* _ ~ `),
# LaTeX ($), emoji / icons / colours (:name:), headings and tables (# |), and the escape character itself.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$:&@])")
_WWW = re.compile(r"(?i)\b(www)\.")


def md_escape(text: object) -> str:
    """`text` shown literally inside Streamlit Markdown (st.markdown, st.error, st.caption, ...): no link,
    image, formatting or autolink can come out of it. Ordinary punctuation (. - ( ) ' ") is left alone."""
    return _WWW.sub(r"\1\\.", _MD_SPECIAL.sub(r"\\\1", str(text)))
