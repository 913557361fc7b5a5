"""The SOAP wire layer: spyne service definition, WCF-faithful reading and writing, WSDL.

Maps the wire to :mod:`fakeprojector.rules` and back; holds no state of its own (the
store arrives through ``ctx.udc``).
"""

from fakeprojector import _compat  # noqa: F401 - must run before spyne is imported
