"""A tiny raw-HTTP SOAP client for tests: builds envelopes, posts them, reads answers.

It does not use fakeprojector's code, so wire tests check the fake from the outside.
"""

from __future__ import annotations

import http.client
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

from lxml import etree

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SVC = "http://projectorpsa.com/PwsProjectorServices/"
REQ = "http://projectorpsa.com/DataContracts/Requests/"
COM = "http://projectorpsa.com/CommonServices/"
RSP = "http://projectorpsa.com/DataContracts/Responses/"
SHR = "http://projectorpsa.com/DataContracts/Shared/Common/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ACTION = "http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/"
NS = {"s": ENV, "p": SVC, "c": COM, "a": RSP, "b": SHR, "i": XSI}

SAMPLE_CLIENT = "24748faf-e239-d132-167a-6e4d3e1bd0fb"
SAMPLE_SECRET = "r6tuVhR3ol1BFFVfy3Oe-J8VoH0KpkgLVqAMi-IIgvd_Lr613IEYcXhKAea8eLtQKSIgQ4jHIKhCKQcwriUtgB"
SAMPLE_TOKEN = "E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA"


def envelope(
    operation: str, fields: list[tuple[str, Any]] | dict[str, Any], *, nil: tuple[str, ...] = ()
) -> bytes:
    """A request as the vendor's samples write it; ``fields`` in the given order."""
    items = list(fields.items()) if isinstance(fields, dict) else list(fields)
    parts = []
    for name, value in items:
        if name in nil:
            parts.append(f'<req:{name} i:nil="true"/>')
        elif value is not None:
            text = str(value).replace("&", "&amp;").replace("<", "&lt;")
            parts.append(f"<req:{name}>{text}</req:{name}>")
    return (
        f'<soapenv:Envelope xmlns:soapenv="{ENV}" xmlns:pws="{SVC}" xmlns:req="{REQ}" xmlns:i="{XSI}">'
        f"<soapenv:Header/><soapenv:Body><pws:{operation}><pws:serviceRequest>{''.join(parts)}"
        f"</pws:serviceRequest></pws:{operation}></soapenv:Body></soapenv:Envelope>"
    ).encode()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def xml(self) -> etree._Element:
        return etree.fromstring(self.body)

    def result(self) -> etree._Element:
        found = self.xml.xpath("/s:Envelope/s:Body/*/*", namespaces=NS)
        assert found, self.body
        return found[0]

    def field(self, name: str) -> str | None:
        """Text of a result field (base fields in CommonServices, own in Responses)."""
        result = self.result()
        for ns in (COM, RSP):
            el = result.find(f"{{{ns}}}{name}")
            if el is not None:
                return None if el.get(f"{{{XSI}}}nil") == "true" else (el.text or "")
        raise AssertionError(f"no {name} in {self.body!r}")

    @property
    def status_text(self) -> str | None:
        return self.field("Status")

    def messages(self) -> list[dict[str, str | None]]:
        out = []
        for m in self.result().findall(f"{{{COM}}}Messages/{{{SHR}}}PwsMessage"):
            out.append(
                {
                    etree.QName(c).localname: (None if c.get(f"{{{XSI}}}nil") == "true" else c.text or "")
                    for c in m
                }
            )
        return out

    def fault(self) -> tuple[str, str]:
        code = self.xml.findtext(f"{{{ENV}}}Body/{{{ENV}}}Fault/faultcode")
        text = self.xml.findtext(f"{{{ENV}}}Body/{{{ENV}}}Fault/faultstring")
        assert code is not None, self.body
        return code, text or ""


def post(
    url: str,
    body: bytes,
    *,
    action: str | None = None,
    headers: dict[str, str] | None = None,
    method: str = "POST",
    timeout: float = 10,
) -> Answer:
    """POST raw bytes; ``action`` is an operation name (sent quoted) or a literal header."""
    parsed = urllib.parse.urlsplit(url)
    # https for a real endpoint (the contract suite with --projector-url); http for the fake
    conn_cls = http.client.HTTPSConnection if parsed.scheme == "https" else http.client.HTTPConnection
    conn = conn_cls(parsed.hostname or "", parsed.port, timeout=timeout)
    hdrs = {"Content-Type": "text/xml; charset=utf-8"}
    if action is not None:
        hdrs["SOAPAction"] = f'"{ACTION}{action}"' if re.fullmatch(r"\w+", action) else action
    hdrs.update(headers or {})
    path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    try:
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def call(url: str, operation: str, fields: list[tuple[str, Any]] | dict[str, Any], **kw: Any) -> Answer:
    return post(
        url, envelope(operation, fields, nil=kw.pop("nil", ())), action=kw.pop("action", operation), **kw
    )


def revoke(
    url: str,
    token: str | None = SAMPLE_TOKEN,
    client_id: str | None = SAMPLE_CLIENT,
    secret: str | None = SAMPLE_SECRET,
    **extra: Any,
) -> Answer:
    fields: list[tuple[str, Any]] = []
    if "RequestId" in extra:
        fields.append(("RequestId", extra.pop("RequestId")))
    if "SessionTicket" in extra:
        fields.append(("SessionTicket", extra.pop("SessionTicket")))
    fields += [("ClientIdentifier", client_id), ("ClientSecret", secret), ("Token", token)]
    if "TokenType" in extra:
        fields.append(("TokenType", extra.pop("TokenType")))
    return call(url, "PwsRevokeOauth2RefreshToken", fields, **extra)


ACQUIRE_ORDER = (
    "RequestId",
    "SessionTicket",
    "ClientIdentifier",
    "ClientSecret",
    "Code",
    "CodeVerifier",
    "GrantType",
    "RedirectUri",
    "RefreshToken",
)


def acquire(
    url: str, client_id: str | None = SAMPLE_CLIENT, secret: str | None = SAMPLE_SECRET, **fields: Any
) -> Answer:
    kw = {k: fields.pop(k) for k in ("action", "nil", "headers") if k in fields}
    values = {"ClientIdentifier": client_id, "ClientSecret": secret, **fields}
    ordered = [(name, values[name]) for name in ACQUIRE_ORDER if name in values]
    return call(url, "PwsAcquireOauth2Token", ordered, **kw)
