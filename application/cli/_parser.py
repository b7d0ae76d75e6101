"""The argument parser of the ``zonage`` command: argparse, with its usage errors as one French
line (exit 2, through :class:`~zonage.errors.InvalidInput`) instead of a usage block in English
that echoes the user's text raw."""

from __future__ import annotations

import argparse
import ast
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from zonage.errors import InvalidInput
from zonage.text import quoted

# argparse's own messages (Python 3.11 to 3.13), each with its French wording. ``{0}``, ``{1}``
# are the groups of the pattern; a group marked ``!q`` is the user's text and is quoted.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), french)
    for pattern, french in (
        (r"the following arguments are required: (.*)", "argument obligatoire manquant : {0}."),
        (r"unrecognized arguments: (.*)", "argument non reconnu : {0!q}."),
        (
            r"argument (\S+): expected one argument",
            "{0} attend une valeur (si elle commence par « - », écrivez {0}=VALEUR).",
        ),
        (r"argument (\S+): expected at least one argument", "{0} attend au moins une valeur."),
        (r"argument (\S+): expected .*", "{0} : nombre de valeurs incorrect."),
        (
            r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)",
            "{0} : choix inconnu {1!q} ; choisissez parmi {2}.",
        ),
        (r"argument (\S+): invalid \S+ value: (.*)", "{0} : valeur invalide {1!q}."),
        (r"argument (\S+): not allowed with argument (\S+)", "{0} et {1} ne vont pas ensemble."),
        (r"argument (\S+): ignored explicit argument (.*)", "{0} ne prend pas de valeur ({1!q})."),
        (r"ambiguous option: (.*?) could match (.*)", "option ambiguë {0!q} : {1} ?"),
        (r"one of the arguments (.*) is required", "un de ces arguments est requis : {0}."),
    )
)


_SLOT = re.compile(r"\{(\d)(!q)?\}")


def _unrepr(text: str) -> str:
    """The string argparse showed with ``%r`` (``'foo'``), else ``text`` itself."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text
    return value if isinstance(value, str) else text


def french_usage_error(message: str) -> str:
    """argparse's English ``message`` in French, the user's text quoted (escaped, cut short)."""
    for pattern, french in _MESSAGES:
        m = pattern.fullmatch(message)
        if m is None:
            continue
        groups = m.groups()

        def fill(slot: re.Match[str], groups: tuple[str, ...] = groups) -> str:
            group = groups[int(slot.group(1))]
            return quoted(_unrepr(group)) if slot.group(2) else group

        return _SLOT.sub(fill, french)
    return f"arguments incorrects : {quoted(message)}."


class _Formatter(argparse.HelpFormatter):
    """Help text wrapped between words only: an id such as ``liberal-installation`` is never
    cut at its hyphen (it would no longer copy and paste)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return textwrap.fill(
            " ".join(text.split()),
            width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors raise :class:`InvalidInput` (one French line,
    exit 2) naming the ``--help`` to read; sub-command parsers are of the same class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        helps = kwargs.get("add_help", True)
        super().__init__(*args, **{**kwargs, "add_help": False})
        self._optionals.title = "options"
        self._positionals.title = "arguments"
        if helps:  # argparse's own help line is in English
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS,
                help="afficher cette aide et quitter",
            )  # fmt: skip

    #: Makes the epilog when the help is shown, for text too costly to make on every run.
    epilog_factory: Callable[[], str] | None = None

    def format_help(self) -> str:
        if self.epilog_factory is not None:
            self.epilog = self.epilog_factory()
        return super().format_help()

    def error(self, message: str) -> NoReturn:
        raise InvalidInput(french_usage_error(message), hint=f"Aide : {self.prog} --help.")


class Once(argparse.Action):
    """Store an option's value, refusing the same option twice: which one should count?"""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        seen: set[str] = namespace.__dict__.setdefault("_given_once", set())
        if self.dest in seen:
            raise InvalidInput(
                f"{option_string} donné deux fois : une seule valeur à la fois.",
                hint=f"Aide : {parser.prog} --help.",
            )
        seen.add(self.dest)
        setattr(namespace, self.dest, values)
