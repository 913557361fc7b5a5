"""Reading requests and writing answers the way WCF does, driven by the spyne models.

spyne's own XML protocol differs from WCF in ways a client notices (null members omitted,
no ``Z`` on timestamps, strict or sloppy validation), so the bytes are made here, from the
spyne classes' field lists:

* reading [wcf]: a hardened parser (no DTDs, entities or network); within
  ``serviceRequest`` the DataContractSerializer rules: fields are taken in schema order,
  an unknown, wrongly namespaced or out-of-order element is skipped (the field counts as
  absent), and a field sent twice counts once, the first time [choice];
* writing [wcf]: ``xmlns:a`` for the result's contract namespace and ``xmlns:i`` on the
  result, base-type members with their own default ``xmlns``, a fresh prefix (``b``) where
  a member's contract namespace is new, ``i:nil="true"`` for nulls, empty elements closed.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from lxml import etree
from spyne.model import ComplexModelBase
from spyne.model.complex import Array
from spyne.model.primitive import Integer

from fakeprojector import errors, xmltext
from fakeprojector.contract import NS_SERVICE, NS_SOAP12_ENV, NS_SOAP_ENV, NS_XSI, REQUEST_PARAM
from fakeprojector.journal import SkippedElement

_is_nil = xmltext.is_nil

_ENVELOPE = f"{{{NS_SOAP_ENV}}}Envelope"
_BODY = f"{{{NS_SOAP_ENV}}}Body"
_PARAM = f"{{{NS_SERVICE}}}{REQUEST_PARAM}"


class WireError(Exception):
    """A request the wire layer refuses: rendered as a SOAP Fault (HTTP ``status``)."""

    def __init__(self, entry: errors.FaultEntry, status: int = 500, **params: str) -> None:
        super().__init__(entry.render(**params))
        self.entry, self.status, self.params = entry, status, params


_parser = xmltext.hardened_parser


_LOCAL = threading.local()  # lxml parsers are not thread-safe: one per thread


def parse_envelope(body: bytes) -> etree._Element:
    """The SOAP 1.1 ``Envelope`` of ``body``; any other document is a Client fault."""
    if not body.strip():
        raise WireError(errors.CLIENT_MALFORMED, detail="The request body is empty.")
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = _parser()
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise WireError(
            errors.CLIENT_MALFORMED, detail=f"The request is not well-formed XML: {exc.msg}"
        ) from None
    except (ValueError, LookupError) as exc:
        raise WireError(errors.CLIENT_MALFORMED, detail=f"The request cannot be decoded: {exc}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise WireError(errors.CLIENT_MALFORMED, detail="DTD is prohibited in this XML document.")
    if root.tag != _ENVELOPE:
        if root.tag == f"{{{NS_SOAP12_ENV}}}Envelope":
            detail = "SOAP 1.2 envelopes are not accepted: the binding is SOAP 1.1 (basicHttpBinding)."
        else:
            detail = f"Expected a SOAP 1.1 Envelope, found {root.tag!r}."
        raise WireError(errors.CLIENT_MALFORMED, detail=detail)
    return root


def body_element(envelope: etree._Element) -> etree._Element:
    """The first element inside ``Body`` (the operation wrapper)."""
    for child in envelope:
        if child.tag == _BODY:
            for el in child:
                if isinstance(el.tag, str):
                    return el
            break
    raise WireError(errors.CLIENT_MALFORMED, detail="The SOAP Envelope has no Body element content.")


# --- reading ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Member:
    name: str
    ns: str
    type: Any
    nillable: bool
    kind: str  # "simple", "int", "complex", "array"


def _kind(t: Any) -> str:
    if isinstance(t, type) and issubclass(t, Array):
        return "array"
    if isinstance(t, type) and issubclass(t, ComplexModelBase):
        return "complex"
    if isinstance(t, type) and issubclass(t, Integer):
        return "int"
    return "simple"


@cache
def members(cls: Any) -> tuple[_Member, ...]:
    """Every member of a spyne class in WCF order: base type's first, each in its own ns."""
    parent = getattr(cls, "__extends__", None)
    inherited = members(parent) if parent is not None else ()
    own_names = list(cls._type_info.keys())
    if parent is not None:
        own_names = [n for n in own_names if n not in parent._type_info]
    ns = cls.get_namespace()
    own = tuple(
        _Member(
            n, ns, cls._type_info[n], bool(cls._type_info[n].Attributes.nillable), _kind(cls._type_info[n])
        )
        for n in own_names
    )
    return inherited + own


@cache
def _empty_state(cls: Any) -> dict[str, None]:
    return {name: None for name in cls.get_flat_type_info(cls)}


def instance(cls: Any, values: dict[str, Any]) -> Any:
    """A ``cls`` object with ``values`` set and every other member ``None``.

    What ``cls(**values)`` makes for our models (none declares a default), without spyne's
    per-member ``__init__`` walk, which costs more than the rest of a revoke [choice: speed].
    """
    obj = cls.__new__(cls)
    state = obj.__dict__
    state.update(_empty_state(cls))
    state.update(values)
    return obj


@cache
def _read_index(cls: Any) -> dict[tuple[str, str], int]:
    return {(m.ns, m.name): i for i, m in enumerate(members(cls))}


@cache
def _namespace_of(cls: Any) -> dict[str, str]:
    """Member name -> the namespace it belongs in (for a skipped element's ``expected_namespace``)."""
    return {m.name: m.ns for m in members(cls)}


def _split(tag: str) -> tuple[str, str]:
    if tag[0] == "{":
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _skip_wrapper_child(wrapper: etree._Element, el: etree._Element, skipped: list[SkippedElement]) -> None:
    """A child of the operation wrapper other than the first ``serviceRequest``."""
    ns, name = _split(el.tag)
    if name == REQUEST_PARAM and ns == NS_SERVICE:
        reason, expected = "duplicate", NS_SERVICE
    elif name == REQUEST_PARAM:
        reason, expected = "wrong namespace", NS_SERVICE
    else:
        reason, expected = "unknown", None
    skipped.append(SkippedElement(_split(wrapper.tag)[1], name, ns, expected, reason))


def _deserialization_error(detail: str) -> WireError:
    return WireError(errors.DESERIALIZATION_FAILED, detail=detail)


_INT32_TEXT = re.compile(r"[+-]?[0-9]{1,11}")


def _read_int(el: etree._Element, name: str) -> int | None:
    text = (el.text or "").strip(" \t\r\n")  # XML whitespace only, as XmlConvert.ToInt32
    # ASCII digits with an optional sign: Python's int() would also take "1_000" and non-ASCII digits.
    value = int(text) if _INT32_TEXT.fullmatch(text) else None
    if value is None or not -(2**31) <= value < 2**31 or len(el):
        raise _deserialization_error(
            f"There was an error while trying to deserialize parameter {NS_SERVICE}:{REQUEST_PARAM}. "
            f"The value '{text[:64]}' of element '{name}' cannot be parsed as the type 'Int32'."
        )
    return value


def read_request(
    wrapper: etree._Element, request_cls: Any, skipped: list[SkippedElement] | None = None
) -> dict[str, Any]:
    """The fields of ``serviceRequest`` under WCF's reading rules; absent ones are missing.

    Returns ``{field: value}`` with ``None`` for nil and ``""`` for an empty element. Every
    element WCF skips in silence (``wrong namespace``, ``out of order``, ``unknown``,
    ``duplicate``) is appended to ``skipped`` when given, for the journal: the answer
    stays WCF's, and the client's mistake becomes visible.
    """
    param = None
    for child in wrapper:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == _PARAM and param is None:
            param = child
            if skipped is None:
                break
        elif skipped is not None:
            _skip_wrapper_child(wrapper, child, skipped)
    if param is None or _is_nil(param):
        return {}
    plan = members(request_cls)
    index = _read_index(request_cls)
    out: dict[str, Any] = {}
    position = 0
    for el in param:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag[0] == "{":  # inline: this loop runs once per field of every call
            ns, _, name = tag[1:].partition("}")
        else:
            ns, name = "", tag
        i = index.get((ns, name))
        if i is None or i < position:
            # unknown, wrong namespace, out of order or repeated: WCF skips it
            if skipped is not None:
                expected = _namespace_of(request_cls).get(name)
                if i is not None:
                    reason = "duplicate" if name in out else "out of order"
                else:
                    reason = "wrong namespace" if expected is not None else "unknown"
                skipped.append(SkippedElement(REQUEST_PARAM, name, ns, expected, reason))
            continue
        position = i + 1
        member = plan[i]
        if _is_nil(el):
            out[name] = None
        elif member.kind == "int":
            out[name] = _read_int(el, name)
        elif len(el):
            raise _deserialization_error(
                f"There was an error while trying to deserialize parameter {NS_SERVICE}:{REQUEST_PARAM}. "
                f"Element '{name}' holds child elements where a string was expected."
            )
        else:
            out[name] = el.text or ""
    return out


# --- writing ------------------------------------------------------------------------
_NS_PER_S = 1_000_000_000


def format_wcf_datetime(ns: int) -> str:
    """A UTC instant as WCF's DataContractSerializer writes ``DateTime`` (Kind Utc) [wcf].

    ``yyyy-MM-ddTHH:mm:ss.FFFFFFFZ``: 100-nanosecond ticks, trailing zeros dropped, so
    up to seven fractional digits and none when the fraction is zero.
    """
    seconds, rest = divmod(ns, _NS_PER_S)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    fraction = f"{rest // 100:07d}".rstrip("0")
    return f"{stamp}.{fraction}Z" if fraction else f"{stamp}Z"


#: Characters XML 1.0 cannot carry at all, not even as character references. Requests
#: parsed from XML never hold them, but a fault can echo a header (SOAPAction,
#: Content-Type) that does: those become U+FFFD so the fault stays well-formed [choice].
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_REPLACEMENT = "\ufffd"


_escape = xmltext.escape


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _escape(str(value))


class _Scope:
    __slots__ = ("default", "prefixes")

    def __init__(self, default: str | None, prefixes: dict[str, str]) -> None:
        self.default, self.prefixes = default, prefixes

    def new_prefix(self) -> str:
        return xmltext.next_prefix(set(self.prefixes.values()))


Writer = Callable[[list[str], Any], None]


def _write(
    out: list[str], name: str, ns: str, kind: str, typ: Any, value: Any, scope: _Scope, root: bool = False
) -> None:
    """Append element ``name`` holding ``value`` (a member of kind ``kind``, type ``typ``) to ``out``."""
    _writer(name, ns, kind, typ, scope.default, tuple(sorted(scope.prefixes.items())), root)(out, value)


@cache
def _writer(
    name: str,
    ns: str,
    kind: str,
    typ: Any,
    default: str | None,
    prefixes: tuple[tuple[str, str], ...],
    root: bool,
) -> Writer:
    """The writer of one element in one namespace scope, made once per shape [choice: speed].

    Tags, namespace declarations and prefixes depend only on the types and the enclosing
    scope, never on the values, so they are worked out here once; the returned function
    only looks at the value (nil, text, members, items).
    """
    decl = ""
    scope = dict(prefixes)
    if ns in scope:
        qname = f"{scope[ns]}:{name}"
    elif ns == default:
        qname = name
    else:
        qname, decl, default = name, f' xmlns="{ns}"', ns
    nil = f'<{qname}{decl} i:nil="true"/>'
    if kind in ("simple", "int"):
        open_tag, close_tag, empty = f"<{qname}{decl}>", f"</{qname}>", f"<{qname}{decl}/>"

        def write_simple(out: list[str], value: Any) -> None:
            if value is None:
                out.append(nil)
                return
            text = _text(value)
            out.append(f"{open_tag}{text}{close_tag}" if text else empty)

        return write_simple
    type_ns = typ.get_namespace()
    if kind == "array":
        item_type = next(iter(typ._type_info.values()))
        type_ns = type_ns or item_type.get_namespace()
    if type_ns not in scope and type_ns != default:
        prefix = _Scope(default, scope).new_prefix()
        scope = {**scope, type_ns: prefix}
        decl += f' xmlns:{prefix}="{type_ns}"'
    if root:
        decl += f' xmlns:i="{NS_XSI}"'
        scope = {**scope, NS_XSI: "i"}
    inner = (default, tuple(sorted(scope.items())))
    open_tag, close_tag, empty = f"<{qname}{decl}>", f"</{qname}>", f"<{qname}{decl}/>"
    if kind == "array":
        item_name, item_type = next(iter(typ._type_info.items()))
        write_item = _writer(item_name, type_ns, "complex", item_type, *inner, False)

        def children(out: list[str], value: Any) -> None:
            for item in value:
                write_item(out, item)
    else:
        parts = tuple((m.name, _writer(m.name, m.ns, m.kind, m.type, *inner, False)) for m in members(typ))

        def children(out: list[str], value: Any) -> None:
            for member_name, write_member in parts:
                write_member(out, getattr(value, member_name, None))

    def write_complex(out: list[str], value: Any) -> None:
        if value is None:
            out.append(nil)
            return
        start = len(out)
        children(out, value)
        if len(out) == start:
            out.append(empty)
        else:
            out.insert(start, open_tag)
            out.append(close_tag)

    return write_complex


_ENV_OPEN = f'<s:Envelope xmlns:s="{NS_SOAP_ENV}"><s:Body>'
_ENV_CLOSE = "</s:Body></s:Envelope>"


def render_result(operation: str, result_cls: Any, result: Any) -> bytes:
    """The whole response envelope of a successful call or an in-band error [doc, wcf]."""
    open_tags, write, close_tags = _result_writer(operation, result_cls)
    out = [open_tags]
    write(out, result)
    out.append(close_tags)
    return "".join(out).encode("utf-8")


@cache
def _result_writer(operation: str, result_cls: Any) -> tuple[str, Writer, str]:
    """The envelope around ``<Op>Result`` and its writer, made once per operation."""
    write = _writer(
        f"{operation}Result", NS_SERVICE, "complex", result_cls, NS_SERVICE, ((NS_SOAP_ENV, "s"),), True
    )
    return (
        f'{_ENV_OPEN}<{operation}Response xmlns="{NS_SERVICE}">',
        write,
        f"</{operation}Response>{_ENV_CLOSE}",
    )


def render_fault(
    entry: errors.FaultEntry, params: dict[str, str], detail: tuple[Any, Any] | None = None
) -> bytes:
    """A SOAP 1.1 Fault as WCF writes it; ``detail`` is ``(spyne class, value)``."""
    if entry.code_ns:
        code = f'<faultcode xmlns:a="{entry.code_ns}">a:{entry.code}</faultcode>'
    else:
        code = f"<faultcode>s:{entry.code}</faultcode>"
    text = _escape(_NOT_XML_CHARS.sub(_REPLACEMENT, entry.render(**params)))
    out = [_ENV_OPEN, "<s:Fault>", code, f'<faultstring xml:lang="en-US">{text}</faultstring>']
    if detail is not None:
        cls, value = detail
        out.append("<detail>")
        _write(
            out,
            cls.get_type_name(),
            cls.get_namespace(),
            "complex",
            cls,
            value,
            _Scope(None, {NS_SOAP_ENV: "s"}),
            root=True,
        )
        out.append("</detail>")
    out.append("</s:Fault>")
    out.append(_ENV_CLOSE)
    return "".join(out).encode("utf-8")
