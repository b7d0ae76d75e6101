"""The app's server: ``streamlit run serve.py`` serves ``app.py`` and, as it starts, loads what
every visitor needs (the layers, the lookup index, the web map and its data file, the aid
catalogue), so the first visitor does not wait for them.

``streamlit run app.py`` works too; its first visitor then waits a few seconds more.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from streamlit.logger import get_logger

log = get_logger("zonage.serve")  # Streamlit's format and level (info by default)


def warm() -> None:
    """Load the data and modules of the page once (errors are left for the page to show)."""
    from zonage.errors import ZonageError

    start = time.perf_counter()
    try:
        from application import service
        from application.render import cards  # noqa: F401
        from application.render.policy import map_policy
        from geo.lookup import get_lookup
        from geo.webmap import app_map, get_web_layer

        lookup = get_lookup()
        app_map(get_web_layer(), policy=map_policy())  # publishes its data file under static/
        service.view_for(service.ViewState(profile="tous", insee="31555"), lookup)
        _prepare_component_import()
    except (ZonageError, OSError) as exc:  # the page shows the same problem to its visitor
        log.warning("données non chargées au démarrage : %s", exc)
        return
    log.info("données de la carte chargées en %.1f s", time.perf_counter() - start)


def _prepare_component_import() -> None:
    """Do now what importing streamlit_folium costs the first page run (0.4 s here).

    streamlit_folium itself cannot be imported here: its component is registered only when
    declared by a page run. But its imports can, and the module scan of Streamlit's
    ``declare_component``: it finds its caller's module with ``inspect.getmodule``, which
    resolves the path of every loaded module the first time (then only of new ones).
    """
    import folium.plugins  # noqa: F401
    import jinja2  # noqa: F401
    import streamlit.components.v1  # noqa: F401

    inspect.getmodule(inspect.currentframe())


@asynccontextmanager
async def _lifespan(_app: st.App) -> AsyncIterator[None]:
    # In a thread: the server answers at once; a visitor arriving meanwhile waits for the same
    # loading (geo.per_build computes each object once) instead of starting it again.
    threading.Thread(target=warm, name="zonage-warm", daemon=True).start()
    yield


app = st.App(Path(__file__).with_name("app.py"), lifespan=_lifespan)
