"""Typed errors shared by the whole project.

Every error a user can cause or meet carries a French one-line message that names the problem
and the fix, and the exit code the command line returns for it:
2 for bad input, 3 for not found / outside the region, 4 for missing or corrupt data,
5 for an outside service that cannot be reached.
"""

from __future__ import annotations


class ZonageError(Exception):
    """Base of every error shown to a user as one line, never as a traceback."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class InvalidInput(ZonageError):
    """The user gave something that cannot be understood (code, date, coordinate, profile)."""

    exit_code = 2


class NotFound(ZonageError):
    """The input is well formed but names nothing we know (unknown code, address not found)."""

    exit_code = 3


class OutsideRegion(NotFound):
    """A point or a commune outside Occitanie."""


class DataError(ZonageError):
    """A source file or the built layer is missing, corrupt or inconsistent."""

    exit_code = 4


class ServiceUnavailable(ZonageError):
    """An outside service (address API) cannot be reached or keeps failing."""

    exit_code = 5
