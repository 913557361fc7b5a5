"""XML helpers shared by both wire layers: the spyne one (:mod:`fakeprojector.soap.wire`) and
the WSDL-driven engine (:mod:`fakeprojector.wsdl`).

They live apart from both so the engine can use them without importing spyne, and so the
two layers cannot drift: one hardened parser, one way to test ``i:nil``, one text escape,
one choice of generated prefix. lxml only.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from lxml import etree

from fakeprojector.contract import NS_XSI

NIL_ATTR = f"{{{NS_XSI}}}nil"

#: Prefixes WCF's writer generates for a contract namespace, in order; ``i`` is taken by XSI.
PREFIXES = "abcdefghjklmnopqrstuvwxyz"


def is_nil(el: etree._Element) -> bool:
    """``i:nil`` is an ``xs:boolean``: ``true`` or ``1``, with XML whitespace around [wcf]."""
    return (el.get(NIL_ATTR) or "").strip(" \t\r\n") in ("true", "1")


class NoExternalResources(etree.Resolver):
    """Resolves every external DTD subset or entity to nothing, so nothing is opened.

    ``load_dtd=False`` and ``no_network`` do not stop libxml2 from reading a *local*
    external subset or parameter entity (``<!DOCTYPE a SYSTEM "file:///dev/stdin">``
    opened the file and blocked the request thread); with this the document keeps its
    DOCTYPE, unread, and the caller can refuse it.
    """

    def resolve(self, url: str, pubid: str, context: Any) -> Any:
        return self.resolve_string("", context)


def hardened_parser(*, remove_comments: bool = True) -> etree.XMLParser:
    """A parser that reads no DTD, expands no entity and opens no file or network address."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
        remove_comments=remove_comments,
        remove_pis=True,
    )
    parser.resolvers.add(NoExternalResources())
    return parser


def escape(text: str) -> str:
    """Element text as WCF's writer escapes it: ``&``, ``<``, ``>`` and CR [wcf]."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#xD;")


def next_prefix(used: Collection[str]) -> str:
    """The first generated prefix not in ``used`` (``a``, ``b``, ... never ``i``) [wcf]."""
    for c in PREFIXES:
        if c not in used:
            return c
    raise RuntimeError("out of prefixes")  # pragma: no cover - contracts are shallow
