"""The ``zonage`` command line: one module per sub-command, each exposing ``register``.

Errors a user can cause end as one French line on stderr and the exit code of their type
(see :mod:`zonage.errors`); never as a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
import traceback
from collections.abc import Sequence

from application.cli._output import discard, file_error, flush_stdout, report
from application.cli._parser import Parser
from zonage.errors import ZonageError

# Sub-command modules, in the order ``zonage --help`` lists them.
_COMMANDS = ("lookup", "aids", "fiche", "export_table", "export_map", "data")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every sub-command registered."""
    parser = Parser(
        prog="zonage",
        description="Aides aux médecins en Occitanie : zonage, lieux, aides, carte.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    for name in _COMMANDS:
        try:
            module = importlib.import_module(f"application.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"application.cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``zonage`` console command; returns the exit code.

    Every failure ends as French lines on stderr (one per problem) and an exit code: the code
    of a :class:`ZonageError` (2 bad input, including an output that cannot be written, 3 not
    found, 4 data, 5 service), 1 for an internal error (``ZONAGE_DEBUG=1`` shows its
    traceback), 130 when interrupted. A closed pipe (``| head``) ends quietly.
    """
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help: its text was printed, make sure it was written
            flush_stdout()
            return exc.code if isinstance(exc.code, int) else 0
        from geo import settings

        settings.check()  # a mistyped ZONAGE_* variable: exit 2, one line per variable
        code = int(args.func(args) or 0)
        flush_stdout()
        return code
    except ZonageError as exc:
        for line in str(exc).splitlines() or [""]:
            report(f"zonage : erreur : {line}")
        return exc.exit_code
    except KeyboardInterrupt:
        report("zonage : interrompu.")
        return 130
    except BrokenPipeError:
        discard(sys.stdout)
        discard(sys.stderr)
        return 0
    except OSError as exc:  # a file given by the user (--out …) that cannot be written
        error = file_error(exc)
        report(f"zonage : erreur : {error}")
        return error.exit_code
    except Exception as exc:
        return _internal_error(exc)


def _internal_error(exc: Exception) -> int:
    """One French line for a bug, or its traceback with ``ZONAGE_DEBUG=1``; exit code 1."""
    from geo import settings

    if settings.DEBUG:
        with contextlib.suppress(OSError):
            traceback.print_exception(exc, file=sys.stderr)
    else:
        report(
            f"zonage : erreur interne ({type(exc).__name__}) : relancez avec ZONAGE_DEBUG=1"
            " pour voir le détail, et signalez-la."
        )
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
