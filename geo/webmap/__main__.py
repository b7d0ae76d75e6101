"""``python -m geo.webmap``: prepare the web map once after a build (before the app starts).

Computes the simplified web layer into the build folder's ``web/`` cache (a few seconds, once
per build) and copies Leaflet and topojson-client into ``static/`` for the app. Prints what it
did; exit code 4 when the layer is not built.
"""

from __future__ import annotations

import sys
import time

from geo import assets
from geo.layer import load
from geo.webmap.layer import default_cache_dir, web_layer
from zonage.errors import ZonageError


def main() -> int:
    start = time.perf_counter()
    try:
        layers = load()
        web = web_layer(layers)
        folder = assets.prepare_static()
    except ZonageError as exc:
        print(f"carte web : erreur : {exc}", file=sys.stderr)
        return exc.exit_code
    stats = web.stats
    print(
        f"carte web prête en {time.perf_counter() - start:.1f} s : {len(web.communes)} communes,"
        f" {stats['points_web']} points (source : {stats['vertices_source']} sommets),"
        f" cache {default_cache_dir(layers)}, ressources dans {folder}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
