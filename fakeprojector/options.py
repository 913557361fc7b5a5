"""Checks of the options a fake is built with, before anything is bound or started.

A bad value is an :class:`OptionError` (a ``ValueError``) naming the option and the
allowed values: ``port: must be a whole number from 0 to 65535, not 99999``. The CLI
prints the same words with the flag's name (``--port: ...``) and exits with status 2,
so a typo never ends in a traceback or, worse, a server on some other port (the socket
layer silently wraps 99999 to 34463). Standard library only.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

MAX_PORT = 65_535
#: Request bodies past this are refused outright; a larger limit is a typo [choice].
MAX_BODY_LIMIT = 2**31 - 1


class OptionError(ValueError):
    """An option of :class:`~fakeprojector.FakeProjector` or ``serve`` that cannot be used."""

    def __init__(self, option: str, problem: str) -> None:
        self.option, self.problem = option, problem
        super().__init__(f"{option}: {problem}")

    @property
    def flag(self) -> str:
        """The option as the CLI spells it."""
        return "--" + self.option.replace("_", "-")


def _shown(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"[:80]


def whole(option: str, value: Any, low: int, high: int) -> int:
    """An ``int`` from ``low`` to ``high`` (``bool`` is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise OptionError(option, f"must be a whole number from {low} to {high}, not {_shown(value)}")
    return value


def positive_seconds(option: str, value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise OptionError(option, f"must be a number of seconds > 0, not {_shown(value)}")
    return float(value)


def text(option: str, value: Any, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise OptionError(option, f"must be a non-empty string, not {_shown(value)}")
    return value


def seed(value: Any) -> int | str | None:
    if value is None or (isinstance(value, (int, str)) and not isinstance(value, bool)):
        return value
    raise OptionError("seed", f"must be an int, a string or None, not {_shown(value)}")


def writable_file(option: str, value: str) -> Path:
    """A file path that can be written: its folder exists and is writable, and it is no folder."""
    path = Path(value)
    folder = path.parent
    if path.is_dir():
        raise OptionError(option, f"{value} is a directory, not a file")
    if not folder.is_dir():
        raise OptionError(option, f"directory {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise OptionError(option, f"directory {folder} is not writable")
    return path
