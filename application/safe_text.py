"""Text from a user, a link, a file or an outside service, made safe to show as plain text in
a renderer that reads Markdown (Streamlit's ``st.markdown``, ``st.warning``, ``st.error``,
``st.info``, ``st.caption``, ``st.subheader``…).

Such a text must never become a link, an image, a heading, a formula or HTML: a shared link
``?profil=[Cliquez ici](https://evil.example)`` would otherwise put a live link in the page,
and ``![t](https://…)`` would make the browser fetch an outside image.
"""

from __future__ import annotations

import re
import string

# CommonMark lets a backslash escape any ASCII punctuation character, which then shows as
# itself. Escaping all of them (not only today's Markdown syntax) also covers GFM tables and
# strikethrough, math (``$``), directives (``:red[…]``), entities (``&amp;``) and raw HTML.
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# Line breaks and other control characters would start new blocks (headings, lists, code).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
# GFM autolinks (``https://…``, ``www.…``, ``name@host.tld``) and Streamlit's ``:emoji:`` and
# ``:material/icon:`` are found in the text after escapes are resolved, so a backslash does
# not stop them: an invisible word joiner after every colon, between ``www`` and its dot and
# before every ``@`` does.
_JOINER = "\u2060"
_LINK_START = re.compile(r"(?<=:)|(?i:(?<=www))(?=\.)|(?=@)")


def markdown(text: object) -> str:
    """``text`` as Markdown that renders exactly as the text, on one line: every ASCII
    punctuation character backslash-escaped, autolinks and shortcodes broken by an invisible
    character, control characters and line breaks as spaces."""
    one_line = _CONTROL.sub(" ", str(text)).strip()
    return _PUNCTUATION.sub(r"\\\1", _LINK_START.sub(_JOINER, one_line))
