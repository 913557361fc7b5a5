"""Every operation of a loaded WSDL, answered at the wire beside spyne's two OAuth operations.

spyne serves only operations declared in Python; a contract loaded at run time is served
here, with the WSDL engine (:mod:`fakeprojector.wsdl`) and the same wire rules [wcf]: the
SOAPAction decides (strict unless ``lenient_soap_action``), the body must be the action's
wrapper, requests are read with the DataContract rules (skipped elements reported to the
journal), answers written as the DataContractSerializer writes them. The app decides an
injected fault between :meth:`ContractService.prepare` and :meth:`~ContractService.finish`,
as for the spyne endpoint. The rules stay in the core: :mod:`fakeprojector.sessions` for
tickets and sign-in, :mod:`fakeprojector.stubs` for what a test says an operation answers.

Not imported by ``fakeprojector`` itself: a fake without a WSDL starts no slower.
"""

from __future__ import annotations

import difflib
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakeprojector import errors, sessions
from fakeprojector.backend import FakeBackend
from fakeprojector.contract import AUTHENTICATE, STATUS_SESSION_INVALID, UNAUTHENTICATE
from fakeprojector.errors import OAuthError
from fakeprojector.faults import Fault
from fakeprojector.journal import SkippedElement, journal_fields
from fakeprojector.records import StubSpec
from fakeprojector.rules import OPERATIONS
from fakeprojector.soap import mapping, wire
from fakeprojector.soap.endpoint import SoapAnswer
from fakeprojector.soap.mapping import Udc
from fakeprojector.soap.metadata import ServiceMetadata
from fakeprojector.soap.protocol import wrong_body
from fakeprojector.wsdl import (
    ComplexType,
    Contract,
    Operation,
    ReadError,
    Request,
    StubError,
    load_contract,
    matches,
    pws_message,
    read_request,
    render_answer,
    validate_respond,
    validate_when,
)

STATUS_OK = "Ok"
STATUS_FAIL = "Fail"


@dataclass(frozen=True)
class PreparedStub:
    """A stub as the contract checked it: ``values`` normalised, ready for the writer."""

    values: dict[str, Any]
    status: str
    error_numbers: tuple[int, ...]


@dataclass
class Prepared:
    """A request of a loaded operation, parsed and read (``error``: the fault to answer
    instead, and then ``operation`` is ``None``, as for the spyne endpoint)."""

    operation: str | None
    op: Operation | None = None
    request: Request | None = None
    error: wire.WireError | None = None


class ContractService:
    """The operations of one loaded contract (all of them but the two OAuth operations, which
    spyne keeps answering), and the core's view of it (:class:`fakeprojector.stubs.LoadedContract`).

    Holds no state of a fake: every call gets the backend it acts on, so one loaded contract
    (cached per file, :func:`load_service`) serves any number of fakes.
    """

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.operations: dict[str, Operation] = {
            name: op for name, op in contract.operations.items() if name not in OPERATIONS
        }
        self._by_element = {op.input: op for op in self.operations.values()}
        names: set[str] = set()
        for op in self.operations.values():
            typ = contract.types.get(op.parameter.type)
            if isinstance(typ, ComplexType):
                names.update(m.name for m in typ.members)
        self._member_names = frozenset(names)
        self._metadata: ServiceMetadata | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<ContractService {self.contract!r}>"

    # --- the core's view ----------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.contract.path.name

    @property
    def operation_names(self) -> tuple[str, ...]:
        return tuple(self.operations)

    @property
    def member_names(self) -> frozenset[str]:
        return self._member_names

    def check_stub(self, spec: StubSpec) -> PreparedStub:
        """``spec`` against the contract: :class:`~fakeprojector.wsdl.StubError` (a
        ``ValueError``) names the operation, the dotted path and the type expected."""
        op = self.operations.get(spec.operation)
        if op is None:
            if spec.operation in OPERATIONS:
                raise StubError(
                    f"{spec.operation}: answered by fakeprojector's own OAuth rules; it cannot be stubbed"
                )
            close = difflib.get_close_matches(spec.operation, self.operations, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise StubError(f"{spec.operation}: not an operation of {self.name}{hint}")
        result_type = self.contract.complex_type(op.result.type)
        own = {m.name for m in result_type.members}
        base: dict[str, Any] = {}
        for member, value, default in (
            ("Status", spec.status, STATUS_OK),
            ("Messages", [_message(spec.operation, i, m) for i, m in enumerate(spec.messages)], []),
        ):
            if member in own:
                base[member] = value
            elif value != default:
                raise StubError(f"{spec.operation}: its result {result_type.name[1]} has no {member} member")
        values = validate_respond(self.contract, op, {**base, **spec.respond})
        validate_when(self.contract, op, spec.when)
        messages = values.get("Messages") or []
        numbers = tuple(m["ErrorNumber"] for m in messages if isinstance(m, Mapping) and "ErrorNumber" in m)
        return PreparedStub(values, str(values.get("Status", spec.status)), numbers)

    # --- metadata -----------------------------------------------------------------------
    def metadata(self, own: ServiceMetadata) -> ServiceMetadata:
        """The loaded contract's ``?wsdl``/``?xsd=xsdN``/``?singleWsdl`` plus the OAuth
        operations of ``own`` it lacks, built once."""
        with self._lock:
            if self._metadata is None:
                from fakeprojector.soap.contract_metadata import merged_metadata

                self._metadata = merged_metadata(self.contract, own)
            return self._metadata

    # --- a call -------------------------------------------------------------------------
    def prepare(self, body: bytes, soap_action: str | None, strict: bool, udc: Udc) -> Prepared | None:
        """Parse, dispatch and read a request addressed to a loaded operation; ``None`` when
        it addresses none (the spyne endpoint answers it: the OAuth operations, WCF's
        ActionNotSupported, a malformed body without SOAPAction)."""
        action = (soap_action or "").strip()
        if action.strip('"'):
            op = self.contract.operation_for_action(action)
            if op is None or op.name not in self.operations:
                return None
            try:
                wrapper = wire.body_element(wire.parse_envelope(body))
            except wire.WireError as exc:
                return Prepared(None, error=exc)
            if wrapper.tag != f"{{{op.input[0]}}}{op.input[1]}":
                return Prepared(None, error=wrong_body(op.name, op.input[1], op.input[0], str(wrapper.tag)))
        elif strict:
            return None
        else:
            try:
                wrapper = wire.body_element(wire.parse_envelope(body))
            except wire.WireError:
                return None
            found = self._by_element.get(_qname(wrapper.tag))
            if found is None:
                return None
            op = found
        try:
            request = read_request(self.contract, op, wrapper)
        except ReadError as exc:
            return Prepared(None, error=wire.WireError(errors.DESERIALIZATION_FAILED, detail=exc.detail))
        summary = udc.summary
        summary.operation = op.name
        summary.request_id = request.request_id
        summary.fields = journal_fields(request.values or {})
        summary.skipped = [
            SkippedElement(s.path, s.name, s.namespace, s.expected_namespace, s.reason)
            for s in request.skipped
        ]
        return Prepared(op.name, op, request)

    def finish(self, prepared: Prepared, fault: Fault | None, backend: FakeBackend, udc: Udc) -> SoapAnswer:
        """Answer a prepared request (or the fault it was refused with)."""
        if prepared.op is None or prepared.request is None:
            if fault is not None and fault.kind == "soap_fault":
                return SoapAnswer(500, mapping.fault_error(udc, fault, "").render())
            error = prepared.error or wire.WireError(errors.CLIENT_MALFORMED, detail="no operation")
            return SoapAnswer(error.status, wire.render_fault(error.entry, error.params))
        try:
            return _Call(self.contract, prepared.op, prepared.request, backend, udc).answer(fault)
        except Exception as exc:  # a bug of ours: answered cleanly, kept for check()
            udc.unexpected.append(exc)
            udc.summary.status = None
            return SoapAnswer(500, wire.render_fault(errors.INTERNAL_ERROR, {"kind": type(exc).__name__}))


class _Call:
    """One call of a loaded operation: sessions first, then a stub, the sign-in, or the
    generated answer."""

    def __init__(self, contract: Contract, op: Operation, request: Request, backend: FakeBackend, udc: Udc):
        self.contract, self.op, self.request, self.backend, self.udc = contract, op, request, backend, udc
        self.store = backend.store
        self.timestamp = wire.format_wcf_datetime(self.store.clock.time_ns())

    def render(
        self,
        values: Mapping[str, Any] | None = None,
        status: str = STATUS_OK,
        messages: list[Any] | None = None,
    ) -> SoapAnswer:
        self.udc.summary.status = status
        body = render_answer(
            self.contract,
            self.op,
            values,
            request_id=self.request.request_id,
            timestamp=self.timestamp,
            status=status,
            messages=messages or (),
        )
        return SoapAnswer(200, body)

    def fail(self, entry: errors.CatalogueEntry, status: str, text: str | None = None) -> SoapAnswer:
        self.udc.summary.error_numbers = [entry.number]
        return self.render(status=status, messages=[pws_message(entry, text)])

    def answer(self, fault: Fault | None) -> SoapAnswer:
        op, values, summary = self.op, self.request.values, self.udc.summary
        if fault is not None and fault.kind == "soap_fault":
            return SoapAnswer(500, mapping.fault_error(self.udc, fault, op.name).render())
        if fault is not None and fault.kind == "redirect":
            return self.render(self.fit({"RedirectUrl": fault.params["redirect_url"]}))
        session = None
        if op.session_ticket and op.name != AUTHENTICATE:
            try:
                session = sessions.check_ticket(self.store, self.request.session_ticket)
            except sessions.SessionInvalid as exc:
                summary.extra["session"] = exc.reason
                return self.fail(exc.entry, STATUS_SESSION_INVALID)
        stub = self.backend.stubs.take(op.name, lambda s: matches(s.spec.when, values))
        if stub is not None:
            prepared: PreparedStub = stub.prepared
            summary.extra["stub"] = stub.id
            summary.error_numbers = list(prepared.error_numbers)
            answer = self.render(prepared.values)
            summary.status = prepared.status
            return answer
        if op.name == AUTHENTICATE:
            return self.authenticate()
        if op.name == UNAUTHENTICATE and session is not None:
            sessions.unauthenticate(self.store, session)
        return self.render()

    def authenticate(self) -> SoapAnswer:
        values = self.request.values or {}
        req = sessions.AuthenticateRequest(
            _text(values.get("AccountCode")), _text(values.get("UserName")), _text(values.get("Password"))
        )
        try:
            outcome = sessions.authenticate(self.store, req)
        except OAuthError as exc:
            return self.fail(exc.entry, STATUS_FAIL, exc.text)
        if outcome.redirect_url is not None:
            return self.render(self.fit({"RedirectUrl": outcome.redirect_url}))
        return self.render(
            self.fit(
                {
                    "SessionTicket": outcome.session_ticket,
                    "AccountIdentity": {"AccountCode": outcome.account_code},
                    "UserIdentity": {"UserName": outcome.user_name},
                }
            )
        )

    def fit(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` without the members the result type does not have (any WSDL may be loaded)."""
        return _fit(self.contract, self.contract.complex_type(self.op.result.type), values)


def _fit(contract: Contract, typ: ComplexType, values: Mapping[str, Any]) -> dict[str, Any]:
    members = {m.name: m for m in typ.members}
    out: dict[str, Any] = {}
    for name, value in values.items():
        member = members.get(name)
        if member is None:
            continue
        inner = contract.types.get(member.type)
        if isinstance(value, Mapping):
            if isinstance(inner, ComplexType) and inner.array_item is None:
                out[name] = _fit(contract, inner, value)
        elif not isinstance(inner, ComplexType):
            out[name] = value
    return out


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _qname(tag: Any) -> tuple[str, str]:
    if not isinstance(tag, str) or not tag.startswith("{"):
        return ("", str(tag))
    ns, _, name = tag[1:].partition("}")
    return ns, name


def _message(operation: str, index: int, message: Any) -> Any:
    """A stub's message: a ``PwsMessage`` member mapping as given, or a catalogue number."""
    if isinstance(message, int) and not isinstance(message, bool):
        entry = errors.CATALOGUE.get(message)
        if entry is None or entry.placeholders:
            raise StubError(
                f"{operation}: messages[{index}]: {message} is not a catalogue number without "
                "placeholders; give the PwsMessage members instead"
            )
        return pws_message(entry)
    return message


# --- loading, once per file -----------------------------------------------------------------
_LOADED: dict[tuple[str, tuple[tuple[str, int, int], ...]], ContractService] = {}
_LOADED_LOCK = threading.Lock()


def load_service(path: str | os.PathLike[str]) -> ContractService:
    """The service of the WSDL at ``path``, loaded once per process while its folder's files
    are unchanged (tests switch contracts per test cheaply). Raises
    :class:`~fakeprojector.wsdl.ContractError` (a ``ValueError``) naming the file, the
    element and the problem."""
    wsdl = Path(path)
    key = (str(wsdl.resolve()), _stamps(wsdl))
    with _LOADED_LOCK:
        found = _LOADED.get(key)
    if found is None:
        found = ContractService(load_contract(wsdl))
        with _LOADED_LOCK:
            _LOADED[key] = found
    return found


def _stamps(wsdl: Path) -> tuple[tuple[str, int, int], ...]:
    try:
        files = [wsdl, *sorted(wsdl.resolve().parent.glob("*.xsd"))]
        return tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    except OSError:
        return ()  # load_contract says what is wrong with it
