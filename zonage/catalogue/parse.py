"""The parsed ``catalogue.yaml`` → :class:`Catalogue`: documents, contacts, rules and aids,
checked, with references between aids resolved and exclusions made mutual."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from zonage.catalogue.model import (
    REQUIRED_CONTACTS,
    Aid,
    Catalogue,
    Contact,
    Document,
    Exclusion,
)
from zonage.catalogue.parse_aid import parse_aid
from zonage.catalogue.parse_parts import parse_source_ref
from zonage.catalogue.parse_rules import parse_rules
from zonage.catalogue.validate import Ctx, as_list, as_mapping, check_keys, get_date, get_text

_DOCUMENT_KEYS = ("title", "publisher", "file", "url", "date", "date_text")


def parse_catalogue(data: Mapping[str, Any], filename: str = "catalogue.yaml") -> Catalogue:
    """Validate the parsed YAML of a catalogue and build the :class:`Catalogue`."""
    top = Ctx(filename, "racine")
    check_keys(data, ("documents", "contacts", "rules", "aids"), top, "")
    documents = _documents(data, filename)
    contacts = _contacts(data, filename, documents)
    rules = parse_rules(data, filename, documents)
    raw_aids = as_list(data.get("aids"), top, "aids")
    aids = [parse_aid(raw, i, filename, documents, contacts) for i, raw in enumerate(raw_aids)]
    if not aids:
        raise top.error("aids", "aucune aide")
    return Catalogue(
        documents=documents,
        contacts=contacts,
        rules=rules,
        aids=tuple(_cross_check(aids, filename)),
    )


def _documents(data: Mapping[str, Any], filename: str) -> dict[str, Document]:
    """The source documents, each a file of the seeds or a public page."""
    documents: dict[str, Document] = {}
    top = Ctx(filename, "racine")
    for doc_id, raw in as_mapping(data.get("documents"), top, "documents").items():
        ctx = Ctx(filename, f"document « {doc_id} »")
        d = as_mapping(raw, ctx, "documents")
        check_keys(d, _DOCUMENT_KEYS, ctx, "")
        file_, url = (
            get_text(d, "file", ctx, "file", required=False),
            get_text(d, "url", ctx, "url", required=False),
        )
        if not (file_ or url):
            raise ctx.error("file", "un fichier (file) ou une adresse (url) est obligatoire")
        documents[doc_id] = Document(
            id=doc_id,
            title=get_text(d, "title", ctx, "title"),
            publisher=get_text(d, "publisher", ctx, "publisher", required=False),
            file=file_,
            url=url,
            date=get_date(d, "date", ctx, "date"),
            date_text=get_text(d, "date_text", ctx, "date_text"),
        )
    return documents


def _contacts(
    data: Mapping[str, Any], filename: str, documents: Mapping[str, Document]
) -> dict[str, Contact]:
    """The contacts, the ones the engine names (:data:`REQUIRED_CONTACTS`) included."""
    contacts: dict[str, Contact] = {}
    top = Ctx(filename, "racine")
    for cid, raw in as_mapping(data.get("contacts"), top, "contacts").items():
        ctx = Ctx(filename, f"contact « {cid} »")
        d = as_mapping(raw, ctx, "contacts")
        check_keys(d, ("name", "how", "source"), ctx, "")
        if d.get("source") is not None:
            parse_source_ref(d["source"], ctx, "source", documents)
        contacts[cid] = Contact(
            id=cid, name=get_text(d, "name", ctx, "name"), how=get_text(d, "how", ctx, "how")
        )
    for cid in REQUIRED_CONTACTS:
        if cid not in contacts:
            raise top.error("contacts", f"le contact « {cid} » est obligatoire")
    return contacts


def _cross_check(aids: list[Aid], filename: str) -> list[Aid]:
    """Check references between aids and make exclusions mutual."""
    ids = [a.id for a in aids]
    seen: set[str] = set()
    for a in aids:
        if a.id in seen:
            raise Ctx(filename, f"aide « {a.id} »").error("id", "identifiant en double")
        seen.add(a.id)
    for a in aids:
        ctx = Ctx(filename, f"aide « {a.id} »")
        refs = [("not_combinable_with", e.id) for e in a.not_combinable_with]
        refs += [("may_follow", f.id) for f in a.may_follow]
        refs += [("requires", r) for r in a.requires]
        for fieldname, ref in refs:
            if ref not in seen:
                raise ctx.error(fieldname, f"aide inconnue « {ref} » (valides : {', '.join(ids)})")
            if ref == a.id:
                raise ctx.error(fieldname, "une aide ne peut pas se citer elle-même")
    # Mutual exclusions: add the missing reverse entries, keeping scope and note.
    extra: dict[str, list[Exclusion]] = {a.id: [] for a in aids}
    declared = {a.id: {e.id for e in a.not_combinable_with} for a in aids}
    for a in aids:
        for e in a.not_combinable_with:
            if a.id not in declared[e.id]:
                extra[e.id].append(Exclusion(id=a.id, zones=e.zones, note=e.note))
                declared[e.id].add(a.id)
    return [
        replace(a, not_combinable_with=a.not_combinable_with + tuple(extra[a.id])) for a in aids
    ]
