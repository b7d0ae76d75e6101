"""Field checks for the catalogue's YAML files, each failure one French line naming file,
entry and field (a :class:`DataError`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from zonage.errors import DataError


class Ctx:
    """Where we are in the file, to name it in error messages."""

    def __init__(self, filename: str, owner: str) -> None:
        self.filename = filename
        self.owner = owner

    def error(self, fieldname: str, problem: str) -> DataError:
        """The error for a bad ``fieldname`` of this entry."""
        return DataError(
            f"Catalogue invalide ({self.filename}) : {self.owner}, champ « {fieldname} » : "
            f"{problem}.",
            hint="Corrigez le fichier puis relancez.",
        )


def check_keys(d: Mapping[str, Any], allowed: Iterable[str], ctx: Ctx, prefix: str) -> None:
    """Refuse a key that is not in ``allowed`` (a typo), naming it after ``prefix``."""
    extra = sorted(set(d) - set(allowed))
    if extra:
        raise ctx.error(f"{prefix}{extra[0]}", "champ inconnu (faute de frappe ?)")


def as_mapping(value: Any, ctx: Ctx, name: str) -> Mapping[str, Any]:
    """``value`` if it is a YAML table."""
    if not isinstance(value, Mapping):
        raise ctx.error(name, f"table attendue, trouvé {show(value)}")
    return value


def as_list(value: Any, ctx: Ctx, name: str) -> list[Any]:
    """``value`` if it is a YAML list."""
    if not isinstance(value, list):
        raise ctx.error(name, f"liste attendue, trouvé {show(value)}")
    return value


def show(value: Any) -> str:
    """A value as quoted in an error message, cut at 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def get_text(d: Mapping[str, Any], key: str, ctx: Ctx, name: str, *, required: bool = True) -> Any:
    """A non-empty text, stripped (``None`` when absent and not required)."""
    value = d.get(key)
    if value is None:
        if required:
            raise ctx.error(name, "valeur obligatoire manquante")
        return None
    if not isinstance(value, str) or not value.strip():
        raise ctx.error(name, f"texte non vide attendu, trouvé {show(value)}")
    return value.strip()


def get_texts(d: Mapping[str, Any], key: str, ctx: Ctx, name: str, *, required: bool) -> tuple:
    """A list of non-empty texts, stripped (empty when absent and not required)."""
    value = d.get(key)
    if value is None:
        if required:
            raise ctx.error(name, "liste obligatoire manquante")
        return ()
    items = as_list(value, ctx, name)
    if required and not items:
        raise ctx.error(name, "liste vide")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise ctx.error(f"{name}[{i}]", f"texte non vide attendu, trouvé {show(item)}")
        out.append(item.strip())
    return tuple(out)


def get_ids(
    d: Mapping[str, Any],
    key: str,
    ctx: Ctx,
    name: str,
    valid: Iterable[str],
    *,
    required: bool,
    what: str,
) -> tuple[str, ...]:
    """A list of distinct ids, each one of ``valid`` (``what`` names them in errors)."""
    values = get_texts(d, key, ctx, name, required=required)
    valid = tuple(valid)
    for v in values:
        if v not in valid:
            raise ctx.error(name, f"{what} inconnu « {v} » (valides : {', '.join(valid)})")
    if len(set(values)) != len(values):
        raise ctx.error(name, "valeur en double")
    return values


def get_date(d: Mapping[str, Any], key: str, ctx: Ctx, name: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` date (a YAML date or a text), or ``None`` when absent."""
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
    raise ctx.error(name, f"date attendue au format AAAA-MM-JJ, trouvé {show(value)}")


def get_number(d: Mapping[str, Any], key: str, ctx: Ctx, name: str) -> float | None:
    """A number ≥ 0, or ``None`` when absent."""
    value = d.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ctx.error(name, f"nombre positif attendu, trouvé {show(value)}")
    return value


def check_order(start: dt.date | None, end: dt.date | None, ctx: Ctx, name: str) -> None:
    """Refuse a period that ends before it starts."""
    if start and end and start > end:
        raise ctx.error(name, f"la date de début ({start}) est après la date de fin ({end})")
