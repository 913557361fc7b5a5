"""The fake's own metadata beyond what the contract suite can ask of any WCF service
(``fakeprojector/contract_suite/test_wsdl.py`` holds names, actions, wrapper types, imports and
element order): each schema document stands alone, ``?singleWsdl`` is ``?wsdl`` with exactly
the served documents inlined, queries match in any case, unknown documents are 404, and the
documents are the same whatever Host name a client used (only the address differs)."""

from __future__ import annotations

import http.client
import itertools
import threading
import urllib.parse
import urllib.request

import pytest
from lxml import etree

W = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
NS = {"w": W, "xs": XS}
PATH = "/OpsProjectorWcfSvc/PwsProjectorServices.svc"
SCHEMAS = 5  # service, Requests, Shared/Common, CommonServices, Responses


def _fetch(url: str) -> etree._Element:
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.status == 200
        assert r.headers["Content-Type"] == "text/xml; charset=utf-8"
        return etree.fromstring(r.read())


def _get(port: int, query: str, host: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", f"{PATH}?{query}", headers={"Host": host})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture
def wsdl(fake_projector):
    return _fetch(fake_projector.wsdl_url)


@pytest.fixture
def single(fake_projector):
    return _fetch(fake_projector.url + "?singleWsdl")


def test_every_schema_document_imports_what_it_uses(fake_projector):
    """A standalone document must import each namespace its QNames name (strict readers fail)."""
    for n in range(SCHEMAS):
        schema = _fetch(f"{fake_projector.url}?xsd=xsd{n}")
        own = {schema.get("targetNamespace"), XS}
        imported = {imp.get("namespace") for imp in schema.iterfind(f"{{{XS}}}import")}
        for el in schema.iter(f"{{{XS}}}*"):
            for attribute in ("type", "base", "ref"):
                value = el.get(attribute)
                if value:
                    prefix = value.rpartition(":")[0] or None
                    assert el.nsmap[prefix] in own | imported, (n, el.get("name"), value)


def test_single_wsdl_has_every_schema_document_inline(single, wsdl, fake_projector):
    schemas = single.xpath("w:types/xs:schema", namespaces=NS)
    assert [s.get("targetNamespace") for s in schemas] == [
        _fetch(f"{fake_projector.url}?xsd=xsd{n}").get("targetNamespace") for n in range(SCHEMAS)
    ]
    assert single.xpath("w:types//xs:import/@schemaLocation", namespaces=NS) == []
    for n, schema in enumerate(schemas):
        served = _fetch(f"{fake_projector.url}?xsd=xsd{n}")
        for imp in served.iterfind(f"{{{XS}}}import"):
            del imp.attrib["schemaLocation"]
        assert _c14n(schema) == _c14n(served)
    # apart from wsdl:types, ?singleWsdl and ?wsdl are the same document
    for doc in (single, wsdl):
        doc.remove(doc.find(f"{{{W}}}types"))
    assert _c14n(single) == _c14n(wsdl)


def _c14n(element: etree._Element) -> bytes:
    copy = etree.fromstring(etree.tostring(element))
    for el in copy.iter():
        el.tail = None if el.tail is None or not el.tail.strip() else el.tail
        if len(el) and el.text is not None and not el.text.strip():
            el.text = None
    return etree.tostring(copy, method="c14n2")


@pytest.mark.parametrize(
    ("query", "root"),
    [
        ("WSDL", "definitions"),
        ("SingleWSDL", "definitions"),
        ("singlewsdl", "definitions"),
        ("XSD=XSD0", "schema"),
        ("xsd=Xsd4", "schema"),
    ],
)
def test_metadata_queries_match_in_any_case_like_wcf(fake_projector, query, root):
    status, body = _get(fake_projector.port, query, f"127.0.0.1:{fake_projector.port}")
    assert status == 200
    assert etree.QName(etree.fromstring(body)).localname == root


@pytest.mark.parametrize("value", ["xsd5", "xsd99", "xsd-1", "xsd01", "xsd", "", "wsdl0", "../../etc/passwd"])
def test_unknown_schema_document_is_404(fake_projector, value):
    status, body = _get(fake_projector.port, f"xsd={urllib.parse.quote(value)}", "127.0.0.1")
    assert status == 404
    assert body.startswith(b"Not found")


QUERIES = ("wsdl", "singleWsdl", *(f"xsd=xsd{n}" for n in range(SCHEMAS)))


def _all_documents(port: int, host: str) -> dict[str, bytes]:
    """Every metadata document fetched as ``host``, its address replaced by ``ADDRESS``."""
    address = f"http://{host}{PATH}".encode()
    documents = {}
    for query in QUERIES:
        status, body = _get(port, query, host)
        assert status == 200, (host, query, status)
        if "wsdl" in query.lower():  # the schema documents that import nothing carry no address
            assert address in body, (host, query)
        documents[query] = body.replace(address, b"ADDRESS")
    return documents


def test_same_documents_whatever_host_name_and_order(fake_projector_factory):
    """The WSDL used to be whole only for the first Host name it was fetched with."""
    hosts = ("localhost:{port}", "127.0.0.1:{port}", "fake.example", "[::1]:{port}")
    reference = None
    for order in itertools.islice(itertools.permutations(hosts), 0, None, 6):  # 4 orders, each first once
        fake = fake_projector_factory()
        for host in order:
            documents = _all_documents(fake.port, host.format(port=fake.port))
            reference = reference or documents
            assert documents == reference, (order, host)
        fake.stop()
    assert b"wsdl:portType" in reference["wsdl"]


def test_same_documents_from_many_threads_under_many_host_names(fake_projector_factory):
    fake = fake_projector_factory()
    results: list[dict[str, bytes]] = []
    errors: list[Exception] = []

    def fetch(n: int) -> None:
        try:
            host = f"host{n % 4}.example:{8000 + n}" if n % 2 else f"127.0.0.1:{fake.port}"
            results.append(_all_documents(fake.port, host))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=fetch, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == 12
    assert all(r == results[0] for r in results)
    assert _all_documents(fake.port, "late.example") == results[0]
