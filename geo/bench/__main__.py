"""Run the benchmark sections: ``python -m geo.bench [build] [lookup] [webmap]``."""

from __future__ import annotations

import importlib
import sys

SECTIONS = ("build", "lookup", "webmap")


def main(argv: list[str]) -> int:
    wanted = argv or list(SECTIONS)
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        print(f"unknown section(s): {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
        return 2
    for name in wanted:
        try:
            module = importlib.import_module(f"geo.bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"geo.bench.{name}":
                print(f"== {name}: not available yet")
                continue
            raise
        print(f"== {name}")
        module.run(print)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
