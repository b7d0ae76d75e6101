"""The build report as a readable Markdown page (French), from the report dictionary."""

from __future__ import annotations

from typing import Any


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    if not rows:
        return ["_(aucune)_", ""]
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return [*out, ""]


def _n(value: int | float) -> str:
    return f"{value:,}".replace(",", " ")


def _kv(counts: dict[Any, Any]) -> str:
    """``{"a": 1, "b": 2}`` -> ``"a : 1, b : 2"`` (``aucun`` when empty)."""
    if not counts:
        return "aucun"
    return ", ".join(f"{k} : {_n(v) if isinstance(v, int) else v}" for k, v in counts.items())


def render_markdown(report: dict[str, Any]) -> str:
    """Render ``report`` (see :func:`geo.figures.build_report`) as Markdown."""
    return "\n".join(
        [
            *_summary(report),
            *_departments(report["par_departement"]),
            *_communes(report["communes"]),
            *_zoning(report["zonage_medecins"]),
            *_qpv(report["qpv2015"], report["qpv2024"]),
            *_massifs_zrr_frr(report),
            *_zoning_versions(report),
            *_montagne(report["zone_montagne"]),
            *_frr_check(report["frr_controle"]),
            *_sources(report["sources"]),
        ]
    )


def _summary(report: dict[str, Any]) -> list[str]:
    r = report["resume"]
    topo = r["topologie"]
    return [
        "# Rapport de construction de la couche communale",
        "",
        f"{_n(r['communes'])} communes actuelles (COG 2026), {_n(r['population'])} habitants. "
        f"Construit le {report.get('construit_le', '?')} ; chaque source vérifiée par son sha256 "
        "(liste en fin de rapport).",
        "",
        "## Millésimes",
        "",
        *_table(
            ["couche", "source et millésime"], [[k, v] for k, v in report["millesimes"].items()]
        ),
        "## Résumé",
        "",
        f"- Zonage médecins : {_kv(r['communes_par_zonage_medecins'])} ; "
        f"{r['communes_sans_zonage_medecins']} commune(s) sans classe "
        f"(dont {r['communes_sans_zonage_non_documentees']} non documentée(s)) ; "
        f"{r['lignes_zonage_non_appariees']} ligne(s) de la région non appariée(s) ; "
        f"{r['conflits_de_classe']} conflit(s) de classe.",
        f"- Massifs : {_kv(r['communes_par_massif'])}.",
        f"- ZRR (liste 2017 ramenée au COG 2026) : {_kv(r['communes_par_zrr'])} ; sans ZRR : "
        f"{r['communes_sans_zrr']}.",
        f"- FRR (code → communes) : {_kv(r['communes_par_frr'])} ; "
        f"sans FRR : {r['communes_sans_frr']}.",
        f"- QPV 2015 : {r['qpv2015']} contours ; {r['communes_avec_qpv2015']} communes en ont. "
        f"QPV 2024 : {r['qpv2024']} quartiers dans {r['communes_avec_qpv2024']} communes.",
        f"- Contours de massifs touchant la région : {', '.join(r['contours_massifs'])}.",
        f"- Topologie (Lambert-93) : somme des surfaces {topo['somme_surfaces_km2']} km², union "
        f"{topo['surface_union_km2']} km², contour régional {topo['surface_region_km2']} km², "
        f"écart union/région {topo['ecart_union_region_km2']} km² "
        f"({topo['ecart_union_region_part']:.4%}).",
        "",
    ]


_DEPARTMENT_HEADERS = [
    "dép.",
    "nom",
    "communes",
    "population",
    "ZIP",
    "ZAC",
    "ZAR",
    "sans zonage",
    "Massif central",
    "Pyrénées",
    "ZRR C/P/NC",
    "FRR 0/1/2/4/5",
    "QPV 2015",
    "QPV 2024",
]


def _departments(deps: list[dict[str, Any]]) -> list[str]:
    rows = [
        [
            d["departement"],
            d["nom"],
            d["communes"],
            _n(d["population"]),
            d["ZIP"],
            d["ZAC"],
            d["ZAR"],
            d["sans_zonage"],
            d["massif_central"],
            d["pyrenees"],
            f"{d['zrr_classee']}/{d['zrr_partielle']}/{d['zrr_non_classee']}",
            "/".join(str(d[f"frr_{k}"]) for k in (0, 1, 2, 4, 5)),
            d["communes_qpv2015"],
            d["communes_qpv2024"],
        ]
        for d in deps
    ]
    return ["## Par département", "", *_table(_DEPARTMENT_HEADERS, rows)]


def _communes(c: dict[str, Any]) -> list[str]:
    return [
        "## Communes (contours 2018 → COG 2026)",
        "",
        f"- {c['polygones_2018']} polygones 2018 → {c['communes_actuelles']} communes actuelles ; "
        f"routes des codes : {_kv(c['polygones_par_route'])}.",
        f"- Communes déléguées : {c['communes_deleguees']}, associées : {c['communes_associees']} "
        "(gardées comme alias de leur commune de rattachement).",
        f"- Contrôle croisé anciensCodes / historique INSEE : "
        f"{len(c['controle_croise_historique'])} désaccord(s).",
        f"- Sans EPCI : {', '.join(c['sans_epci']) or 'aucune'}.",
        "",
        "Communes formées de plusieurs polygones 2018 ou d'un code changé :",
        "",
        *_table(
            ["commune", "codes 2018"],
            [[k, ", ".join(v)] for k, v in sorted(c["communes_regroupees"].items())],
        ),
    ]


def _zoning(z: dict[str, Any]) -> list[str]:
    return [
        "## Zonage médecins (appariement du fichier CartoSanté)",
        "",
        f"- {_n(z['lignes_fichier'])} lignes dans le fichier national, "
        f"{_n(z['lignes_hors_region'])} hors région, {_n(z['lignes_region'])} en Occitanie.",
        f"- Lignes de la région par statut : {_kv(z['lignes_par_statut'])}.",
        f"- Lignes appariées par route : {_kv(z['lignes_par_route'])}.",
        f"- Classes source (région) : {_kv(z['lignes_par_classe_source'])}.",
        f"- Communes classées : {z['communes_classees']} ; "
        f"par route : {_kv(z['communes_par_route'])}.",
        "",
        "Règle en cas de classes différentes pour une commune : les lignes appariées sur le nom "
        "actuel l'emportent ; sinon la classe la plus favorable (ZIP, puis ZAC, puis ZAR) est "
        "retenue et la commune est à vérifier.",
        "",
        *_zoning_tables(z),
        "Le détail ligne par ligne est dans `zonage_medecins_lignes.csv`.",
        "",
    ]


def _zoning_tables(z: dict[str, Any]) -> list[str]:
    """Unmatched rows, communes without a class, class conflicts, and communes classed
    otherwise than by their current name."""
    return [
        "### Lignes de la région non appariées",
        "",
        "Statuts : `non_apparie` = aucune commune de la région ne porte ni n'a porté ce nom "
        "(ni sous ce code postal, ni dans son département) ; `ambigu` = plusieurs communes "
        "possibles (candidats) ; `sans_classe` = classe source sans équivalent ZIP/ZAC/ZAR. "
        "À vérifier auprès de l'ARS Occitanie.",
        "",
        *_table(
            ["ligne", "code postal", "nom", "classe", "statut", "candidats"],
            [
                [
                    u["ligne"],
                    u["code_postal"],
                    u["nom_commune"],
                    u["zonage"],
                    u["statut"],
                    ", ".join(u["candidats"]),
                ]
                for u in z["lignes_non_appariees"]
            ],
        ),
        "### Communes sans classe",
        "",
        *_table(
            ["insee", "nom", "dép.", "exception documentée"],
            [
                [u["insee"], u["nom"], u["departement"], u.get("exception_documentee") or "NON"]
                for u in z["communes_sans_classe"]
            ],
        ),
        "### Conflits de classe",
        "",
        *_table(
            ["insee", "classes", "retenue", "règle", "à vérifier", "lignes"],
            [
                [
                    k["insee"],
                    "/".join(k["classes"]),
                    k["retenue"],
                    k["regle"],
                    "oui" if k["a_verifier"] else "",
                    ", ".join(map(str, k["lignes"])),
                ]
                for k in z["conflits"]
            ],
        ),
        "### Communes classées autrement que par leur nom actuel",
        "",
        *_table(
            ["insee", "nom", "route", "classe"],
            [
                [k["insee"], k["nom"], k["route"], k["zonage_medecins"]]
                for k in z["communes_hors_nom_actuel"]
            ],
        ),
    ]


def _qpv(q15: dict[str, Any], q24: dict[str, Any]) -> list[str]:
    overlaps = ", ".join(
        f"{e['code_qp']} → {e['insee']} ({e['part_surface']:.1%})"
        for e in q15["chevauchements_non_declares"]
    )
    return [
        "## QPV",
        "",
        f"- 2015 : {q15['qpv']} contours, {len(q15['reparees'])} réparés par make_valid ; surface "
        f"{q15['surface_km2_avant']} km² avant, {q15['surface_km2_apres']} km² après.",
        "- 2015, QPV sur plusieurs communes (selon la source) : "
        + (", ".join(f"{k} → {', '.join(v)}" for k, v in q15["intercommunaux"].items()) or "aucun")
        + ".",
        "- 2015, QPV débordant d'au moins 1 % de leur surface sur une commune qu'ils ne citent "
        f"pas (arrondi des contours, à vérifier) : {overlaps or 'aucun'}.",
        f"- 2024 : {q24['lignes_fichier']} communes dans le fichier national, "
        f"{q24['communes_region']} en Occitanie, {q24['qpv_region']} quartiers.",
        "",
    ]


def _massifs_zrr_frr(report: dict[str, Any]) -> list[str]:
    massifs, zrr = report["massifs"], report["zrr"]
    return [
        "## Massifs",
        "",
        f"- {massifs['lignes_fichier']} lignes nationales, "
        f"{massifs['lignes_region']} en Occitanie : "
        f"{_kv(massifs['communes_par_massif'])}.",
        "",
        "## ZRR et FRR",
        "",
        f"- ZRR : {zrr['lignes_feuille']} lignes (COG 2017), "
        f"{zrr['lignes_region']} en Occitanie ; codes 2017 par route : "
        f"{_kv(zrr['codes_2017_par_route'])} ; introuvables : "
        f"{', '.join(zrr['codes_2017_introuvables']) or 'aucun'}.",
        f"- ZRR par statut : {_kv(zrr['communes_par_statut'])}.",
        "",
        *_table(
            ["insee", "détail (feuille 2017)"],
            [[p["insee"], p["zrr_detail"]] for p in zrr["communes_partiellement_classees"]],
        ),
        f"- FRR : {_kv(report['frr']['communes_par_code'])}.",
        "",
    ]


def _zoning_versions(report: dict[str, Any]) -> list[str]:
    d = report["zonage_medecins_date"]
    listings = (
        ("codes inconnus", d["codes_inconnus"]),
        ("codes invalides", d["codes_invalides"]),
        ("codes hors Occitanie", d["hors_occitanie"]),
        ("codes ambigus", d["codes_ambigus"]),
        ("région incohérente", d["region_incoherente"]),
        ("classes invalides", d["classes_invalides"]),
        ("dates invalides", d["dates_invalides"]),
        ("conflits", d["conflits"]),
    )
    changes = d["changements"]
    return [
        "## Versions du zonage médecins",
        "",
        *_table(
            ["en vigueur depuis", "source", "fichier", "communes classées", "sha256"],
            [
                [v["depuis"] or "?", v["source"], v["fichier"], v["communes"], v["sha256"]]
                for v in report["zonage_versions"]
            ],
        ),
        f"- Table DataSanté {d['fichier']} : {d['lignes_lues']} lignes, "
        f"{d['lignes_occitanie']} d'Occitanie ; lignes par statut : "
        f"{_kv(d['lignes_par_statut'])} ; autres régions : {_kv(d['lignes_autres_regions'])}.",
        f"- Communes nommées : {d['communes_nommees']} ({_kv(d['communes_par_statut'])}) ; "
        f"par classe : {_kv(d['communes_par_classe'])} ; dates d'arrêté : "
        f"{_kv(d['dates_arrete'])} ; communes absentes de la table : "
        f"{len(d['communes_absentes'])}.",
        *[f"- {label} : " + "; ".join(str(x) for x in rows) for label, rows in listings if rows],
        "",
        "### Changements de classe (référence 2022 → table DataSanté), par département",
        "",
        *_table(
            ["dép.", "insee", "commune", "avant", "après", "depuis"],
            [
                [dep, c["insee"], c["nom"], c["avant"] or "-", c["apres"], c["depuis"]]
                for dep, rows in sorted(changes.items())
                for c in rows
            ],
        ),
    ]


def _montagne(m: dict[str, Any]) -> list[str]:
    return [
        "## Zone de montagne",
        "",
        f"- {m['lignes_fichier']} lignes nationales, {m['lignes_region']} en Occitanie "
        f"({_kv(m['lignes_region_par_valeur'])}) ; communes : {_kv(m['communes_par_statut'])}.",
        f"- Codes introuvables : {', '.join(m['codes_introuvables']) or 'aucun'}.",
        f"- Classées en zone de montagne hors de tout massif : {len(m['classees_hors_massif'])} "
        f"({', '.join(m['classees_hors_massif']) or 'aucune'}).",
        "",
    ]


def _frr_check(f: dict[str, Any]) -> list[str]:
    return [
        "## Contrôle FRR (liste nationale à libellés)",
        "",
        f"- {f['communes_comparees']} communes comparées ; libellés : "
        f"{_kv(f['communes_par_libelle'])}.",
        f"- Différences de code : {len(f['differences'])} ; absentes de la liste : "
        f"{len(f['absentes_de_la_liste'])} ; absentes du fichier FRR : "
        f"{len(f['absentes_du_fichier_frr'])}.",
        "",
    ]


def _sources(sources: list[dict[str, Any]]) -> list[str]:
    return [
        "## Sources",
        "",
        *_table(
            ["fichier", "titre", "origine", "licence", "millésime", "sha256"],
            [
                [
                    s["name"],
                    s["title"],
                    s["origin"],
                    s["licence"],
                    s["vintage"],
                    s["sha256"][:12] + "…",
                ]
                for s in sources
            ],
        ),
    ]
