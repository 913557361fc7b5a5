"""Reading any operation's request as WCF's DataContractSerializer does [wcf].

Within the parameter element (``serviceRequest``, or ``rq`` for ``PwsSubmitTimeCards``) and
every complex value below it:

* members are taken in schema order; an element that is unknown, in the wrong namespace,
  out of order or a repeat is skipped (the member counts as absent) [wcf], and *reported*
  in :attr:`Request.skipped`, so a client bug is visible instead of silently ignored;
* a required member (``minOccurs="1"``, WCF's ``IsRequired``) that is absent fails the call
  with WCF's "Expecting element" text, raised where WCF raises it: on reaching the next
  member after it, or the end of its parent;
* ``i:nil`` reads as ``None``; values become Python values (``int``, ``Decimal``, ``float``,
  ``bool``, ``bytes``, ``str``); one that cannot be parsed fails with WCF's text.

The errors carry the ``{detail}`` of :data:`fakeprojector.errors.DESERIALIZATION_FAILED`.
A repeat counts once, the first time [choice: as the OAuth operations].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from lxml import etree

from fakeprojector import errors, xmltext
from fakeprojector.wsdl.contract import Contract
from fakeprojector.wsdl.model import ComplexType, Member, Operation, SimpleType
from fakeprojector.wsdl.values import PARSERS, WS, BadValue, parse_string

WRONG_NAMESPACE: Final = "wrong namespace"
OUT_OF_ORDER: Final = "out of order"
UNKNOWN: Final = "unknown"
DUPLICATE: Final = "duplicate"


class ReadError(ValueError):
    """A request WCF would refuse; ``detail`` fills DESERIALIZATION_FAILED's ``{detail}``."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class Skipped:
    """An element WCF skips without a word; reported here so tests can see it."""

    #: Dotted path of the element that holds it, from the parameter (``serviceRequest.Items[0]``).
    path: str
    name: str
    namespace: str
    #: The namespace the member of that name lives in, when the name is known.
    expected_namespace: str | None
    #: ``wrong namespace``, ``out of order``, ``unknown`` or ``duplicate``.
    reason: str


@dataclass(frozen=True)
class Request:
    """What a request carried, read under WCF's rules."""

    #: Members by local name (nested dicts, lists for arrays, ``None`` for nil); absent
    #: members are absent keys. ``None`` when the parameter itself is absent or nil.
    values: dict[str, Any] | None
    skipped: tuple[Skipped, ...] = ()

    @property
    def request_id(self) -> int | None:
        value = (self.values or {}).get("RequestId")
        return value if isinstance(value, int) else None

    @property
    def session_ticket(self) -> str | None:
        value = (self.values or {}).get("SessionTicket")
        return value if isinstance(value, str) else None


# --- the walk ----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Plan:
    members: tuple[Member, ...]
    index: dict[tuple[str, str], int]
    by_name: dict[str, str]
    #: For each position, the index of the first required member at or after it (or None).
    next_required: tuple[int | None, ...]


def _plan(contract: Contract, typ: ComplexType) -> _Plan:
    key = ("read", typ.name)
    plan: _Plan | None = contract.plans.get(key)
    if plan is None:
        members = typ.members
        next_required: list[int | None] = [None] * (len(members) + 1)
        for i in range(len(members) - 1, -1, -1):
            next_required[i] = i if members[i].required else next_required[i + 1]
        plan = contract.plans[key] = _Plan(
            members,
            {(m.namespace, m.name): i for i, m in enumerate(members)},
            {m.name: m.namespace for m in members},
            tuple(next_required),
        )
    return plan


def _split(tag: str) -> tuple[str, str]:
    if tag[0] == "{":
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


class _Reader:
    def __init__(self, contract: Contract, operation: Operation) -> None:
        self.contract = contract
        self.parameter = operation.parameter
        self.skipped: list[Skipped] = []

    def fail(self, template: str, **params: str) -> ReadError:
        return ReadError(
            template.format(namespace=self.parameter.namespace, parameter=self.parameter.name, **params)
        )

    def member(self, el: etree._Element, member: Member, path: str) -> Any:
        if xmltext.is_nil(el):
            return None
        typ = self.contract.types[member.type]
        if isinstance(typ, SimpleType):
            return self.simple(el, member, typ)
        item = typ.array_item
        if item is not None:
            return self.array(el, item, path)
        return self.complex(el, typ, path)

    def simple(self, el: etree._Element, member: Member, typ: SimpleType) -> Any:
        if len(el):
            raise self.fail(errors.READ_CHILD_ELEMENTS, name=member.name, clr_type=typ.clr_name)
        text = el.text or ""
        if typ.enumeration:
            value = text.strip(WS)
            if value not in typ.enumeration:
                inner = errors.READ_BAD_ENUM.format(text=text[:64], type_name=typ.name[1])
                raise self.fail(errors.READ_INNER, inner=inner)
            return value
        parse = PARSERS.get(typ.kind, parse_string)
        try:
            return parse(text)
        except BadValue:
            raise self.fail(
                errors.READ_BAD_VALUE, text=text.strip(WS)[:64], name=member.name, clr_type=typ.clr_name
            ) from None

    def array(self, el: etree._Element, item: Member, path: str) -> list[Any]:
        items: list[Any] = []
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            ns, name = _split(tag)
            if name == item.name and ns == item.namespace:
                items.append(self.member(child, item, f"{path}[{len(items)}]"))
            else:
                expected = item.namespace if name == item.name else None
                reason = WRONG_NAMESPACE if expected is not None else UNKNOWN
                self.skipped.append(Skipped(path, name, ns, expected, reason))
        return items

    def complex(self, el: etree._Element, typ: ComplexType, path: str) -> dict[str, Any]:
        plan = _plan(self.contract, typ)
        members, index = plan.members, plan.index
        out: dict[str, Any] = {}
        read: set[int] = set()
        position = 0
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            ns, name = _split(tag)
            i = index.get((ns, name))
            if i is None or i < position:
                expected = plan.by_name.get(name)
                if i is not None:
                    reason = DUPLICATE if i in read else OUT_OF_ORDER
                else:
                    reason = WRONG_NAMESPACE if expected is not None else UNKNOWN
                self.skipped.append(Skipped(path, name, ns, expected, reason))
                continue
            pending = plan.next_required[position]
            if pending is not None and pending < i:
                raise self.expecting("Element", name, ns, members[position : pending + 1])
            position = i + 1
            read.add(i)
            out[name] = self.member(child, members[i], f"{path}.{name}")
        pending = plan.next_required[position]
        if pending is not None:
            local, ns = _split(el.tag)[1], _split(el.tag)[0]
            raise self.expecting("EndElement", local, ns, members[position : pending + 1])
        return out

    def expecting(self, node_type: str, local: str, ns: str, expected: tuple[Member, ...]) -> ReadError:
        inner = errors.READ_EXPECTING.format(
            node_type=node_type,
            local_name=local,
            namespace=ns,
            expected=" | ".join(m.name for m in expected),
        )
        return self.fail(errors.READ_INNER, inner=inner)


def read_request(contract: Contract, operation: Operation, wrapper: etree._Element) -> Request:
    """Read ``operation``'s parameter from its wrapper element (``<Op>`` inside ``Body``).

    Raises :class:`ReadError` for a value WCF cannot parse or a missing required member.
    The wrapper's own tag is not checked here (dispatch decides the operation).
    """
    reader = _Reader(contract, operation)
    parameter = operation.parameter
    wrapper_name = _split(wrapper.tag)[1] if isinstance(wrapper.tag, str) else ""
    found: etree._Element | None = None
    for child in wrapper:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        ns, name = _split(tag)
        if found is None and name == parameter.name and ns == parameter.namespace:
            found = child
            continue
        if name == parameter.name and ns == parameter.namespace:
            reason, expected = DUPLICATE, ns
        elif name == parameter.name:
            reason, expected = WRONG_NAMESPACE, parameter.namespace
        else:
            reason, expected = UNKNOWN, None
        reader.skipped.append(Skipped(wrapper_name, name, ns, expected, reason))
    if found is None:
        return Request(None, tuple(reader.skipped))
    value = reader.member(found, parameter, parameter.name)
    if value is not None and not isinstance(value, dict):
        value = {parameter.name: value}  # a simple parameter: keep the result a mapping
    return Request(value, tuple(reader.skipped))
