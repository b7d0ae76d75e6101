"""The shape of a built layer: its file names, the commune columns and how each is typed.

Written by :mod:`geo.build`, read by :mod:`geo.layer` and everything above it. This module
imports nothing, so that a reader of the layer never loads the build (its fetcher and loaders).
"""

from __future__ import annotations

# --- files of a build folder ------------------------------------------------------------------

#: The commune layer (GeoParquet, one row per current commune, columns :data:`COMMUNE_COLUMNS`).
COMMUNES_FILE = "communes.parquet"
#: The 2015 QPV polygons (GeoParquet).
QPV2015_FILE = "qpv2015.parquet"
#: The massif outlines touching the region (GeoParquet).
MASSIFS_FILE = "massifs.parquet"
#: The department outlines (GeoParquet).
DEPARTEMENTS_FILE = "departements.parquet"
#: The region outline (GeoParquet).
REGION_FILE = "region.parquet"
#: Metadata of a build (JSON object): format version, vintages, sources, counts and, under
#: ``files``, the checksum of every other file (see :mod:`geo.integrity`). A new build comes
#: with a new one: it stamps the build.
METADATA_FILE = "metadata.json"
#: The build report (JSON) and its readable page (Markdown, French).
REPORT_JSON = "build_report.json"
REPORT_MD = "build_report.md"
#: Every row of the doctor zoning file and the commune it was matched to (CSV).
ZONING_ROWS_FILE = "zonage_medecins_lignes.csv"

# --- columns of the commune layer ---------------------------------------------------------------

#: Column order of the commune layer.
COMMUNE_COLUMNS = (
    "insee",
    "nom",
    "departement",
    "departement_nom",
    "epci_code",
    "epci_nom",
    "codes_postaux",
    "population",
    "anciens_codes",
    "alias_noms",
    "alias_codes",
    "zonage_medecins",
    "zonage_medecins_route",
    "zonage_medecins_2",
    "zonage_medecins_2_arrete",
    "tvs_code",
    "tvs_nom",
    "zone_montagne",
    "zone_montagne_detail",
    "massif",
    "zrr",
    "zrr_detail",
    "frr_code",
    "qpv2015_codes",
    "qpv2015_noms",
    "qpv2024_codes",
    "qpv2024_noms",
    "geometry",
)
#: Commune columns holding a list of texts (an empty list, never missing).
LIST_COLUMNS = (
    "codes_postaux",
    "anciens_codes",
    "alias_noms",
    "alias_codes",
    "qpv2015_codes",
    "qpv2015_noms",
    "qpv2024_codes",
    "qpv2024_noms",
)
#: Commune text columns that may be empty: ``None`` where a value is missing (not NaN).
NULLABLE_TEXT_COLUMNS = (
    "epci_code",
    "epci_nom",
    "departement_nom",
    "zonage_medecins",
    "zonage_medecins_route",
    "zonage_medecins_2",
    "zonage_medecins_2_arrete",
    "tvs_code",
    "tvs_nom",
    "zone_montagne_detail",
    "massif",
    "zrr",
    "zrr_detail",
)
#: The dated doctor zoning (a DataSanté table): class (None when the table gives none),
#: ISO date of the ARS order it is in force from, and territoire de vie-santé. ``zonage_medecins``
#: is the reference version (CartoSanté export, order of 4 May 2022).
DATED_ZONING_COLUMNS = ("zonage_medecins_2", "zonage_medecins_2_arrete", "tvs_code", "tvs_nom")
#: Reference version of ``zonage_medecins``: its order and its source.
REFERENCE_ZONING_ORDER = "2022-05-04"
REFERENCE_ZONING_SOURCE = "export CartoSanté (mai 2025)"
DATED_ZONING_SOURCE = "table DataSanté des communes"
#: Values of the ``zrr`` column.
ZRR_VALUES = ("classee", "non_classee", "partiellement_classee")

# --- columns of the QPV layer -------------------------------------------------------------------

#: QPV 2015 columns holding a list of texts: the communes each QPV lies in, per the source.
QPV2015_LIST_COLUMNS = ("insee_communes",)
