"""Make spyne 2.14 import on Python 3.12 and 3.13. Import this before any spyne module.

spyne 2.14.0 (its last release) vendors an old ``six`` as ``spyne.util.six`` whose meta
path importer lacks ``find_spec``, which Python 3.12 removed the fallback for; so
``spyne.util.six.moves`` cannot be imported. We load the maintained ``six`` package's
source *under spyne's module name*: its importer then serves ``spyne.util.six.moves.*``;
the one helper spyne added to its copy (``get_function_name``) is added back.
Python 3.13 also removed the ``cgi`` module spyne imports; the ``legacy-cgi``
distribution (a dependency on 3.13+, see pyproject.toml) puts it back.

On 3.10 and 3.11 nothing is changed. Idempotent, and harmless if spyne is already loaded
(then it does nothing: too late to help, and the vendored copy worked).
"""

from __future__ import annotations

import importlib.util
import operator
import sys

PATCHED_MODULE = "spyne.util.six"


def install() -> bool:
    """Apply the shim when needed; return ``True`` if this call installed it."""
    if sys.version_info < (3, 12) or PATCHED_MODULE in sys.modules:
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
        module.get_function_name = operator.attrgetter("__name__")
    return True


install()
