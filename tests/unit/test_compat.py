"""The spyne compatibility shim, checked on whichever interpreter runs the suite."""

from __future__ import annotations

import os
import subprocess
import sys

from fakeprojector import _compat


def test_spyne_imports_and_serves_six_moves():
    import spyne.protocol.soap  # noqa: F401
    from spyne.util.six.moves.urllib.parse import quote  # the import 3.12+ breaks without the shim

    assert quote("a b") == "a%20b"


def test_the_maintained_six_serves_spyne_on_every_interpreter():
    """Not only on 3.12+: on 3.10/3.11 spyne's own copy stays on sys.meta_path and makes every
    later failed import warn (ImportWarning: _SixMetaPathImporter.find_spec() not found)."""
    import six

    module = sys.modules["spyne.util.six"]
    assert module.__file__ == six.__file__  # the maintained six, loaded under spyne's name
    assert (
        module.get_function_name(test_spyne_imports_and_serves_six_moves)
        == "test_spyne_imports_and_serves_six_moves"
    )
    assert not [
        f for f in sys.meta_path if type(f).__module__ == "spyne.util.six" and not hasattr(f, "find_spec")
    ]
    assert _compat.install() is False  # idempotent


STRICT_CONSUMER = """
import warnings
warnings.simplefilter("error")
import fakeprojector, fakeprojector.pytest_plugin
try:
    import fakeprojector_no_such_optional_module  # what urllib3 does for brotli
except ImportError:
    pass
import zeep, requests
print("ok")
"""


def test_a_strict_consumer_imports_fakeprojector_the_plugin_and_its_own_libraries():
    """``filterwarnings = error`` in another project: nothing may warn, on any interpreter."""
    for args in (["-W", "error", "-c", "import fakeprojector; print('ok')"], ["-c", STRICT_CONSUMER]):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
        out = subprocess.run(
            [sys.executable, "-B", *args], capture_output=True, text=True, timeout=120, check=False, env=env
        )
        assert out.returncode == 0, out.stderr[-2000:]
        assert out.stdout.strip() == "ok"


def test_fresh_interpreter_imports_fakeprojector_soap_layer():
    code = "import fakeprojector.soap.endpoint as e; e.SoapEndpoint(); import cgi; print('ok')"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
