"""What an aid's answer cites from the catalogue: its sources, contacts and related aids, as
JSON-ready dictionaries, and the date of its most recent source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from zonage.catalogue import Aid, Catalogue, SourceRef


def source_dicts(refs: Iterable[SourceRef], catalogue: Catalogue) -> tuple[dict[str, Any], ...]:
    """Each reference with its document's title, date, file or URL and a citation line."""
    out = []
    for ref in refs:
        doc = catalogue.documents[ref.doc]
        out.append(
            {
                "doc": ref.doc,
                "title": doc.title,
                "publisher": doc.publisher,
                "date": doc.date.isoformat() if doc.date else None,
                "date_text": doc.date_text,
                "file": doc.file,
                "url": doc.url,
                "page": ref.page,
                "section": ref.section,
                "quote": ref.quote,
                "text": catalogue.cite(ref),
            }
        )
    return tuple(out)


def merged_sources(aid: Aid) -> list[SourceRef]:
    """The aid's sources plus the source of its dated facts, each place cited once."""
    refs: dict[tuple[str, str | None, str | None], SourceRef] = {}
    extra = [aid.validity.source] if aid.validity.source else []
    for ref in [*aid.sources, *extra]:
        key = (ref.doc, ref.page, ref.section)
        if key in refs:
            if ref.quote and not refs[key].quote:
                refs[key] = ref
            continue
        refs[key] = ref
    return list(refs.values())


def contact_dicts(ids: Iterable[str], catalogue: Catalogue) -> tuple[dict[str, str], ...]:
    """The contacts of these ids (each once, in order): id, name and how to reach them."""
    out = []
    for cid in dict.fromkeys(ids):
        c = catalogue.contacts[cid]
        out.append({"id": c.id, "name": c.name, "how": c.how})
    return tuple(out)


def aid_ref(aid_id: str, catalogue: Catalogue, note: str | None = None) -> dict[str, Any]:
    """Another aid named in an answer: id, display name and the note that goes with it."""
    return {"id": aid_id, "name": catalogue.get(aid_id).display_name, "note": note}


def latest_source(aid: Aid, catalogue: Catalogue) -> tuple[dt.date, str] | None:
    """The date and title of the aid's most recent dated source, if any."""
    refs = [*aid.sources, *(c.source for c in aid.checks if c.source)]
    if aid.validity.source:
        refs.append(aid.validity.source)
    docs = [catalogue.documents[r.doc] for r in refs]
    dated = [(d.date, d) for d in docs if d.date is not None]
    if not dated:
        return None
    date, doc = max(dated, key=lambda pair: pair[0])
    return date, f"{doc.title} ({doc.date_text})"
