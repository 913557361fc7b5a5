"""The spyne compatibility shim, checked on whichever interpreter runs the suite."""

from __future__ import annotations

import subprocess
import sys

from fakeprojector import _compat


def test_spyne_imports_and_serves_six_moves():
    import spyne.protocol.soap  # noqa: F401
    from spyne.util.six.moves.urllib.parse import quote  # the import 3.12+ breaks without the shim

    assert quote("a b") == "a%20b"


def test_shim_is_applied_exactly_on_312_and_later():
    module = sys.modules["spyne.util.six"]
    if sys.version_info >= (3, 12):
        import six

        assert module.__file__ == six.__file__  # the maintained six, loaded under spyne's name
    else:
        assert "spyne" in (module.__file__ or "")  # spyne's vendored copy still works here
    assert (
        module.get_function_name(test_spyne_imports_and_serves_six_moves)
        == "test_spyne_imports_and_serves_six_moves"
    )
    assert _compat.install() is False  # idempotent


def test_fresh_interpreter_imports_fakeprojector_soap_layer():
    code = "import fakeprojector.soap.endpoint as e; e.SoapEndpoint(); import cgi; print('ok')"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
