"""The aid catalogue: load ``catalogue.yaml`` (and ``key_figures.yaml``), validate, expose.

Every field is checked on load; a broken file stops with a :class:`DataError` whose one-line
French message names the file, the aid and the field. Exclusions are declared once in the file
and made mutual here. Nothing in this module decides eligibility (see :mod:`zonage.engine`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from zonage.errors import DataError, InvalidInput
from zonage.place import FRR_LABELS, ZONES
from zonage.profiles import PROFILE_IDS

CATALOGUE_PATH: Path = Path(__file__).with_name("catalogue.yaml")
KEY_FIGURES_PATH: Path = Path(__file__).with_name("key_figures.yaml")

CATEGORIES: tuple[str, ...] = ("etudes", "installation", "exercice", "fiscal", "collectif")
CATEGORY_LABELS: dict[str, str] = {
    "etudes": "Études et stages",
    "installation": "Installation",
    "exercice": "Exercice",
    "fiscal": "Fiscalité",
    "collectif": "Exercice coordonné (aides collectives)",
}
AMOUNT_KINDS: tuple[str, ...] = (
    "fixed",
    "range",
    "per_month",
    "per_quarter",
    "per_year",
    "percentage_with_cap",
    "exemption",
    "unspecified",
    "none",
)
CAP_PERIODS: tuple[str, ...] = ("per_month", "per_quarter", "per_year", "total")
# Facts an ``any_of`` place test may combine.
TERRITORY_FACTS: tuple[str, ...] = ("massif", "qpv", "departement_prioritaire")
ZRR_VALUES: tuple[str, ...] = ("classee", "non_classee", "partiellement_classee")
# Kinds of place test, i.e. the key that names the test in the file.
TEST_KINDS: tuple[str, ...] = ("zones", "outside_zones", "any_of", "zrr", "frr")
# Contacts the engine names when a place test cannot decide (see zonage.engine).
REQUIRED_CONTACTS: tuple[str, ...] = ("ars", "ddfip")


# ----------------------------------------------------------------------------- data classes


@dataclass(frozen=True)
class Document:
    """A source document: a brochure of the seeds or a public page, with its date."""

    id: str
    title: str
    publisher: str | None
    file: str | None
    url: str | None
    date: dt.date | None
    date_text: str


@dataclass(frozen=True)
class Contact:
    """Whom to contact and how (as the brochure says)."""

    id: str
    name: str
    how: str


@dataclass(frozen=True)
class SourceRef:
    """A pointer into a source document: page marker, section heading, quote."""

    doc: str
    page: str | None = None
    section: str | None = None
    quote: str | None = None


@dataclass(frozen=True)
class Verify:
    """An "à vérifier" outcome: why, and whom to ask (contact ids)."""

    reason: str
    ask: tuple[str, ...]


@dataclass(frozen=True)
class PlaceTest:
    """One condition on the place (see the field reference at the top of catalogue.yaml)."""

    kind: str
    values: tuple[Any, ...]
    profiles: tuple[str, ...] | None = None
    role: str | None = None
    otherwise: Verify | None = None


@dataclass(frozen=True)
class DatedCheck:
    """Between two dates, the aid is "à vérifier" for the given reason."""

    start: dt.date | None
    end: dt.date | None
    reason: str
    ask: tuple[str, ...]
    source: SourceRef | None


@dataclass(frozen=True)
class Note:
    """A note shown with the aid, optionally only between two dates."""

    text: str
    start: dt.date | None = None
    end: dt.date | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class Condition:
    """A personal condition, optionally for some profiles only."""

    text: str
    profiles: tuple[str, ...] | None = None


@dataclass(frozen=True)
class AmountPart:
    """One part of an aid's amount, structured, plus the text a user reads."""

    kind: str
    text: str
    label: str | None = None
    value: float | None = None
    min: float | None = None
    max: float | None = None
    percent: float | None = None
    cap: float | None = None
    cap_period: str | None = None
    profiles: tuple[str, ...] | None = None
    where: tuple[PlaceTest, ...] = ()


@dataclass(frozen=True)
class Exclusion:
    """Not combinable with another aid (optionally only in some zones)."""

    id: str
    zones: tuple[str, ...] | None = None
    note: str | None = None


@dataclass(frozen=True)
class Follow:
    """This aid may be signed at the end of another one."""

    id: str
    note: str | None = None


@dataclass(frozen=True)
class Validity:
    """When new contracts are open (both ends inclusive), and why not outside."""

    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    since: str | None = None
    not_yet_reason: str | None = None
    closed_reason: str | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class Aid:
    """One aid of the catalogue."""

    id: str
    name: str
    acronym: str | None
    category: tuple[str, ...]
    funders: tuple[str, ...]
    profiles: tuple[str, ...]
    summary: str
    where: tuple[PlaceTest, ...]
    amounts: tuple[AmountPart, ...]
    duration: str | None
    commitment: str | None
    conditions: tuple[Condition, ...]
    not_combinable_with: tuple[Exclusion, ...]
    other_exclusions: tuple[str, ...]
    may_follow: tuple[Follow, ...]
    requires: tuple[str, ...]
    validity: Validity
    checks: tuple[DatedCheck, ...]
    verify: Verify | None
    notes: tuple[Note, ...]
    contact: tuple[str, ...]
    sources: tuple[SourceRef, ...]

    @property
    def display_name(self) -> str:
        """Name with its acronym, as a user reads it."""
        if not self.acronym or self.acronym in self.name:
            return self.name
        return f"{self.name} ({self.acronym})"


@dataclass(frozen=True)
class Rules:
    """Catalogue-wide dated facts the engine needs."""

    qpv_list_2024_from: dt.date
    zoning_notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """The validated catalogue: documents, contacts, rules and aids (in file order)."""

    documents: dict[str, Document]
    contacts: dict[str, Contact]
    rules: Rules
    aids: tuple[Aid, ...]
    by_id: dict[str, Aid] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.by_id:
            self.by_id.update({a.id: a for a in self.aids})

    @property
    def ids(self) -> tuple[str, ...]:
        """Aid ids in file order."""
        return tuple(a.id for a in self.aids)

    def get(self, aid_id: str) -> Aid:
        """The aid with this id; :class:`InvalidInput` listing the valid ids if unknown."""
        try:
            return self.by_id[aid_id]
        except KeyError:
            raise InvalidInput(
                f"Aide inconnue « {aid_id} ».",
                hint=f"Identifiants valides : {', '.join(self.ids)}.",
            ) from None

    def cite(self, ref: SourceRef) -> str:
        """One French line citing a source reference."""
        doc = self.documents[ref.doc]
        where = doc.file or doc.url or ""
        text = f"{doc.title} ({doc.date_text})"
        if ref.page:
            text += f", page {ref.page}"
        if ref.section:
            text += f", « {ref.section} »"
        return f"{text} [{where}]" if where else text


@dataclass(frozen=True)
class KeyFigure:
    """One key figure of a brochure."""

    id: str
    theme: str
    value: int
    label: str
    detail: str
    qualifier: str | None
    aids: tuple[str, ...]


@dataclass(frozen=True)
class KeyFigureGroup:
    """Key figures sharing a date and a source."""

    id: str
    title: str
    date: dt.date
    date_text: str
    source: SourceRef
    figures: tuple[KeyFigure, ...]


# ----------------------------------------------------------------------------- validation


class _Ctx:
    """Where we are in the file, to name it in error messages."""

    def __init__(self, filename: str, owner: str) -> None:
        self.filename = filename
        self.owner = owner

    def error(self, fieldname: str, problem: str) -> DataError:
        return DataError(
            f"Catalogue invalide ({self.filename}) : {self.owner}, champ « {fieldname} » : "
            f"{problem}.",
            hint="Corrigez le fichier puis relancez.",
        )


def _check_keys(d: Mapping[str, Any], allowed: Iterable[str], ctx: _Ctx, prefix: str) -> None:
    extra = sorted(set(d) - set(allowed))
    if extra:
        raise ctx.error(f"{prefix}{extra[0]}", "champ inconnu (faute de frappe ?)")


def _mapping(value: Any, ctx: _Ctx, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ctx.error(name, f"table attendue, trouvé {_show(value)}")
    return value


def _list(value: Any, ctx: _Ctx, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise ctx.error(name, f"liste attendue, trouvé {_show(value)}")
    return value


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(d: Mapping[str, Any], key: str, ctx: _Ctx, name: str, *, required: bool = True) -> Any:
    value = d.get(key)
    if value is None:
        if required:
            raise ctx.error(name, "valeur obligatoire manquante")
        return None
    if not isinstance(value, str) or not value.strip():
        raise ctx.error(name, f"texte non vide attendu, trouvé {_show(value)}")
    return value.strip()


def _texts(d: Mapping[str, Any], key: str, ctx: _Ctx, name: str, *, required: bool) -> tuple:
    value = d.get(key)
    if value is None:
        if required:
            raise ctx.error(name, "liste obligatoire manquante")
        return ()
    items = _list(value, ctx, name)
    if required and not items:
        raise ctx.error(name, "liste vide")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise ctx.error(f"{name}[{i}]", f"texte non vide attendu, trouvé {_show(item)}")
        out.append(item.strip())
    return tuple(out)


def _ids(
    d: Mapping[str, Any],
    key: str,
    ctx: _Ctx,
    name: str,
    valid: Iterable[str],
    *,
    required: bool,
    what: str,
) -> tuple[str, ...]:
    values = _texts(d, key, ctx, name, required=required)
    valid = tuple(valid)
    for v in values:
        if v not in valid:
            raise ctx.error(name, f"{what} inconnu « {v} » (valides : {', '.join(valid)})")
    if len(set(values)) != len(values):
        raise ctx.error(name, "valeur en double")
    return values


def _date(d: Mapping[str, Any], key: str, ctx: _Ctx, name: str) -> dt.date | None:
    value = d.get(key)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ctx.error(name, f"date attendue au format AAAA-MM-JJ, trouvé {_show(value)}")


def _number(d: Mapping[str, Any], key: str, ctx: _Ctx, name: str) -> float | None:
    value = d.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ctx.error(name, f"nombre positif attendu, trouvé {_show(value)}")
    return value


def _source_ref(value: Any, ctx: _Ctx, name: str, documents: Mapping[str, Document]) -> SourceRef:
    d = _mapping(value, ctx, name)
    _check_keys(d, ("doc", "page", "section", "quote"), ctx, f"{name}.")
    doc = _text(d, "doc", ctx, f"{name}.doc")
    if doc not in documents:
        raise ctx.error(f"{name}.doc", f"document inconnu « {doc} »")
    page = d.get("page")
    if page is not None:
        page = str(page).strip()
        if not page.startswith("#"):
            raise ctx.error(f"{name}.page", f"repère de page attendu (« #12 »), trouvé {page!r}")
    return SourceRef(
        doc=doc,
        page=page,
        section=_text(d, "section", ctx, f"{name}.section", required=False),
        quote=_text(d, "quote", ctx, f"{name}.quote", required=False),
    )


def _verify(value: Any, ctx: _Ctx, name: str, contacts: Mapping[str, Contact]) -> Verify:
    d = _mapping(value, ctx, name)
    _check_keys(d, ("reason", "ask"), ctx, f"{name}.")
    return Verify(
        reason=_text(d, "reason", ctx, f"{name}.reason"),
        ask=_ids(d, "ask", ctx, f"{name}.ask", contacts, required=True, what="contact"),
    )


def _place_tests(
    value: Any, ctx: _Ctx, name: str, contacts: Mapping[str, Contact]
) -> tuple[PlaceTest, ...]:
    if value is None:
        return ()
    tests = []
    for i, raw in enumerate(_list(value, ctx, name)):
        tname = f"{name}[{i}]"
        d = _mapping(raw, ctx, tname)
        _check_keys(d, (*TEST_KINDS, "profiles", "role", "otherwise"), ctx, f"{tname}.")
        kinds = [k for k in TEST_KINDS if k in d]
        if len(kinds) != 1:
            raise ctx.error(tname, f"un seul test attendu parmi {', '.join(TEST_KINDS)}")
        kind = kinds[0]
        kname = f"{tname}.{kind}"
        values = tuple(_list(d[kind], ctx, kname))
        if not values:
            raise ctx.error(kname, "liste vide")
        valid: tuple[Any, ...] = {
            "zones": ZONES,
            "outside_zones": ZONES,
            "any_of": TERRITORY_FACTS,
            "zrr": ZRR_VALUES,
            "frr": tuple(FRR_LABELS),
        }[kind]
        for v in values:
            if v not in valid or isinstance(v, bool):
                raise ctx.error(kname, f"valeur inconnue {_show(v)} (valides : {list(valid)})")
        profiles = None
        if "profiles" in d:
            profiles = _ids(
                d, "profiles", ctx, f"{tname}.profiles", PROFILE_IDS, required=True, what="profil"
            )
        otherwise = None
        if d.get("otherwise") is not None:
            otherwise = _verify(d["otherwise"], ctx, f"{tname}.otherwise", contacts)
        tests.append(
            PlaceTest(
                kind=kind,
                values=values,
                profiles=profiles,
                role=_text(d, "role", ctx, f"{tname}.role", required=False),
                otherwise=otherwise,
            )
        )
    return tuple(tests)


_AMOUNT_KEYS = (
    "kind", "text", "label", "value", "min", "max", "percent", "cap", "cap_period", "profiles",
    "where",
)  # fmt: skip


def _amount(
    raw: Any, ctx: _Ctx, name: str, aid_profiles: tuple[str, ...], contacts: Mapping[str, Contact]
) -> AmountPart:
    d = _mapping(raw, ctx, name)
    _check_keys(d, _AMOUNT_KEYS, ctx, f"{name}.")
    kind = _text(d, "kind", ctx, f"{name}.kind")
    if kind not in AMOUNT_KINDS:
        raise ctx.error(
            f"{name}.kind", f"type inconnu « {kind} » (valides : {', '.join(AMOUNT_KINDS)})"
        )
    nums = {k: _number(d, k, ctx, f"{name}.{k}") for k in ("value", "min", "max", "percent", "cap")}
    present = {k for k, v in nums.items() if v is not None}
    needed: dict[str, tuple[set[str], set[str]]] = {
        # kind: (required, allowed)
        "fixed": ({"value"}, {"value"}),
        "range": ({"min", "max"}, {"min", "max"}),
        "percentage_with_cap": ({"percent", "cap"}, {"percent", "cap"}),
    }
    if kind in needed:
        required, allowed = needed[kind]
    elif kind.startswith("per_"):
        required, allowed = set(), {"value", "min", "max"}
        if not present & allowed:
            raise ctx.error(name, f"« {kind} » demande value, min ou max")
    else:
        required, allowed = set(), set()
    if missing := sorted(required - present):
        raise ctx.error(f"{name}.{missing[0]}", f"valeur obligatoire pour « {kind} »")
    if extra := sorted(present - allowed):
        raise ctx.error(f"{name}.{extra[0]}", f"sans objet pour « {kind} »")
    if nums["min"] is not None and nums["max"] is not None and nums["min"] > nums["max"]:
        raise ctx.error(f"{name}.min", "min supérieur à max")
    cap_period = d.get("cap_period")
    if kind == "percentage_with_cap":
        if cap_period not in CAP_PERIODS:
            raise ctx.error(f"{name}.cap_period", f"une valeur parmi {', '.join(CAP_PERIODS)}")
    elif cap_period is not None:
        raise ctx.error(f"{name}.cap_period", f"sans objet pour « {kind} »")
    profiles = None
    if "profiles" in d:
        profiles = _ids(
            d,
            "profiles",
            ctx,
            f"{name}.profiles",
            aid_profiles,
            required=True,
            what="profil (de l'aide)",
        )
    return AmountPart(
        kind=kind,
        text=_text(d, "text", ctx, f"{name}.text"),
        label=_text(d, "label", ctx, f"{name}.label", required=False),
        cap_period=cap_period,
        profiles=profiles,
        where=_place_tests(d.get("where"), ctx, f"{name}.where", contacts),
        **nums,
    )


def _notes(value: Any, ctx: _Ctx, name: str, documents: Mapping[str, Document]) -> tuple:
    notes = []
    for i, raw in enumerate(_list(value, ctx, name) if value is not None else []):
        nname = f"{name}[{i}]"
        if isinstance(raw, str) and raw.strip():
            notes.append(Note(text=raw.strip()))
            continue
        d = _mapping(raw, ctx, nname)
        _check_keys(d, ("text", "from", "until", "source"), ctx, f"{nname}.")
        start, end = (
            _date(d, "from", ctx, f"{nname}.from"),
            _date(d, "until", ctx, f"{nname}.until"),
        )
        _order(start, end, ctx, f"{nname}.from")
        source = None
        if d.get("source") is not None:
            source = _source_ref(d["source"], ctx, f"{nname}.source", documents)
        notes.append(
            Note(text=_text(d, "text", ctx, f"{nname}.text"), start=start, end=end, source=source)
        )
    return tuple(notes)


def _order(start: dt.date | None, end: dt.date | None, ctx: _Ctx, name: str) -> None:
    if start and end and start > end:
        raise ctx.error(name, f"la date de début ({start}) est après la date de fin ({end})")


_AID_KEYS = (
    "id", "name", "acronym", "category", "funders", "profiles", "summary", "where", "amounts",
    "duration", "commitment", "conditions", "not_combinable_with", "other_exclusions",
    "may_follow", "requires", "validity", "checks", "verify", "notes", "contact", "sources",
)  # fmt: skip


def _aid(
    raw: Any,
    index: int,
    filename: str,
    documents: Mapping[str, Document],
    contacts: Mapping[str, Contact],
) -> Aid:
    owner_ctx = _Ctx(filename, f"aide n° {index + 1}")
    d = _mapping(raw, owner_ctx, "aids")
    aid_id = d.get("id")
    if not isinstance(aid_id, str) or not aid_id.strip():
        raise owner_ctx.error("id", f"identifiant texte attendu, trouvé {_show(aid_id)}")
    ctx = _Ctx(filename, f"aide « {aid_id} »")
    _check_keys(d, _AID_KEYS, ctx, "")
    profiles = _ids(d, "profiles", ctx, "profiles", PROFILE_IDS, required=True, what="profil")
    category = _ids(d, "category", ctx, "category", CATEGORIES, required=True, what="catégorie")

    amounts = tuple(
        _amount(raw_part, ctx, f"amounts[{i}]", profiles, contacts)
        for i, raw_part in enumerate(_list(d.get("amounts"), ctx, "amounts"))
    )
    if not amounts:
        raise ctx.error("amounts", "au moins un montant (ou kind: none) est attendu")

    conditions = []
    for i, c in enumerate(_list(d.get("conditions") or [], ctx, "conditions")):
        if isinstance(c, str) and c.strip():
            conditions.append(Condition(c.strip()))
            continue
        cd = _mapping(c, ctx, f"conditions[{i}]")
        _check_keys(cd, ("text", "profiles"), ctx, f"conditions[{i}].")
        conditions.append(
            Condition(
                text=_text(cd, "text", ctx, f"conditions[{i}].text"),
                profiles=_ids(
                    cd,
                    "profiles",
                    ctx,
                    f"conditions[{i}].profiles",
                    profiles,
                    required=True,
                    what="profil (de l'aide)",
                ),
            )
        )

    exclusions = []
    for i, e in enumerate(_list(d.get("not_combinable_with") or [], ctx, "not_combinable_with")):
        ename = f"not_combinable_with[{i}]"
        if isinstance(e, str):
            exclusions.append(Exclusion(id=e))
            continue
        ed = _mapping(e, ctx, ename)
        _check_keys(ed, ("id", "zones", "note"), ctx, f"{ename}.")
        zones = None
        if "zones" in ed:
            zones = _ids(ed, "zones", ctx, f"{ename}.zones", ZONES, required=True, what="zone")
        exclusions.append(
            Exclusion(
                id=_text(ed, "id", ctx, f"{ename}.id"),
                zones=zones,
                note=_text(ed, "note", ctx, f"{ename}.note", required=False),
            )
        )

    follows = []
    for i, f in enumerate(_list(d.get("may_follow") or [], ctx, "may_follow")):
        fd = _mapping(f, ctx, f"may_follow[{i}]")
        _check_keys(fd, ("id", "note"), ctx, f"may_follow[{i}].")
        follows.append(
            Follow(
                id=_text(fd, "id", ctx, f"may_follow[{i}].id"),
                note=_text(fd, "note", ctx, f"may_follow[{i}].note", required=False),
            )
        )

    vd = _mapping(d.get("validity") or {}, ctx, "validity")
    _check_keys(
        vd,
        ("valid_from", "valid_until", "since", "not_yet_reason", "closed_reason", "source"),
        ctx,
        "validity.",
    )
    validity = Validity(
        valid_from=_date(vd, "valid_from", ctx, "validity.valid_from"),
        valid_until=_date(vd, "valid_until", ctx, "validity.valid_until"),
        since=_text(vd, "since", ctx, "validity.since", required=False),
        not_yet_reason=_text(vd, "not_yet_reason", ctx, "validity.not_yet_reason", required=False),
        closed_reason=_text(vd, "closed_reason", ctx, "validity.closed_reason", required=False),
        source=(
            _source_ref(vd["source"], ctx, "validity.source", documents)
            if vd.get("source") is not None
            else None
        ),
    )
    _order(validity.valid_from, validity.valid_until, ctx, "validity.valid_from")
    if validity.valid_until and not validity.closed_reason:
        raise ctx.error("validity.closed_reason", "obligatoire quand valid_until est donné")
    if validity.valid_from and not validity.not_yet_reason:
        raise ctx.error("validity.not_yet_reason", "obligatoire quand valid_from est donné")

    checks = []
    for i, c in enumerate(_list(d.get("checks") or [], ctx, "checks")):
        cname = f"checks[{i}]"
        cd = _mapping(c, ctx, cname)
        _check_keys(cd, ("from", "until", "reason", "ask", "source"), ctx, f"{cname}.")
        start, end = (
            _date(cd, "from", ctx, f"{cname}.from"),
            _date(cd, "until", ctx, f"{cname}.until"),
        )
        _order(start, end, ctx, f"{cname}.from")
        if cd.get("source") is None:
            raise ctx.error(f"{cname}.source", "source obligatoire pour un fait daté")
        checks.append(
            DatedCheck(
                start=start,
                end=end,
                reason=_text(cd, "reason", ctx, f"{cname}.reason"),
                ask=_ids(cd, "ask", ctx, f"{cname}.ask", contacts, required=True, what="contact"),
                source=_source_ref(cd["source"], ctx, f"{cname}.source", documents),
            )
        )

    sources = tuple(
        _source_ref(s, ctx, f"sources[{i}]", documents)
        for i, s in enumerate(_list(d.get("sources"), ctx, "sources"))
    )
    if not sources:
        raise ctx.error("sources", "au moins une source est obligatoire")

    return Aid(
        id=aid_id.strip(),
        name=_text(d, "name", ctx, "name"),
        acronym=_text(d, "acronym", ctx, "acronym", required=False),
        category=category,
        funders=_texts(d, "funders", ctx, "funders", required=True),
        profiles=profiles,
        summary=_text(d, "summary", ctx, "summary"),
        where=_place_tests(d.get("where"), ctx, "where", contacts),
        amounts=amounts,
        duration=_text(d, "duration", ctx, "duration", required=False),
        commitment=_text(d, "commitment", ctx, "commitment", required=False),
        conditions=tuple(conditions),
        not_combinable_with=tuple(exclusions),
        other_exclusions=_texts(d, "other_exclusions", ctx, "other_exclusions", required=False),
        may_follow=tuple(follows),
        requires=_texts(d, "requires", ctx, "requires", required=False),
        validity=validity,
        checks=tuple(checks),
        verify=_verify(d["verify"], ctx, "verify", contacts) if d.get("verify") else None,
        notes=_notes(d.get("notes"), ctx, "notes", documents),
        contact=_ids(d, "contact", ctx, "contact", contacts, required=True, what="contact"),
        sources=sources,
    )


def _cross_check(aids: list[Aid], filename: str) -> list[Aid]:
    """Check references between aids and make exclusions mutual."""
    ids = [a.id for a in aids]
    seen: set[str] = set()
    for a in aids:
        if a.id in seen:
            raise _Ctx(filename, f"aide « {a.id} »").error("id", "identifiant en double")
        seen.add(a.id)
    for a in aids:
        ctx = _Ctx(filename, f"aide « {a.id} »")
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


def _read_yaml(path: Path, what: str) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(
            f"{what} introuvable : {path.name}.",
            hint="Réinstallez le paquet ou restaurez le fichier.",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{what} illisible ({path.name}) : {exc}.") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", ligne {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntaxe YAML invalide"
        raise DataError(
            f"{what} illisible ({path.name}{line}) : {problem}.", hint="Corrigez la syntaxe YAML."
        ) from None
    if not isinstance(data, Mapping):
        raise DataError(f"{what} invalide ({path.name}) : une table YAML est attendue.")
    return data


def parse_catalogue(data: Mapping[str, Any], filename: str = "catalogue.yaml") -> Catalogue:
    """Validate the parsed YAML of a catalogue and build the :class:`Catalogue`."""
    top = _Ctx(filename, "racine")
    _check_keys(data, ("documents", "contacts", "rules", "aids"), top, "")

    documents: dict[str, Document] = {}
    for doc_id, raw in _mapping(data.get("documents"), top, "documents").items():
        ctx = _Ctx(filename, f"document « {doc_id} »")
        d = _mapping(raw, ctx, "documents")
        _check_keys(d, ("title", "publisher", "file", "url", "date", "date_text"), ctx, "")
        file_, url = (
            _text(d, "file", ctx, "file", required=False),
            _text(d, "url", ctx, "url", required=False),
        )
        if not (file_ or url):
            raise ctx.error("file", "un fichier (file) ou une adresse (url) est obligatoire")
        documents[doc_id] = Document(
            id=doc_id,
            title=_text(d, "title", ctx, "title"),
            publisher=_text(d, "publisher", ctx, "publisher", required=False),
            file=file_,
            url=url,
            date=_date(d, "date", ctx, "date"),
            date_text=_text(d, "date_text", ctx, "date_text"),
        )

    contacts: dict[str, Contact] = {}
    for cid, raw in _mapping(data.get("contacts"), top, "contacts").items():
        ctx = _Ctx(filename, f"contact « {cid} »")
        d = _mapping(raw, ctx, "contacts")
        _check_keys(d, ("name", "how", "source"), ctx, "")
        if d.get("source") is not None:
            _source_ref(d["source"], ctx, "source", documents)
        contacts[cid] = Contact(
            id=cid, name=_text(d, "name", ctx, "name"), how=_text(d, "how", ctx, "how")
        )

    for cid in REQUIRED_CONTACTS:
        if cid not in contacts:
            raise top.error("contacts", f"le contact « {cid} » est obligatoire")

    rctx = _Ctx(filename, "section « rules »")
    rd = _mapping(data.get("rules"), rctx, "rules")
    _check_keys(rd, ("qpv_list_2024_from", "zoning_notes"), rctx, "")
    qpv_from = _date(rd, "qpv_list_2024_from", rctx, "qpv_list_2024_from")
    if qpv_from is None:
        raise rctx.error("qpv_list_2024_from", "valeur obligatoire manquante")
    rules = Rules(
        qpv_list_2024_from=qpv_from,
        zoning_notes=_notes(rd.get("zoning_notes"), rctx, "zoning_notes", documents),
    )

    raw_aids = _list(data.get("aids"), _Ctx(filename, "racine"), "aids")
    aids = [_aid(raw, i, filename, documents, contacts) for i, raw in enumerate(raw_aids)]
    if not aids:
        raise top.error("aids", "aucune aide")
    return Catalogue(
        documents=documents,
        contacts=contacts,
        rules=rules,
        aids=tuple(_cross_check(aids, filename)),
    )


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Load and validate the catalogue (the packaged ``catalogue.yaml`` by default, cached)."""
    if path is None:
        return _default_catalogue()
    path = Path(path)
    return parse_catalogue(_read_yaml(path, "Catalogue des aides"), path.name)


@functools.lru_cache(maxsize=1)
def _default_catalogue() -> Catalogue:
    return parse_catalogue(_read_yaml(CATALOGUE_PATH, "Catalogue des aides"), CATALOGUE_PATH.name)


def load_key_figures(
    path: Path | str | None = None, catalogue: Catalogue | None = None
) -> tuple[KeyFigureGroup, ...]:
    """Load and validate the key figures ("chiffres clés"), each group with date and source."""
    path = Path(path) if path is not None else KEY_FIGURES_PATH
    catalogue = catalogue or load_catalogue()
    data = _read_yaml(path, "Fichier des chiffres clés")
    top = _Ctx(path.name, "racine")
    _check_keys(data, ("groups",), top, "")
    groups = []
    for gi, graw in enumerate(_list(data.get("groups"), top, "groups")):
        gd = _mapping(graw, top, f"groups[{gi}]")
        ctx = _Ctx(path.name, f"groupe « {gd.get('id', gi + 1)} »")
        _check_keys(gd, ("id", "title", "date", "date_text", "source", "figures"), ctx, "")
        date = _date(gd, "date", ctx, "date")
        if date is None:
            raise ctx.error("date", "valeur obligatoire manquante")
        if gd.get("source") is None:
            raise ctx.error("source", "source obligatoire")
        figures = []
        for fi, fraw in enumerate(_list(gd.get("figures"), ctx, "figures")):
            fname = f"figures[{fi}]"
            fd = _mapping(fraw, ctx, fname)
            _check_keys(
                fd,
                ("id", "theme", "value", "label", "detail", "qualifier", "aids"),
                ctx,
                f"{fname}.",
            )
            value = fd.get("value")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ctx.error(f"{fname}.value", f"entier positif attendu, trouvé {_show(value)}")
            detail = fd.get("detail", "")
            if not isinstance(detail, str):
                raise ctx.error(f"{fname}.detail", f"texte attendu, trouvé {_show(detail)}")
            figures.append(
                KeyFigure(
                    id=_text(fd, "id", ctx, f"{fname}.id"),
                    theme=_text(fd, "theme", ctx, f"{fname}.theme"),
                    value=value,
                    label=_text(fd, "label", ctx, f"{fname}.label"),
                    detail=detail.strip(),
                    qualifier=_text(fd, "qualifier", ctx, f"{fname}.qualifier", required=False),
                    aids=_ids(
                        fd, "aids", ctx, f"{fname}.aids", catalogue.ids, required=False, what="aide"
                    ),
                )
            )
        if not figures:
            raise ctx.error("figures", "aucun chiffre")
        groups.append(
            KeyFigureGroup(
                id=_text(gd, "id", ctx, "id"),
                title=_text(gd, "title", ctx, "title"),
                date=date,
                date_text=_text(gd, "date_text", ctx, "date_text", required=False)
                or date.strftime("%d/%m/%Y"),
                source=_source_ref(gd["source"], ctx, "source", catalogue.documents),
                figures=tuple(figures),
            )
        )
    if not groups:
        raise top.error("groups", "aucun groupe")
    return tuple(groups)
