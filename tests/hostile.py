"""Hostile texts planted in a copy of the real built layer, and checks that a Streamlit body
renders them as text.

A commune name, a QPV name and a layer vintage that hold HTML, Markdown, links and script are
written into a copy of the session build, which is then sealed again (its checksums
rewritten), exactly as a tampered or badly sourced data file would reach the app, the export
and the command line.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np

from geo import integrity

EVIL_HOST = "evil.example"
#: Saint-Girons (Ariège), which holds the QPV QP009001.
INSEE = "09261"
QPV_CODE = "QP009001"
#: A point of Saint-Girons inside its QPV (lat, lon).
POINT = (42.98415, 1.14593)
#: Two points of Saint-Girons outside its QPV, 2 km south-west of :data:`POINT` (lat, lon).
OUTSIDE_QPV = (42.9665, 1.1400)
OUTSIDE_QPV_2 = (42.9640, 1.1370)
NAME = (
    "<img src=x onerror=alert('nom')>[lien](https://evil.example/x) **gras** "
    "![t](https://evil.example/t.png) `${alert(2)}` </script>"
)
QPV_NAME = "<img src=x onerror=alert('qpv')>[quartier](https://evil.example/q)"
VINTAGE_KEY = "massif"
VINTAGE = "[millésime](https://evil.example/v) <img src=x onerror=alert('v')> www.evil.example"


def plant(build_dir: Path, out: Path) -> Path:
    """A sealed copy of ``build_dir`` in ``out`` with :data:`NAME`, :data:`QPV_NAME` and
    :data:`VINTAGE` planted (the web-map cache is left behind: it is derived data)."""
    shutil.copytree(build_dir, out, ignore=shutil.ignore_patterns("web"))
    communes = gpd.read_parquet(out / "communes.parquet")
    (at,) = np.flatnonzero(communes["insee"].to_numpy() == INSEE)
    communes.loc[communes.index[at], "nom"] = NAME
    noms = communes["qpv2015_noms"].tolist()
    noms[at] = [QPV_NAME]
    communes["qpv2015_noms"] = noms
    communes.to_parquet(out / "communes.parquet", index=False)
    qpv = gpd.read_parquet(out / "qpv2015.parquet")
    assert (qpv["code_qp"] == QPV_CODE).sum() == 1
    qpv.loc[qpv["code_qp"] == QPV_CODE, "nom_qp"] = QPV_NAME
    qpv.to_parquet(out / "qpv2015.parquet", index=False)
    metadata = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert VINTAGE_KEY in metadata["vintages"]
    metadata["vintages"][VINTAGE_KEY] = VINTAGE
    (out / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
    integrity.seal(out)
    return out


# A backslash before ASCII punctuation: that character shows as itself in Markdown.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
# What, left unescaped, could make a link, an image, HTML, code, emphasis or math.
_LIVE = ("[", "]", "(", ")", "<", ">", "!", "`", "*", "_", "$", "&", "#", "|", "~")
# What the renderer turns into a link or an icon in the text once escapes are resolved (GFM
# autolink literals, Streamlit's :shortcodes:): backslashes do not stop these.
_FOUND_IN_TEXT = re.compile(r"(?i)https?://|www\.|[-.+\w]+@[-\w]+(\.[-\w]+)+|:[-+/\w]+:")


def live_markdown(body: str) -> list[str]:
    """The Markdown or HTML syntax left live in ``body`` (empty: it renders as plain text)."""
    bare = _ESCAPED.sub("", body)
    live = [s for s in _LIVE if s in bare]
    text = _ESCAPED.sub(r"\1", body)
    return live + [m.group(0) for m in _FOUND_IN_TEXT.finditer(text)]
