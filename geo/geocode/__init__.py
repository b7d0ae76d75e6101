"""Address search: text → place facts, through the address API or the offline gazetteer.

The modules, one job each:

- :mod:`~geo.geocode.contract`: what a search takes and gives (:class:`GeocodeResult`, the
  :class:`Geocoder` protocol).
- :mod:`~geo.geocode.ban_answer`: the address API's answers read strictly.
- :mod:`~geo.geocode.ban`: the address API client (:class:`BanGeocoder`), its cache, its
  memory that the service is down, and the process's one geocoder (:func:`default_geocoder`).
- :mod:`~geo.geocode.gazetteer`: the offline gazetteer (:class:`GazetteerGeocoder`).
- :mod:`~geo.geocode.resolve`: text → place facts with notes (:func:`place_from_text`).

The path of a search (:func:`place_from_text`), each step taken once:

1. The text is tidied; an empty text is refused, a ``"lat, lon"`` text is that point.
2. A text too short for the address API (under 3 characters) goes to step 5 directly.
3. The geocoder (by default :func:`default_geocoder`) answers from its cache, or fails at once
   while the service is remembered as down, or asks the API. A failure goes to step 5 with its
   message as the first note; no result goes to step 5.
4. The first result inside Occitanie gives the facts (a bare commune name found in several
   communes is refused as ambiguous); results all outside give :class:`OutsideRegion`.
5. Offline: the gazetteer names one commune (:func:`~geo.geocode.gazetteer.commune_place`),
   at commune level, which its notes say; nothing found gives :class:`NotFound`.
"""

from geo.geocode.ban import UNUSABLE_LOG, BanGeocoder, check_query, default_geocoder
from geo.geocode.ban_answer import BAN_SERVICE, lambert93_gap, parse_ban_response
from geo.geocode.contract import COMMUNE_LEVEL_NOTE, Geocoder, GeocodeResult
from geo.geocode.gazetteer import GazetteerGeocoder, parse_lat_lon_text, place_from_gazetteer
from geo.geocode.resolve import place_from_text

__all__ = [
    "BAN_SERVICE",
    "COMMUNE_LEVEL_NOTE",
    "UNUSABLE_LOG",
    "BanGeocoder",
    "GazetteerGeocoder",
    "GeocodeResult",
    "Geocoder",
    "check_query",
    "default_geocoder",
    "lambert93_gap",
    "parse_ban_response",
    "parse_lat_lon_text",
    "place_from_gazetteer",
    "place_from_text",
]
