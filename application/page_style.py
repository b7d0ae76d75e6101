"""The page's accessibility and phone layout: French as its language, the results announced to
screen readers, a shorter map and smaller title on a phone, and the sidebar closed there after
a search."""

from __future__ import annotations

import json

import streamlit as st

#: Widest screen laid out as a phone's (Streamlit stacks the columns under this width too).
PHONE_MAX_WIDTH_PX = 640
#: Height of the map on a phone, as a share of the screen's (640 px elsewhere, set by app.py):
#: the results below it come into view with one swipe.
PHONE_MAP_HEIGHT = "48vh"
#: Height of the map on a phone held sideways: the whole map on the screen at once.
SIDEWAYS_MAP_HEIGHT = "85vh"
#: The map's frame (streamlit-folium's component).
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: The name the results panel is announced with.
RESULTS_LABEL = "Lieu choisi et aides"

_PHONE = f"(max-width: {PHONE_MAX_WIDTH_PX}px)"
# A phone held sideways: the 640 px map would be taller than the screen.
_SIDEWAYS = "(orientation: landscape) and (max-height: 500px)"
# Marks the page's own scripts, whose blocks take no room in the page.
_SCRIPT_CLASS = "zonage-page-script"
_COUNTER = "_page_style_closes"

CSS = f"""<style>
[data-testid="stElementContainer"]:has(script.{_SCRIPT_CLASS}) {{ display: none; }}
@media {_PHONE} {{
  {MAP_FRAME} {{ height: {PHONE_MAP_HEIGHT} !important; }}
  h1 {{ font-size: 1.75rem !important; }}
}}
@media {_SIDEWAYS} {{
  {MAP_FRAME} {{ height: {SIDEWAYS_MAP_HEIGHT} !important; }}
}}
</style>"""

# Run once per page load (the block stays in place across reruns, so Streamlit does not run it
# again). Streamlit serves its page with lang="en" and has no setting for it; the results
# panel has no element of its own to mark: it is found as the column beside the map's, each
# time the page changes (a new view or a rerun may draw it anew).
_PAGE_SCRIPT = f"""
(function () {{
  if (window.zonagePageStyle) return;
  window.zonagePageStyle = true;
  var root = document.documentElement;
  var pending = false;
  function mark() {{
    pending = false;
    if (root.lang !== "fr") root.lang = "fr";
    var frame = document.querySelector({json.dumps(MAP_FRAME)});
    var column = frame && frame.closest('[data-testid="stColumn"]');
    var panel = column && column.nextElementSibling;
    if (panel && !panel.hasAttribute("aria-live")) {{
      panel.setAttribute("role", "region");
      panel.setAttribute("aria-label", {json.dumps(RESULTS_LABEL)});
      panel.setAttribute("aria-live", "polite");
    }}
  }}
  function later() {{
    if (!pending) {{ pending = true; requestAnimationFrame(mark); }}
  }}
  mark();
  new MutationObserver(later).observe(document.body, {{ childList: true, subtree: true }});
  new MutationObserver(mark).observe(root, {{ attributes: true, attributeFilter: ["lang"] }});
}})();
"""

_CLOSE_SIDEBAR_SCRIPT = f"""
(function () {{
  if (!window.matchMedia({json.dumps(_PHONE)}).matches) return;
  var sidebar = document.querySelector('[data-testid="stSidebar"]');
  if (!sidebar || sidebar.getAttribute("data-collapsed") !== "false") return;
  var button = sidebar.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (button) button.click();
}})();
"""


def _script(code: str) -> str:
    return f'<script class="{_SCRIPT_CLASS}">{code}</script>'


def apply() -> None:
    """Style and mark the page; called once per page run, just after its title."""
    st.html(CSS)
    st.html(_script(_PAGE_SCRIPT), unsafe_allow_javascript=True)


def close_sidebar_on_phone() -> None:
    """Close the sidebar if the screen is a phone's (it covers the page there): called during
    a page run, e.g. once a search found its place, so that the results are in sight."""
    count = st.session_state.get(_COUNTER, 0) + 1
    st.session_state[_COUNTER] = count
    # A new text each call: Streamlit runs a block's script only when the block changes.
    st.html(_script(f"/* {count} */{_CLOSE_SIDEBAR_SCRIPT}"), unsafe_allow_javascript=True)
