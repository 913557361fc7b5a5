"""The operation coverage paragraph (README, docs), written from the operation registry.

moto's ``implementation_coverage`` pattern: the list of what the fake implements is made
from the registry that implements it, so the docs cannot claim more or less than the code.
``python -m fakeprojector.coverage`` prints it; the suite checks the README holds it.
Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable

from fakeprojector.contract import vendor_operations
from fakeprojector.rules import OPERATIONS

START = "<!-- coverage:start -->"
END = "<!-- coverage:end -->"


def paragraph(implemented: Iterable[str] | None = None) -> str:
    """The coverage paragraph for ``implemented`` (default: the registry)."""
    names = sorted(OPERATIONS if implemented is None else implemented)
    listed = ", ".join(f"`{n}`" for n in names[:-1]) + (" and " if len(names) > 1 else "") + f"`{names[-1]}`"
    return (
        f"fakeprojector implements **{len(names)} of the {len(vendor_operations())} operations** of the "
        f"vendor's `IPwsProjectorServices` port\ntype: {listed}."
    )


def block(implemented: Iterable[str] | None = None) -> str:
    """:func:`paragraph` between its markers, as the README holds it."""
    return f"{START}\n{paragraph(implemented)}\n{END}"


if __name__ == "__main__":  # pragma: no cover - a docs helper
    print(block())
