"""Texts from links, files and services shown through Markdown renderers stay plain text."""

from __future__ import annotations

import re
import string

from hypothesis import given
from hypothesis import strategies as st

from application.safe_text import markdown

_ESCAPE = re.compile(r"\\([" + re.escape(string.punctuation) + "])")


def _shown(body: str) -> str:
    """The text a CommonMark renderer shows for ``body`` (escapes resolved, joiners unseen)."""
    return _ESCAPE.sub(r"\1", body).replace("\u2060", "")


def test_links_images_and_html_are_escaped() -> None:
    body = markdown("[Cliquez ici](https://evil.example/x) ![t](x.png) <b>gras</b> **g** $x$")
    assert body.startswith(r"\[Cliquez ici\]\(https\:")
    assert r"\!\[t\]" in body and r"\<b\>" in body and r"\*\*g\*\*" in body and r"\$x\$" in body


def test_autolinks_and_shortcodes_are_broken() -> None:
    body = markdown("https://evil.example WWW.evil.example a@evil.example :smile:")
    assert "://" not in _ESCAPE.sub(r"\1", body)
    assert "WWW." not in _ESCAPE.sub(r"\1", body) and "a@" not in _ESCAPE.sub(r"\1", body)
    assert ":smile:" not in _ESCAPE.sub(r"\1", body)
    assert _shown(body) == "https://evil.example WWW.evil.example a@evil.example :smile:"


def test_one_line_without_control_characters() -> None:
    assert markdown("a\n# Titre\r\n    code\x1b[31m\x00") == r"a \# Titre     code \[31m"


@given(st.text())
def test_shows_the_text_as_it_is(text: str) -> None:
    body = markdown(text)
    # Every ASCII punctuation character is escaped, so none can start Markdown syntax.
    assert not re.search(
        r"(?<!\\)[" + re.escape(string.punctuation.replace("\\", "")) + "]", _ESCAPE.sub("", body)
    )
    one_line = re.sub(r"[\x00-\x1f\x7f-\x9f]+", " ", text).strip()
    assert _shown(body) == one_line.replace("\u2060", "")
