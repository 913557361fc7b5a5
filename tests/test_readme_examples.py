"""The README's pytest examples are copy-paste ready: run each, as written, in a fresh project."""

from __future__ import annotations

import re

import pytest

from tests.support.paths import ROOT

pytest_plugins = ["pytester"]


def _section_blocks(title: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return re.findall(r"```python\n(.*?)```", text[start : end if end != -1 else None], flags=re.S)


def test_plugin_section_has_the_zeep_and_requests_examples():
    blocks = _section_blocks("pytest plugin")
    assert any("zeep.Client(fake_projector.wsdl_url)" in b for b in blocks)
    assert any("requests.post(" in b for b in blocks)


@pytest.mark.parametrize("index", [0, 1])
def test_plugin_examples_pass_as_written(pytester, index):
    pytester.makepyfile(test_example=_section_blocks("pytest plugin")[index])
    # in a subprocess: in-process pytester re-imports modules, which trips requests' isinstance checks
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
