"""Region benchmark: every commune's aids for one profile, one by one (one
:func:`~zonage.engine.aids_at` per commune) against :func:`~zonage.engine.region.evaluate_region`
(once per distinct set of facts), then every profile.

Run with ``python -m application.bench [--profile ID] [--date AAAA-MM-JJ]`` after
``zonage data build``. Prints figures; asserts nothing (targets, warm: the region for one
profile and date ≤ 0.3 s, every profile ≤ 2 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable, Sequence

from zonage.catalogue import Catalogue, load_catalogue
from zonage.engine import aids_at
from zonage.engine.region import evaluate_region
from zonage.place import PlaceFacts
from zonage.profiles import PROFILE_IDS

TARGET_ONE_PROFILE_S = 0.3
TARGET_ALL_PROFILES_S = 2.0
#: The profile whose aids read the most facts (the ARS contract: massif, montagne, QPV…).
DEFAULT_PROFILE = "liberal-installation"


def _best_of(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` runs (the machine is shared: the least disturbed one)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def one_by_one(
    places: Sequence[PlaceFacts], profile: str, on: dt.date, catalogue: Catalogue
) -> float:
    """Seconds for one :func:`aids_at` per commune."""
    start = time.perf_counter()
    for place in places:
        aids_at(place, profile, on, catalogue=catalogue)
    return time.perf_counter() - start


def run(profile: str, on: dt.date, say: Callable[[str], object] = print) -> None:
    """Measure and print the figures."""
    from geo.lookup import get_lookup

    start = time.perf_counter()
    places = get_lookup().all_communes()
    catalogue = load_catalogue()
    say(f"layer and lookup loaded: {time.perf_counter() - start:.2f} s ({len(places)} communes)")
    say(f"profile {profile}, date {on.isoformat()}")

    def region_once() -> object:
        return evaluate_region(places, profile, on, catalogue=catalogue)

    region = evaluate_region(places, profile, on, catalogue=catalogue)  # warm-up
    loop = one_by_one(places, profile, on, catalogue)
    each_ms = loop / len(places) * 1e3
    say(f"one by one ({len(places)} × aids_at): {loop:.2f} s ({each_ms:.2f} ms each)")
    warm = _best_of(region_once, 5)
    say(
        f"region evaluation: {warm:.3f} s (best of 5; target ≤ {TARGET_ONE_PROFILE_S} s),"
        f" {region.fact_sets} distinct fact sets, keyed on: {', '.join(region.facts_read) or '-'}"
    )
    say(f"ratio one by one / region: {loop / warm:.0f}×")

    sets: dict[str, int] = {}

    def every_profile() -> None:
        for p in PROFILE_IDS:
            sets[p] = evaluate_region(places, p, on, catalogue=catalogue).fact_sets

    every = _best_of(every_profile, 3)
    say(
        f"every profile ({len(PROFILE_IDS)}): {every:.3f} s (best of 3; target ≤"
        f" {TARGET_ALL_PROFILES_S} s), {sum(sets.values())} distinct fact sets in all"
    )
    for p, n in sets.items():
        say(f"  {p}: {n} fact sets")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m application.bench", description=__doc__)
    parser.add_argument("--profile", default=DEFAULT_PROFILE, choices=PROFILE_IDS)
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args(argv)
    run(args.profile, args.date)
    return 0


if __name__ == "__main__":
    sys.exit(main())
