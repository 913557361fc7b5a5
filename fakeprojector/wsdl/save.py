"""``fakeprojector wsdl-save URL DIR``: a live WCF service's metadata, saved for offline use.

Fetches ``URL?wsdl`` and every schema it imports (``?xsd=xsdN``), transitively, and writes
them into DIR with each ``schemaLocation`` pointing at the saved file, so the folder loads
with ``--wsdl DIR/<Service>.wsdl`` anywhere, without the network. A user captures their own
tenant's contract once and commits it. Every document goes through the hardened parser
(no entities, no DTD); only ``http`` and ``https`` addresses are fetched, a bounded number.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from fakeprojector import xmltext
from fakeprojector.contract import NS_WSDL, NS_XSD

#: A WCF service imports one document per namespace; more than this is not a WCF service.
MAX_DOCUMENTS = 200
TIMEOUT_SECONDS = 30.0
_IMPORTS = (f"{{{NS_XSD}}}import", f"{{{NS_XSD}}}include")


class SaveError(Exception):
    """Metadata that cannot be saved: the message names the address and the problem."""


@dataclass(frozen=True)
class Saved:
    wsdl: Path
    schemas: tuple[Path, ...]


def _fetch(url: str) -> etree._Element:
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise SaveError(f"{url}: only http and https addresses are fetched")
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - scheme checked above
            data = response.read()
    except urllib.error.HTTPError as exc:
        raise SaveError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SaveError(f"{url}: cannot be fetched: {reason}") from None
    try:
        root = etree.fromstring(data, xmltext.hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise SaveError(f"{url}: not well-formed XML: {exc.msg}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise SaveError(f"{url}: a DTD is not allowed")
    return root


def _service_name(url: str) -> str:
    path = urllib.parse.urlsplit(url).path.rstrip("/")
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[^A-Za-z0-9_.-]", "_", stem) or "service"


def save(url: str, folder: str | Path) -> Saved:
    """Save the metadata of the service at ``url`` (its address, with or without ``?wsdl``)
    into ``folder`` (created when missing); files of the same names are replaced."""
    parts = urllib.parse.urlsplit(url)
    service = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    name = _service_name(service)
    wsdl_url = service + "?wsdl"
    wsdl = _fetch(wsdl_url)
    if wsdl.tag != f"{{{NS_WSDL}}}definitions":
        raise SaveError(f"{wsdl_url}: not a WSDL 1.1 document (root element {wsdl.tag!r})")
    documents: dict[str, tuple[str, etree._Element]] = {}  # absolute address -> (file, root)
    queue: deque[tuple[str, etree._Element]] = deque([(wsdl_url, wsdl)])
    while queue:
        base, root = queue.popleft()
        for imp in root.iter(*_IMPORTS):
            location = imp.get("schemaLocation")
            if not location:
                continue
            address = urllib.parse.urljoin(base, location)
            if address not in documents:
                if len(documents) >= MAX_DOCUMENTS:
                    raise SaveError(f"{wsdl_url}: more than {MAX_DOCUMENTS} schema documents")
                schema = _fetch(address)
                if schema.tag != f"{{{NS_XSD}}}schema":
                    raise SaveError(f"{address}: not an XML Schema (root element {schema.tag!r})")
                documents[address] = (_schema_file(name, address, len(documents)), schema)
                queue.append((address, schema))
            imp.set("schemaLocation", documents[address][0])
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
        wsdl_path = target / f"{name}.wsdl"
        _write(wsdl_path, wsdl)
        paths = []
        for file_name, schema in documents.values():
            paths.append(target / file_name)
            _write(paths[-1], schema)
    except OSError as exc:
        raise SaveError(f"{target}: cannot be written: {exc.strerror or exc}") from None
    return Saved(wsdl_path, tuple(paths))


def _schema_file(name: str, address: str, index: int) -> str:
    """``<Service>.xsdN.xsd`` for WCF's ``?xsd=xsdN`` (the number kept), else by import order."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(address).query)
    xsd = (query.get("xsd") or [""])[0]
    suffix = xsd if re.fullmatch(r"xsd[0-9]{1,4}", xsd) else f"schema{index}"
    return f"{name}.{suffix}.xsd"


def _write(path: Path, root: etree._Element) -> None:
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
