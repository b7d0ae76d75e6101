"""The ``zonage`` command line: one module per sub-command, each exposing ``register``.

Errors a user can cause end as one French line on stderr and the exit code of their type
(see :mod:`zonage.errors`); never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from zonage.errors import ZonageError

# Sub-command modules, in the order ``zonage --help`` lists them.
_COMMANDS = ("lookup", "aids", "export_map", "data")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="zonage",
        description="Aides aux médecins en Occitanie : zonage, lieux, aides, carte.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    for name in _COMMANDS:
        try:
            module = importlib.import_module(f"zonage.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"zonage.cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``zonage`` console command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ZonageError as exc:
        print(f"zonage : erreur : {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("zonage : interrompu.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
