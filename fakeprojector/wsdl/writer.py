"""Writing answers as WCF's DataContractSerializer does, from the model [wcf].

The same namespace rules as the spyne-driven writer (:mod:`fakeprojector.soap.wire`), so a
vendor type and its OAuth twin come out byte for byte alike (a test proves it):

* ``xmlns:a`` for the result type's contract namespace and ``xmlns:i`` on ``<Op>Result``;
* a member whose namespace has no prefix in scope gets its own default ``xmlns="..."``;
* a complex value whose contract namespace is new declares a fresh prefix (``b``, ``c``,
  ... never ``i``) on its element; arrays declare the array type's namespace;
* ``i:nil="true"`` for nulls, empty elements self-closed ``<x/>``, text escaped as WCF does.

Values are plain Python: a mapping of member local names for a complex value, a list for
an array, ``None`` for nil, scalars for simple values (see :func:`text`). A member missing
from a mapping is written in its *minimal* form (:mod:`fakeprojector.wsdl.answers` explains
which), so a stub that gives three members still answers with every member WCF would write.

Per operation, a plan is made once, on first use: a tree of small writer functions whose
tags, namespace declarations and minimal forms are worked out ahead; a call only looks at
the values. Plans are built lazily member by member, so recursive types cost nothing until
a value actually nests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Final

from fakeprojector import xmltext
from fakeprojector.contract import NS_SOAP_ENV, NS_XSI
from fakeprojector.wsdl.contract import Contract
from fakeprojector.wsdl.model import ComplexType, ContractError, Member, Operation, SimpleType
from fakeprojector.wsdl.values import default_text, text

Writer = Callable[[list[str], Any], None]

#: Held while a struct's minimal form is first worked out (once per plan, then cached).
_EXPANDING = threading.RLock()


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


#: A member not given: written in its minimal form.
MISSING: Final = _Missing()

# --- plans --------------------------------------------------------------------------------
Scope = tuple[str | None, tuple[tuple[str, str], ...]]


def member_writer(contract: Contract, member: Member, scope: Scope, root: bool = False) -> Writer:
    """The writer of ``member``'s element in namespace ``scope`` (default ns, prefixes); cached."""
    key = ("write", member, scope, root)
    found = contract.plans.get(key)
    if found is None:
        found = contract.plans[key] = _build(contract, member, scope, root)
    return found


def _build(contract: Contract, member: Member, scope: Scope, root: bool) -> Writer:
    default, prefix_items = scope
    prefixes = dict(prefix_items)
    name, ns = member.name, member.namespace
    decl = ""
    if ns in prefixes:
        qname = f"{prefixes[ns]}:{name}"
    elif ns == default:
        qname = name
    else:
        qname, decl, default = name, f' xmlns="{ns}"', ns
    nil = f'<{qname}{decl} i:nil="true"/>'
    typ = contract.types.get(member.type)
    if typ is None:  # pragma: no cover - the loader checks every reference
        raise ContractError(f"{member.name}: type {member.type} is not defined")

    if isinstance(typ, SimpleType):
        open_tag, close_tag, empty = f"<{qname}{decl}>", f"</{qname}>", f"<{qname}{decl}/>"
        minimal_text = default_text(typ)
        minimal = (
            nil if member.nillable else (f"{open_tag}{minimal_text}{close_tag}" if minimal_text else empty)
        )

        def write_simple(out: list[str], value: Any) -> None:
            if value is MISSING:
                out.append(minimal)
            elif value is None:
                out.append(nil)
            else:
                body = text(value)
                out.append(f"{open_tag}{body}{close_tag}" if body else empty)

        return write_simple

    item = typ.array_item
    type_ns = typ.name[0]
    if type_ns not in prefixes and type_ns != default:
        prefix = xmltext.next_prefix(set(prefixes.values()))
        prefixes = {**prefixes, type_ns: prefix}
        decl += f' xmlns:{prefix}="{type_ns}"'
    if root:
        decl += f' xmlns:i="{NS_XSI}"'
        prefixes = {**prefixes, NS_XSI: "i"}
    inner: Scope = (default, tuple(sorted(prefixes.items())))
    open_tag, close_tag, empty = f"<{qname}{decl}>", f"</{qname}>", f"<{qname}{decl}/>"
    return _complex_writer(contract, member, typ, item, inner, (open_tag, close_tag, empty, nil))


def _complex_writer(
    contract: Contract,
    member: Member,
    typ: ComplexType,
    item: Member | None,
    inner: Scope,
    tags: tuple[str, str, str, str],
) -> Writer:
    open_tag, close_tag, empty, nil = tags
    state: dict[str, Any] = {}  # "parts" / "item": built on first use; "minimal": cached text

    def parts() -> tuple[tuple[str, Writer], ...]:
        built = state.get("parts")
        if built is None:
            built = state["parts"] = tuple((m.name, member_writer(contract, m, inner)) for m in typ.members)
        return built

    def write_members(out: list[str], value: Mapping[str, Any]) -> None:
        for member_name, write_member in parts():
            write_member(out, value.get(member_name, MISSING))

    def write_items(out: list[str], value: Any) -> None:
        write_item = state.get("item")
        if write_item is None:
            assert item is not None  # noqa: S101 - only called for arrays
            write_item = state["item"] = member_writer(contract, item, inner)
        for entry in value:
            write_item(out, entry)

    children = write_items if item is not None else write_members

    def write_value(out: list[str], value: Any) -> None:
        start = len(out)
        children(out, value)
        if len(out) == start:
            out.append(empty)
        else:
            out.insert(start, open_tag)
            out.append(close_tag)

    def minimal() -> str:
        """Nil when nillable (arrays: empty); else expanded with every member minimal."""
        cached: str | None = state.get("minimal")
        if cached is not None:
            return cached
        if item is not None:
            cached = empty
        elif member.nillable:
            cached = nil
        else:
            with _EXPANDING:  # one thread expands at a time, so the loop guard below is its own
                if state.get("minimal") is not None:  # another thread got here first
                    return str(state["minimal"])
                if state.get("expanding"):
                    # Only a schema whose structs contain themselves gets here (.NET forbids it).
                    if member.required:
                        raise ContractError(
                            f"{typ.source}: xs:complexType '{typ.name[1]}': required non-nillable member "
                            f"'{member.name}' contains itself; no finite answer exists"
                        )
                    return ""
                state["expanding"] = True
                try:
                    out: list[str] = []
                    write_value(out, {})
                    cached = "".join(out)
                finally:
                    state["expanding"] = False
        state["minimal"] = cached
        return cached

    def write_complex(out: list[str], value: Any) -> None:
        if value is MISSING:
            out.append(minimal())
        elif value is None:
            out.append(nil)
        else:
            write_value(out, value)

    return write_complex


# --- envelopes ----------------------------------------------------------------------------
_ENV_OPEN: Final = f'<s:Envelope xmlns:s="{NS_SOAP_ENV}"><s:Body>'
_ENV_CLOSE: Final = "</s:Body></s:Envelope>"


def _result_plan(contract: Contract, operation: Operation) -> tuple[str, Writer, str]:
    key = ("result", operation.name)
    plan = contract.plans.get(key)
    if plan is None:
        wrapper_ns, wrapper_name = operation.output
        write = member_writer(contract, operation.result, (wrapper_ns, ((NS_SOAP_ENV, "s"),)), root=True)
        plan = contract.plans[key] = (
            f'{_ENV_OPEN}<{wrapper_name} xmlns="{wrapper_ns}">',
            write,
            f"</{wrapper_name}>{_ENV_CLOSE}",
        )
    return plan


def write_response(contract: Contract, operation: Operation, result: Mapping[str, Any] | None) -> bytes:
    """The whole SOAP envelope answering ``operation`` with ``result`` (``None``: a nil result).

    Members missing from ``result`` (at any depth) are written in their minimal form.
    """
    head, write, tail = _result_plan(contract, operation)
    out = [head]
    write(out, result)
    out.append(tail)
    return "".join(out).encode("utf-8")
