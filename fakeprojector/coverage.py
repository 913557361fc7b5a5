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
    vendor = len(vendor_operations())
    return (
        f"fakeprojector implements **{len(names)} of the {vendor} operations** of the "
        f"vendor's `IPwsProjectorServices` port\ntype: {listed}. With a WSDL loaded (`--wsdl`) it "
        "answers every operation of\nthat contract too, session tickets checked and answers "
        f"generated or stubbed: all {vendor} with the\nvendor's 2019 snapshot."
    )


def served(loaded: Iterable[str]) -> str:
    """One line for a running fake: how many of the vendor's operations it answers, with
    ``loaded`` the operations of its loaded WSDL (the dashboard shows it)."""
    vendor = vendor_operations()
    answered = (set(OPERATIONS) | set(loaded)) & vendor
    extra = len(set(loaded) - vendor)
    more = f", and {extra} other operations of its WSDL" if extra else ""
    return f"answers {len(answered)} of the vendor's {len(vendor)} operations{more}"


def block(implemented: Iterable[str] | None = None) -> str:
    """:func:`paragraph` between its markers, as the README holds it."""
    return f"{START}\n{paragraph(implemented)}\n{END}"


if __name__ == "__main__":  # pragma: no cover - a docs helper
    print(block())
