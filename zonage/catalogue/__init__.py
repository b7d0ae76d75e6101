"""The aid catalogue: ``catalogue.yaml`` (and ``key_figures.yaml``) loaded, validated, exposed.

Every field is checked on load; a broken file stops with a :class:`~zonage.errors.DataError`
whose one-line French message names the file, the aid and the field. Exclusions are declared
once in the file and made mutual here. Nothing in this package decides eligibility (see
:mod:`zonage.engine`).

- :mod:`~zonage.catalogue.model`: the typed records and the vocabulary of the file;
- :mod:`~zonage.catalogue.validate`: field checks and their error messages;
- :mod:`~zonage.catalogue.parse_parts`, :mod:`~zonage.catalogue.parse_aid`,
  :mod:`~zonage.catalogue.parse_rules`, :mod:`~zonage.catalogue.parse`,
  :mod:`~zonage.catalogue.key_figures`: YAML → records;
- :mod:`~zonage.catalogue.load`: reading the files.
"""

from __future__ import annotations

from zonage.catalogue.load import (
    CATALOGUE_PATH,
    KEY_FIGURES_PATH,
    load_catalogue,
    load_key_figures,
)
from zonage.catalogue.model import (
    Aid,
    AmountPart,
    Catalogue,
    Condition,
    Contact,
    DatedCheck,
    DatedFact,
    DatedSet,
    Document,
    Exclusion,
    Follow,
    KeyFigure,
    KeyFigureGroup,
    Note,
    PlaceTest,
    Rules,
    SituationTest,
    SourceRef,
    Validity,
    Verify,
)
from zonage.catalogue.parse import parse_catalogue

__all__ = [
    "CATALOGUE_PATH",
    "KEY_FIGURES_PATH",
    "Aid",
    "AmountPart",
    "Catalogue",
    "Condition",
    "Contact",
    "DatedCheck",
    "DatedFact",
    "DatedSet",
    "Document",
    "Exclusion",
    "Follow",
    "KeyFigure",
    "KeyFigureGroup",
    "Note",
    "PlaceTest",
    "Rules",
    "SituationTest",
    "SourceRef",
    "Validity",
    "Verify",
    "load_catalogue",
    "load_key_figures",
    "parse_catalogue",
]
