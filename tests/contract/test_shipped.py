"""``tests/contract`` runs the shipped suite, not a copy: each test module of
``fakeprojector/contract_suite`` has a module here that only imports it (so pytest collects its
tests under ``tests/contract``), and every other module here is one of the few that need the
checkout and so cannot ship."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.paths import CONTRACT_SUITE

HERE = Path(__file__).resolve().parent
#: tests of the suite or of the checkout, not of a target: they need docs/, ../shared or the suite's own source
REPOSITORY_ONLY = frozenset({"test_markers.py", "test_can_fail.py", "test_wsdl_vendor.py", "test_shipped.py"})


def _star_import_of(path: Path) -> str | None:
    """The module a file star-imports, when that (and a docstring) is all it holds."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) == 1 and isinstance(body[0], ast.ImportFrom) and [a.name for a in body[0].names] == ["*"]:
        return body[0].module
    return None


def test_every_shipped_test_module_is_collected_here_by_a_bare_import():
    shipped = sorted(p.name for p in CONTRACT_SUITE.glob("test_*.py"))
    assert shipped, CONTRACT_SUITE
    for name in shipped:
        here = HERE / name
        assert here.is_file(), (
            f"tests/contract/{name} missing: it should only import fakeprojector/contract_suite/{name}"
        )
        assert _star_import_of(here) == f"fakeprojector.contract_suite.{name.removesuffix('.py')}", (
            f"tests/contract/{name} must only `from fakeprojector.contract_suite.{name[:-3]} import *`"
        )


def test_every_other_module_here_needs_the_checkout():
    shipped = {p.name for p in CONTRACT_SUITE.glob("test_*.py")}
    others = sorted(p.name for p in HERE.glob("test_*.py") if p.name not in shipped)
    assert others == sorted(REPOSITORY_ONLY), (
        "a contract test belongs in fakeprojector/contract_suite/ (with a bare import here), unless it "
        "needs the checkout; then add it to REPOSITORY_ONLY with the reason"
    )
