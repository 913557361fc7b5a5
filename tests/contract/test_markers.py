"""The behaviour table (docs/behaviour.md) and the suite's marks cannot drift apart.

Every row tagged ``choice`` has a test marked ``@pytest.mark.choice("<key>")``; every
``choice`` mark names a row tagged ``choice``; every ``contract`` mark names a row tagged
``doc`` or ``wcf``; every golden envelope case names an existing row. The marks are read from
the source (AST) of the repository's tests and of the shipped contract suite, so the check holds
whatever subset of the suite is selected. It stays in the repository: the table is in docs/.
"""

from __future__ import annotations

import ast
import re

from fakeprojector import envelopes
from tests.support.paths import CONTRACT_SUITE, ROOT

BEHAVIOUR = ROOT / "docs" / "behaviour.md"
#: where marks live: the repository's tests and the shipped suite
MARKED = (ROOT / "tests", CONTRACT_SUITE)
ROW = re.compile(r"^\|\s*`(?P<key>[a-z0-9.-]+)`\s*\|.*\|\s*(?P<tag>doc|wcf|choice)\s*\|\s*$")


def behaviour_table() -> dict[str, str]:
    text = BEHAVIOUR.read_text(encoding="utf-8")
    start, end = "<!-- behaviour-table:start -->", "<!-- behaviour-table:end -->"
    assert start in text, "docs/behaviour.md lost its behaviour-table start marker"
    assert end in text, "docs/behaviour.md lost its behaviour-table end marker"
    table: dict[str, str] = {}
    for line in text.split(start, 1)[1].split(end, 1)[0].splitlines():
        if line.startswith("| `"):
            match = ROW.match(line)
            assert match, f"behaviour table row not of the form | `key` | ... | doc/wcf/choice |: {line}"
            assert match["key"] not in table, f"behaviour key {match['key']} appears twice"
            table[match["key"]] = match["tag"]
    assert table, "empty behaviour table"
    return table


def marks() -> list[tuple[str, str, str]]:
    """``(mark name, key, where)`` for every ``pytest.mark.choice/contract(...)`` in the suite."""
    found = []
    for path in sorted(p for folder in MARKED for p in folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            if (
                node.func.attr in ("choice", "contract")
                and isinstance(owner, ast.Attribute)
                and owner.attr == "mark"
            ):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                literal = len(node.args) == 1 and isinstance(node.args[0], ast.Constant)
                assert literal, f"{where}: pytest.mark.{node.func.attr} takes one literal behaviour key"
                found.append((node.func.attr, str(node.args[0].value), where))
    return found


def test_every_choice_row_has_a_choice_test():
    table = behaviour_table()
    marked = {key for name, key, _ in marks() if name == "choice"}
    untested = sorted(k for k, tag in table.items() if tag == "choice" and k not in marked)
    assert not untested, (
        f"docs/behaviour.md choice rows with no @pytest.mark.choice test in the contract suite: {untested}"
    )


def test_every_mark_names_a_row_with_the_right_tag():
    table = behaviour_table()
    wrong = []
    for name, key, where in marks():
        if key not in table:
            wrong.append(f"{where}: {name}({key!r}) names no docs/behaviour.md row")
        elif name == "choice" and table[key] != "choice":
            wrong.append(f"{where}: choice({key!r}) but docs/behaviour.md tags {key} {table[key]!r}")
        elif name == "contract" and table[key] == "choice":
            wrong.append(
                f"{where}: contract({key!r}) but docs/behaviour.md tags {key} 'choice': mark it choice"
            )
    assert not wrong, "\n".join(wrong)


def test_golden_envelope_cases_name_existing_rows():
    table = behaviour_table()
    assert not [c.id for c in envelopes.all_cases() if c.behaviour not in table]
