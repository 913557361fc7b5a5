"""Make spyne 2.14 import cleanly on Python 3.10-3.13, warnings included. Import this before
any spyne module (``fakeprojector.soap`` does).

spyne 2.14.0 (its last release) vendors an old ``six`` as ``spyne.util.six``:

* on 3.12+ its meta path importer lacks ``find_spec``, whose fallback Python removed, so
  ``spyne.util.six.moves`` cannot be imported at all;
* on 3.10 and 3.11 the fallback works but warns (``ImportWarning:
  _SixMetaPathImporter.find_spec() not found``), and not only while spyne loads: the
  importer stays on ``sys.meta_path``, so every later failed import anywhere in the
  process warns (a consumer's ``import zeep`` reaching urllib3's optional ``import
  brotli``), which a project with ``filterwarnings = error`` turns into a failed collection.

So on every interpreter we load the maintained ``six`` package's source *under spyne's
module name* before spyne can load its copy: its importer serves ``spyne.util.six.moves.*``
and has ``find_spec``. The one helper spyne added to its copy (``get_function_name``) is
added back.

spyne also imports ``cgi``: deprecated on 3.12 (a ``DeprecationWarning`` at import), gone
on 3.13 (the ``legacy-cgi`` distribution, a dependency there, puts it back). We import it
first with exactly that one warning ignored, so spyne's ``import cgi`` finds it loaded and
nothing else is silenced.

Last, spyne's sources hold invalid escape sequences (``'\\.'``) that Python reports when it
compiles a module with no cached bytecode (an install that wrote no ``.pyc``); under ``-W
error`` that is a ``SyntaxError``. We import the spyne modules fakeprojector uses with
exactly that compile-time warning ignored, so their bytecode is made (or read) here.

Idempotent; does nothing if spyne's six is already loaded (too late to help).
"""

from __future__ import annotations

import importlib.util
import operator
import sys
import warnings

PATCHED_MODULE = "spyne.util.six"


def _preload_cgi() -> None:
    """``import cgi`` with only its own 3.12 deprecation warning ignored."""
    if "cgi" in sys.modules:
        return
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"'cgi' is deprecated", category=DeprecationWarning)
        import cgi  # noqa: F401


#: The spyne modules fakeprojector imports (``fakeprojector.soap``).
SPYNE_MODULES = (
    "spyne",
    "spyne.context",
    "spyne.model",
    "spyne.model.complex",
    "spyne.model.primitive",
    "spyne.protocol.soap",
    "spyne.server",
    "spyne.interface.wsdl",
)


def _import_spyne() -> None:
    """Import spyne with only its compile-time escape-sequence warnings ignored."""
    with warnings.catch_warnings():
        for category in (DeprecationWarning, SyntaxWarning):
            warnings.filterwarnings("ignore", message=r"invalid escape sequence", category=category)
        for name in SPYNE_MODULES:
            importlib.import_module(name)


def install() -> bool:
    """Apply the shim; return ``True`` if this call installed it."""
    _preload_cgi()
    if PATCHED_MODULE in sys.modules:
        return False
    import six

    spec = importlib.util.spec_from_file_location(PATCHED_MODULE, six.__file__)
    if spec is None or spec.loader is None:  # pragma: no cover - six is a plain module
        raise ImportError("cannot load the six package for spyne")
    module = importlib.util.module_from_spec(spec)
    sys.modules[PATCHED_MODULE] = module
    spec.loader.exec_module(module)
    # spyne added one helper of its own to its copy of six; it is pure, so restore it.
    if not hasattr(module, "get_function_name"):
        setattr(module, "get_function_name", operator.attrgetter("__name__"))  # noqa: B010 - a module we made
    return True


install()
_import_spyne()
