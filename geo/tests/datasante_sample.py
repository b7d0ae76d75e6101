"""The small world of the DataSanté tests: current communes, their history, and the
commune table of data.gouv.fr as the tests' local server serves it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sample_sources import write_text

from geo.loaders.cog import CodeMapper, load_history

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TABLE = FIXTURES / "datasante" / "zonages_communes.csv"


#: Current communes of the small world the unit tests use (COG 2026 codes and names).
CURRENT = {
    "09088": ("Caychax-et-Senconac", "09"),
    "09122": ("Foix", "09"),
    "09225": ("Pamiers", "09"),
    "11132": ("Fabrezan", "11"),
    "11262": ("Narbonne", "11"),
    "12218": ("Conques-en-Rouergue", "12"),
    "30032": ("Beaucaire", "30"),
    "30329": ("Thoiras-Corbès", "30"),
    "31483": ("Saint-Gaudens", "31"),
    "31555": ("Toulouse", "31"),
    "34172": ("Montpellier", "34"),
    "46042": ("Cahors", "46"),
    "48095": ("Mende", "48"),
    "65440": ("Tarbes", "65"),
    "81004": ("Albi", "81"),
    "82121": ("Montauban", "82"),
}
#: Their real changes of code (INSEE history), and one invented split: 31998 into two communes.
HISTORY = """MOD,DATE_EFF,TYPECOM_AV,COM_AV,LIBELLE_AV,TYPECOM_AP,COM_AP,LIBELLE_AP
50,2024-03-04,COM,12076,Conques-en-Rouergue,COM,12218,Conques-en-Rouergue
32,2025-01-01,COM,09287,Senconac,COM,09088,Caychax-et-Senconac
32,2025-01-01,COM,30094,Corbès,COM,30329,Thoiras-Corbès
21,2020-01-01,COM,31998,Commune scindée,COM,31483,Saint-Gaudens
21,2020-01-01,COM,31998,Commune scindée,COM,31555,Toulouse
"""


def small_world(tmp_path: Path) -> tuple[CodeMapper, pd.DataFrame]:
    """The code mapper and the current communes (``insee, nom, departement``) of the world."""
    history = load_history(write_text(tmp_path / "history.csv", HISTORY))
    mapper = CodeMapper(
        current=frozenset(CURRENT),
        former={"12076": "12218", "09287": "09088", "30094": "30329"},
        history=history,
    )
    communes = pd.DataFrame(
        [{"insee": k, "nom": n, "departement": d} for k, (n, d) in CURRENT.items()]
    )
    return mapper, communes
