"""A test helper: the tags, link targets and text of an HTML fragment (what a writer of the
render model put in it)."""

from __future__ import annotations

from html.parser import HTMLParser


class HtmlParts(HTMLParser):
    """Tags, link targets and text of an HTML fragment."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]

    def handle_data(self, data: str) -> None:
        self.text += data
