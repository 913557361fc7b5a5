"""The hostile corpus: malformed and malicious requests, each with the answer it must get.

Every case is data: the raw body, method, path and headers (or, where the HTTP framing is
itself the attack, the whole request as bytes), and the expected clear answer: an HTTP
status plus a SOAP faultcode and a phrase of its faultstring, an in-band ``Status`` (with
an ``ErrorNumber`` for a failure), or a phrase of a plain body. ``test_corpus.py`` sends
each over a raw socket with a deadline, checks the answer leaks nothing, and checks that
the fake still answers the vendor's sample revoke afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.support.soapclient import ACTION, ENV, REQ, SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN, SVC, XSI

PATH = "/OpsProjectorWcfSvc/PwsProjectorServices.svc"
REVOKE = "PwsRevokeOauth2RefreshToken"
ACQUIRE = "PwsAcquireOauth2Token"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
TEXT_XML = ("Content-Type", "text/xml; charset=utf-8")


def action(operation: str = REVOKE) -> tuple[str, str]:
    return ("SOAPAction", f'"{ACTION}{operation}"')


REVOKE_HEADERS = (TEXT_XML, action())

# The vendor sample's fields, as the vendor writes them.
CI = f"<req:ClientIdentifier>{SAMPLE_CLIENT}</req:ClientIdentifier>"
CS = f"<req:ClientSecret>{SAMPLE_SECRET}</req:ClientSecret>"
TK = f"<req:Token>{SAMPLE_TOKEN}</req:Token>"
SAMPLE_FIELDS = CI + CS + TK


def envelope(
    fields: str = SAMPLE_FIELDS, *, operation: str = REVOKE, prolog: str = "", attrs: str = ""
) -> str:
    """A revoke (or ``operation``) envelope around ``fields``; ``prolog`` goes before it."""
    return (
        f'{prolog}<soapenv:Envelope xmlns:soapenv="{ENV}" xmlns:pws="{SVC}" xmlns:req="{REQ}" xmlns:i="{XSI}"{attrs}>'
        f"<soapenv:Body><pws:{operation}><pws:serviceRequest>{fields}</pws:serviceRequest></pws:{operation}>"
        f"</soapenv:Body></soapenv:Envelope>"
    )


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


SAMPLE = utf8(envelope())


@dataclass(frozen=True)
class Case:
    """One hostile request and the answer it must get.

    ``raw``, when set, is sent as is (framing attacks); otherwise ``method`` ``path`` with
    ``headers`` and ``body`` plus a matching ``Content-Length`` unless ``content_length``
    is false. The expectation: ``status``; ``fault`` the faultcode (``s:Client``...) and
    ``says`` a phrase of the faultstring (or of the body when ``fault`` is ``None``);
    ``outcome`` ``"Ok"`` or ``"Fail"`` for an in-band answer, with ``error_number``.
    """

    name: str
    status: int
    body: bytes = b""
    fault: str | None = None
    says: str | None = None
    outcome: str | None = None
    error_number: int | None = None
    method: str = "POST"
    path: str = PATH
    headers: tuple[tuple[str, str], ...] = REVOKE_HEADERS
    content_length: bool = True
    raw: bytes | None = None
    half_close: bool = False
    tags: tuple[str, ...] = field(default=())


def _raw(head: str, body: bytes = b"") -> bytes:
    return head.replace("\n", "\r\n").encode("latin-1") + body


def _chunked(body: bytes, size: int = 4096) -> bytes:
    out = bytearray()
    for i in range(0, len(body), size):
        piece = body[i : i + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return bytes(out + b"0\r\n\r\n")


_POST_HEAD = f'POST {PATH} HTTP/1.1\nHost: 127.0.0.1\nContent-Type: text/xml; charset=utf-8\nSOAPAction: "{ACTION}{REVOKE}"\n'

# --- entities and DTDs --------------------------------------------------------------
_XXE_FILE = '<!DOCTYPE soapenv:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
_XXE_NET = '<!DOCTYPE soapenv:Envelope [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/xxe">]>'
_LAUGHS = (
    '<!DOCTYPE soapenv:Envelope [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>"
)
_QUADRATIC_ENTITY = "A" * 20_000
_QUADRATIC = f'<!DOCTYPE soapenv:Envelope [<!ENTITY a "{_QUADRATIC_ENTITY}">]>'
DTD_PROHIBITED = "DTD is prohibited"

ENTITY_CASES = [
    Case(
        "xxe-file-entity",
        500,
        utf8(envelope(CI + CS + "<req:Token>&xxe;</req:Token>", prolog=_XXE_FILE)),
        "s:Client",
        DTD_PROHIBITED,
    ),
    Case(
        "xxe-file-parameter-entity",
        500,
        utf8(envelope(prolog='<!DOCTYPE soapenv:Envelope [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>')),
        "s:Client",
    ),
    Case(
        "xxe-network-entity",
        500,
        utf8(envelope(CI + CS + "<req:Token>&xxe;</req:Token>", prolog=_XXE_NET)),
        "s:Client",
        DTD_PROHIBITED,
    ),
    Case(
        "xxe-external-dtd-system",
        500,
        utf8(envelope(prolog='<!DOCTYPE soapenv:Envelope SYSTEM "http://127.0.0.1:9/evil.dtd">')),
        "s:Client",
        DTD_PROHIBITED,
    ),
    Case(
        "xxe-external-dtd-public",
        500,
        utf8(envelope(prolog='<!DOCTYPE soapenv:Envelope PUBLIC "-//EVIL//DTD X//EN" "file:///etc/passwd">')),
        "s:Client",
        DTD_PROHIBITED,
    ),
    Case(
        "billion-laughs",
        500,
        utf8(envelope(CI + CS + "<req:Token>&lol9;</req:Token>", prolog=_LAUGHS)),
        "s:Client",
        "amplification",
    ),
    Case(
        "quadratic-blowup",
        500,
        utf8(envelope(CI + CS + "<req:Token>" + "&a;" * 10_000 + "</req:Token>", prolog=_QUADRATIC)),
        "s:Client",
        "amplification",
    ),
    Case(
        "entity-in-attribute",
        500,
        utf8(envelope(attrs=' x="&xxe;"', prolog=_XXE_FILE)),
        "s:Client",
    ),
    Case(
        "dtd-element-declaration-only",
        500,
        utf8(envelope(prolog="<!DOCTYPE soapenv:Envelope [<!ELEMENT a ANY>]>")),
        "s:Client",
        DTD_PROHIBITED,
    ),
    Case("doctype-html", 500, utf8(envelope(prolog="<!DOCTYPE html>")), "s:Client", DTD_PROHIBITED),
    Case(
        "undeclared-entity",
        500,
        utf8(envelope(CI + CS + "<req:Token>&xxe;</req:Token>")),
        "s:Client",
        "not well-formed",
    ),
    Case(
        "xinclude-is-not-processed",
        500,
        utf8(
            envelope(
                CI
                + CS
                + '<req:Token><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/></req:Token>'
            )
        ),
        "a:DeserializationFailed",
        "child elements",
    ),
    Case(
        "stylesheet-processing-instruction-ignored",
        200,
        utf8(
            envelope(
                prolog='<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="http://127.0.0.1:9/x.xsl"?>'
            )
        ),
        outcome="Ok",
    ),
]

# --- depth and size -----------------------------------------------------------------
_DEEP = 5_000
LIMIT = 65_536

SIZE_CASES = [
    Case(
        "deep-nesting-5000",
        500,
        utf8(envelope(CI + CS + "<req:Token>" + "<a>" * _DEEP + "</a>" * _DEEP + "</req:Token>")),
        "s:Client",
        "not well-formed",
    ),
    Case(
        "deep-nesting-unclosed-20000",
        500,
        utf8(envelope(CI + CS + "<req:Token>" + "<a>" * 20_000)),
        "s:Client",
        "not well-formed",
    ),
    Case(
        # 200 levels of unknown elements: within libxml2's depth limit, and skipped as unknown.
        "deep-unknown-elements-skipped",
        200,
        utf8(envelope("<x>" * 200 + "</x>" * 200 + CI + CS)),
        outcome="Fail",
        error_number=50632,
    ),
    Case(
        "content-length-over-limit", 413, b"<" * (LIMIT + 1), "s:Client", "exceeds the limit of 65536 bytes"
    ),
    Case(
        # The header alone decides: no body follows, and the answer must not wait for one.
        "content-length-huge-no-body",
        413,
        raw=_raw(_POST_HEAD + "Content-Length: 1000000000000\n\n"),
        fault="s:Client",
        says="exceeds the limit",
    ),
    Case(
        "exactly-at-limit-is-read",
        500,
        SAMPLE + b" " * (LIMIT - len(SAMPLE) - 1) + b"<",
        "s:Client",
        "not well-formed",
    ),
    Case("exactly-at-limit-valid", 200, SAMPLE + b" " * (LIMIT - len(SAMPLE)), outcome="Ok"),
    Case(
        "chunked-over-limit",
        413,
        raw=_raw(_POST_HEAD + "Transfer-Encoding: chunked\n\n", _chunked(b" " * (LIMIT + 4096) + SAMPLE)),
        fault="s:Client",
        says="exceeds the limit of 65536 bytes",
    ),
    Case(
        "chunked-exactly-at-limit",
        200,
        raw=_raw(
            _POST_HEAD + "Transfer-Encoding: chunked\n\n", _chunked(SAMPLE + b" " * (LIMIT - len(SAMPLE)))
        ),
        outcome="Ok",
    ),
    Case(
        "chunked-valid",
        200,
        raw=_raw(_POST_HEAD + "Transfer-Encoding: chunked\n\n", _chunked(SAMPLE, 100)),
        outcome="Ok",
    ),
    Case(
        "chunked-bad-chunk-size",
        400,
        raw=_raw(_POST_HEAD + "Transfer-Encoding: chunked\n\n", b"zz\r\n" + SAMPLE + b"\r\n0\r\n\r\n"),
        fault="s:Client",
        says="incomplete",
    ),
    Case(
        "chunked-missing-terminator",
        400,
        raw=_raw(
            _POST_HEAD + "Transfer-Encoding: chunked\n\n", f"{len(SAMPLE):x}\r\n".encode() + SAMPLE + b"XX"
        ),
        fault="s:Client",
        says="incomplete",
        half_close=True,
    ),
    Case(
        "no-content-length",
        411,
        SAMPLE,
        "s:Client",
        "Content-Length header is required",
        content_length=False,
        half_close=True,
    ),
    Case(
        "content-length-longer-than-body",
        400,
        raw=_raw(_POST_HEAD + f"Content-Length: {len(SAMPLE) + 500}\n\n", SAMPLE),
        fault="s:Client",
        says="incomplete",
        half_close=True,
    ),
    Case(
        "content-length-shorter-than-body",
        500,
        raw=_raw(_POST_HEAD + f"Content-Length: {len(SAMPLE) - 40}\n\n", SAMPLE),
        fault="s:Client",
        says="not well-formed",
    ),
    Case(
        "content-length-not-a-number",
        500,
        raw=_raw(_POST_HEAD + "Content-Length: abc\n\n", SAMPLE),
        fault="s:Client",
        says="empty",
    ),
    Case(
        "content-length-negative",
        500,
        raw=_raw(_POST_HEAD + "Content-Length: -5\n\n", SAMPLE),
        fault="s:Client",
        says="empty",
    ),
    Case("empty-body", 500, b"", "s:Client", "empty"),
    Case("whitespace-body", 500, b" \r\n\t " * 100, "s:Client", "empty"),
    Case(
        "huge-token-value",
        200,
        utf8(envelope(CI + CS + "<req:Token>" + "A" * 60_000 + "</req:Token>")),
        outcome="Fail",
        error_number=50632,
    ),
    Case(
        "huge-client-secret",
        200,
        utf8(envelope(CI + "<req:ClientSecret>" + "s" * 60_000 + "</req:ClientSecret>" + TK)),
        outcome="Fail",
        error_number=50630,
    ),
    Case(
        "huge-request-id",
        500,
        utf8(envelope("<req:RequestId>" + "9" * 60_000 + "</req:RequestId>" + SAMPLE_FIELDS)),
        "a:DeserializationFailed",
        "Int32",
    ),
    Case(
        "many-unknown-siblings",
        200,
        utf8(envelope("<req:Junk/>" * 5_000 + SAMPLE_FIELDS)),
        outcome="Ok",
    ),
    Case(
        "many-attributes",
        200,
        utf8(
            envelope(
                CI
                + CS
                + "<req:Token "
                + " ".join(f'a{i}="x"' for i in range(6_000))
                + f">{SAMPLE_TOKEN}</req:Token>"
            )
        ),
        outcome="Ok",
    ),
    Case(
        "many-namespace-declarations",
        200,
        utf8(envelope(attrs="".join(f' xmlns:n{i}="urn:{i}"' for i in range(2_500)))),
        outcome="Ok",
    ),
    Case(
        "duplicate-attribute",
        500,
        utf8(envelope(CI + CS + f'<req:Token a="1" a="2">{SAMPLE_TOKEN}</req:Token>')),
        "s:Client",
        "not well-formed",
    ),
]

# --- encodings and characters -------------------------------------------------------
ENCODING_CASES = [
    Case(
        "invalid-utf8",
        500,
        SAMPLE.replace(SAMPLE_TOKEN.encode(), b"\xff\xfe\xfa" + SAMPLE_TOKEN.encode()),
        "s:Client",
        "not well-formed",
    ),
    Case(
        "overlong-utf8",
        500,
        SAMPLE.replace(b"<req:Token>", b"<req:Token>\xc0\xaf"),
        "s:Client",
        "not well-formed",
    ),
    Case(
        "utf8-surrogate-half",
        500,
        SAMPLE.replace(b"<req:Token>", b"<req:Token>\xed\xa0\x80"),
        "s:Client",
        "not well-formed",
    ),
    Case(
        "truncated-utf8-sequence",
        500,
        SAMPLE.replace(b"<req:Token>", b"<req:Token>\xe2\x82"),
        "s:Client",
        "not well-formed",
    ),
    Case("declared-utf16-sent-utf8", 500, b'<?xml version="1.0" encoding="UTF-16"?>' + SAMPLE, "s:Client"),
    Case(
        "declared-unknown-encoding",
        500,
        b'<?xml version="1.0" encoding="x-no-such-charset"?>' + SAMPLE,
        "s:Client",
    ),
    Case(
        "declared-latin1-with-high-bytes",
        200,
        b'<?xml version="1.0" encoding="ISO-8859-1"?>'
        + SAMPLE.replace(b"</req:Token>", b"</req:Token><req:Junk>\xe9\xff</req:Junk>"),
        outcome="Ok",
    ),
    Case(
        "utf16-with-bom",
        200,
        b'<?xml version="1.0" encoding="UTF-16"?>'.decode().encode("utf-16")
        + envelope().encode("utf-16")[2:],
        outcome="Ok",
    ),
    Case("utf8-bom", 200, b"\xef\xbb\xbf" + SAMPLE, outcome="Ok"),
    Case("nul-byte", 500, SAMPLE.replace(b"<req:Token>", b"<req:Token>\x00"), "s:Client", "not well-formed"),
    Case(
        "control-character-raw",
        500,
        SAMPLE.replace(b"<req:Token>", b"<req:Token>\x01\x1b"),
        "s:Client",
        "not well-formed",
    ),
    Case(
        "control-character-reference",
        500,
        SAMPLE.replace(b"<req:Token>", b"<req:Token>&#x1;"),
        "s:Client",
        "not well-formed",
    ),
    Case(
        "nul-character-reference",
        500,
        SAMPLE.replace(b"<req:Token>", b"<req:Token>&#0;"),
        "s:Client",
        "not well-formed",
    ),
    Case(
        "control-characters-in-soapaction-header",
        500,
        SAMPLE,
        "a:ActionNotSupported",
        "cannot be processed",
        headers=(TEXT_XML, ("SOAPAction", '"urn:evil\x01\x02\x1b[31m"')),
    ),
    Case(
        "control-characters-in-content-type",
        415,
        SAMPLE,
        "s:Client",
        "content type",
        headers=(("Content-Type", "application/x-evil\x01\x7f"), action()),
    ),
    Case(
        "markup-in-soapaction-header",
        500,
        SAMPLE,
        "a:ActionNotSupported",
        "cannot be processed",
        headers=(TEXT_XML, ("SOAPAction", '"</faultstring><injected>&amp;"')),
    ),
    Case(
        "non-ascii-soapaction-header",
        500,
        SAMPLE,
        "a:ActionNotSupported",
        "cannot be processed",
        headers=(TEXT_XML, ("SOAPAction", '"urn:\u00e9\u00ff"')),
    ),
    Case("comment-splits-token", 200, SAMPLE.replace(b"E2BgYJ", b"E2Bg<!-- x -->YJ"), outcome="Ok"),
    Case(
        "cdata-token",
        200,
        SAMPLE.replace(SAMPLE_TOKEN.encode(), b"<![CDATA[" + SAMPLE_TOKEN.encode() + b"]]>"),
        outcome="Ok",
    ),
]

# --- SOAP shape -----------------------------------------------------------------------
_SOAP12 = SAMPLE.replace(ENV.encode(), SOAP12.encode())

SHAPE_CASES = [
    Case("soap12-envelope-as-text-xml", 500, _SOAP12, "s:Client", "SOAP 1.2"),
    Case(
        "soap12-envelope-with-soap12-content-type",
        415,
        _SOAP12,
        "s:Client",
        "content type",
        headers=(("Content-Type", f'application/soap+xml; charset=utf-8; action="{ACTION}{REVOKE}"'),),
    ),
    Case("not-an-envelope", 500, b"<hello>world</hello>", "s:Client", "Expected a SOAP 1.1 Envelope"),
    Case(
        "envelope-without-body",
        500,
        f'<s:Envelope xmlns:s="{ENV}"><s:Header/></s:Envelope>'.encode(),
        "s:Client",
        "no Body",
    ),
    Case(
        "empty-body-element",
        500,
        f'<s:Envelope xmlns:s="{ENV}"><s:Body/></s:Envelope>'.encode(),
        "s:Client",
        "no Body",
    ),
    Case("trailing-garbage", 500, SAMPLE + b"<more/>", "s:Client", "not well-formed"),
    Case("truncated-xml", 500, SAMPLE[:-30], "s:Client", "not well-formed"),
    Case("not-xml-at-all", 500, b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "s:Client", "not well-formed"),
    Case("json-body-as-text-xml", 500, b'{"Token": "x"}', "s:Client", "not well-formed"),
    Case(
        "unknown-soapaction",
        500,
        SAMPLE,
        "a:ActionNotSupported",
        "urn:nothing",
        headers=(TEXT_XML, ("SOAPAction", '"urn:nothing"')),
    ),
    Case(
        "vendor-operation-not-implemented",
        500,
        SAMPLE,
        "s:Client",
        "does not implement operation 'PwsAuthenticate'",
        headers=(TEXT_XML, action("PwsAuthenticate")),
    ),
    Case(
        "soapaction-disagrees-with-body",
        500,
        SAMPLE,
        "a:DeserializationFailed",
        "Expected to find",
        headers=(TEXT_XML, action(ACQUIRE)),
    ),
    Case(
        "no-soapaction-vendor-body-element",
        500,
        utf8(envelope(operation="PwsAuthenticate")),
        "a:ActionNotSupported",
        headers=(TEXT_XML,),
    ),
    Case(
        "no-soapaction-unknown-body-element",
        500,
        utf8(envelope(operation="PwsNoSuchOperation")),
        "a:ActionNotSupported",
        headers=(TEXT_XML,),
    ),
    Case(
        "soapaction-unknown-operation-in-vendor-namespace",
        500,
        SAMPLE,
        "a:ActionNotSupported",
        headers=(TEXT_XML, action("PwsNoSuchOperation")),
    ),
    Case(
        "soapaction-huge",
        500,
        SAMPLE,
        "a:ActionNotSupported",
        "cannot be processed",
        headers=(TEXT_XML, ("SOAPAction", '"urn:' + "x" * 8_000 + '"')),
    ),
    Case(
        "operation-in-wrong-namespace",
        500,
        SAMPLE.replace(f'xmlns:pws="{SVC}"'.encode(), b'xmlns:pws="http://projectorpsa.com/Evil/"'),
        "a:DeserializationFailed",
        "Expected to find",
    ),
    Case(
        "fields-in-wrong-namespace",
        200,
        SAMPLE.replace(
            f'xmlns:req="{REQ}"'.encode(), b'xmlns:req="http://projectorpsa.com/DataContracts/Evil/"'
        ),
        outcome="Fail",
        error_number=50632,
    ),
    Case("fields-out-of-order", 200, utf8(envelope(TK + CS + CI)), outcome="Fail", error_number=50632),
    Case(
        "field-duplicated-first-wins",
        200,
        utf8(envelope(CI + CS + TK + "<req:Token>not a token!</req:Token>")),
        outcome="Ok",
    ),
    Case(
        "service-request-duplicated",
        200,
        utf8(envelope(SAMPLE_FIELDS + "</pws:serviceRequest><pws:serviceRequest>" + CI)),
        outcome="Ok",
    ),
    Case(
        "service-request-nil",
        200,
        SAMPLE.replace(b"<pws:serviceRequest>", b'<pws:serviceRequest i:nil="true">'),
        outcome="Fail",
        error_number=50632,
    ),
    Case(
        "field-with-child-elements",
        500,
        utf8(envelope(CI + CS + "<req:Token><b>x</b></req:Token>")),
        "a:DeserializationFailed",
        "child elements",
    ),
    Case(
        "request-id-not-a-number",
        500,
        utf8(envelope("<req:RequestId>12abc</req:RequestId>" + SAMPLE_FIELDS)),
        "a:DeserializationFailed",
        "Int32",
    ),
    Case(
        "request-id-overflows-int32",
        500,
        utf8(envelope("<req:RequestId>2147483648</req:RequestId>" + SAMPLE_FIELDS)),
        "a:DeserializationFailed",
        "Int32",
    ),
    Case(
        "unbound-prefix",
        500,
        SAMPLE.replace(b"<req:Token>", b"<nope:Token>").replace(b"</req:Token>", b"</nope:Token>"),
        "s:Client",
        "not well-formed",
    ),
]

# --- HTTP: content types, methods, paths ----------------------------------------------
HTTP_CASES = [
    Case(
        "content-type-json",
        415,
        SAMPLE,
        "s:Client",
        "content type",
        headers=(("Content-Type", "application/json"), action()),
    ),
    Case("content-type-missing", 415, SAMPLE, "s:Client", "(none)", headers=(action(),)),
    Case(
        "content-type-form",
        415,
        b"Token=x",
        "s:Client",
        "content type",
        headers=(("Content-Type", "application/x-www-form-urlencoded"), action()),
    ),
    Case(
        "content-type-multipart",
        415,
        b'--b\r\nContent-Disposition: form-data; name="f"\r\n\r\nx\r\n--b--\r\n',
        "s:Client",
        "content type",
        headers=(("Content-Type", "multipart/form-data; boundary=b"), action()),
    ),
    Case(
        "content-type-upper-case",
        200,
        SAMPLE,
        outcome="Ok",
        headers=(("Content-Type", "TEXT/XML; CHARSET=UTF-8"), action()),
    ),
    Case(
        "content-type-other-charset-ignored",
        200,
        SAMPLE,
        outcome="Ok",
        headers=(("Content-Type", "text/xml; charset=iso-8859-1"), action()),
    ),
    Case("put-on-endpoint", 405, SAMPLE, "s:Client", "Method PUT is not allowed", method="PUT"),
    Case("delete-on-endpoint", 405, b"", "s:Client", "Method DELETE is not allowed", method="DELETE"),
    Case("patch-on-endpoint", 405, SAMPLE, "s:Client", "Method PATCH is not allowed", method="PATCH"),
    Case("options-on-endpoint", 405, b"", "s:Client", "Method OPTIONS is not allowed", method="OPTIONS"),
    Case("unknown-method", 405, b"", "s:Client", "Method BREW is not allowed", method="BREW"),
    Case(
        "get-on-endpoint-is-help-page",
        200,
        says="PwsProjectorServices",
        method="GET",
        content_length=False,
        headers=(),
    ),
    Case(
        "get-xsd-traversal",
        404,
        says="Not found: the schema documents are ?xsd=xsd0",
        method="GET",
        path=PATH + "?xsd=../../../../etc/passwd",
        content_length=False,
        headers=(),
    ),
    Case(
        "path-traversal",
        404,
        says="Not found",
        method="GET",
        path="/../../etc/passwd",
        content_length=False,
        headers=(),
    ),
    Case("post-elsewhere", 404, SAMPLE, says="Not found", path="/OpsProjectorWcfSvc/Other.svc"),
    # http.server answers these itself, HTTP/0.9 style (no status line): an HTML page, code 400.
    Case(
        "tls-handshake-on-plain-http",
        0,
        raw=b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 GARBAGE\r\n\r\n",
        says="Error code: 400",
    ),
    Case("http-0.9-style", 0, raw=b"POST\r\n\r\n", says="Error code: 400"),
    Case("request-line-with-extra-word", 0, raw=b"POST / HTTP/1.1 extra\r\n\r\n", says="Error code: 400"),
    Case(
        "unsupported-http-version",
        0,
        raw=_raw(_POST_HEAD.replace("HTTP/1.1", "HTTP/2.0", 1) + "Content-Length: 0\n\n"),
        says="Error code: 505",
    ),
    Case(
        "header-line-too-long",
        431,
        raw=_raw(_POST_HEAD + "X-Long: " + "a" * 70_000 + "\nContent-Length: 0\n\n"),
        says="Line too long",
    ),
    Case(
        "too-many-headers",
        431,
        raw=_raw(_POST_HEAD + "".join(f"X-H{i}: v\n" for i in range(150)) + "Content-Length: 0\n\n"),
        says="Too many headers",
    ),
]

CASES: list[Case] = ENTITY_CASES + SIZE_CASES + ENCODING_CASES + SHAPE_CASES + HTTP_CASES
