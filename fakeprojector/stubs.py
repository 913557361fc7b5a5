"""Stubs, the policy: what a test says an operation of a loaded WSDL answers, and when.

WireMock's model, XML-free: a :class:`Stub` holds the test's ``respond`` and ``when`` as
given, plus whatever the loaded contract made of them when it checked them (``prepared``,
opaque here). Checking belongs to the contract (the wire layer), which the backend holds as
a :class:`LoadedContract`; so a stub that does not fit the schema is refused when it is
added, never at call time. :meth:`StubBook.take` is the one decision per call: the newest
stub of the operation whose ``when`` the caller accepts, counted as applied. No XML, no HTTP.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from fakeprojector.fixtures import FixtureError
from fakeprojector.records import Fixtures, StubSpec


class LoadedContract(Protocol):
    """What the core needs of a loaded WSDL; :mod:`fakeprojector.soap.contract_service` has it."""

    @property
    def name(self) -> str:
        """The WSDL file's name, for messages."""

    @property
    def operation_names(self) -> Collection[str]:
        """The operations served from it (the two OAuth operations excepted)."""

    @property
    def member_names(self) -> frozenset[str]:
        """Every request member name of those operations: the journal fields tests may filter on."""

    def check_stub(self, spec: StubSpec) -> Any:
        """``spec`` checked against the contract: an object the wire layer answers with;
        ``ValueError`` naming the operation, the dotted path and the expected type."""


@dataclass
class Stub:
    """One stub. ``times`` is how many calls it still answers (``None``: until removed);
    ``applied`` how many it has answered."""

    id: int
    spec: StubSpec
    prepared: Any = None
    times: int | None = None
    applied: int = 0

    @property
    def operation(self) -> str:
        return self.spec.operation

    def as_dict(self) -> dict[str, Any]:
        """As the admin API shows it: the fields as the test gave them."""
        return {
            "id": self.id,
            "operation": self.spec.operation,
            "respond": self.spec.respond,
            "when": self.spec.when,
            "times": self.times,
            "status": self.spec.status,
            "messages": list(self.spec.messages),
            "applied": self.applied,
        }


def check_spec(spec: StubSpec) -> StubSpec:
    """The shape every stub needs, before the contract looks at it (``ValueError``)."""
    if not isinstance(spec.operation, str) or not spec.operation:
        raise ValueError(f"operation must be a non-empty string, not {spec.operation!r}")
    for name in ("respond", "when"):
        if not isinstance(getattr(spec, name), Mapping):
            raise ValueError(f"{spec.operation}: {name} must be an object, not {getattr(spec, name)!r}")
    times = spec.times
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise ValueError(f"{spec.operation}: times must be a whole number >= 1 or null, not {times!r}")
    if not isinstance(spec.status, str) or not spec.status:
        raise ValueError(f"{spec.operation}: status must be a RequestStatus name, not {spec.status!r}")
    if not isinstance(spec.messages, (list, tuple)):
        raise ValueError(f"{spec.operation}: messages must be a list, not {spec.messages!r}")
    return dataclasses.replace(spec, messages=tuple(spec.messages))


class StubBook:
    """The stubs of one fake, thread-safe; iterating gives snapshots, oldest first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stubs: list[Stub] = []
        self._next_id = 1

    def add(self, spec: StubSpec, prepared: Any) -> Stub:
        with self._lock:
            stub = Stub(self._next_id, spec, prepared, spec.times)
            self._next_id += 1
            self._stubs.append(stub)
            return dataclasses.replace(stub)

    def remove(self, stub_id: int) -> bool:
        with self._lock:
            for i, stub in enumerate(self._stubs):
                if stub.id == stub_id:
                    del self._stubs[i]
                    return True
            return False

    def get(self, stub_id: int) -> Stub | None:
        with self._lock:
            return next((dataclasses.replace(s) for s in self._stubs if s.id == stub_id), None)

    def clear(self) -> int:
        with self._lock:
            count = len(self._stubs)
            self._stubs.clear()
            return count

    def list(self) -> list[Stub]:
        with self._lock:
            return [dataclasses.replace(s) for s in self._stubs]

    def __len__(self) -> int:
        return len(self._stubs)

    def __iter__(self) -> Iterator[Stub]:
        return iter(self.list())

    def take(self, operation: str, accept: Callable[[Stub], bool]) -> Stub | None:
        """The newest stub of ``operation`` that ``accept`` takes (its ``when`` matches the
        request), counted as applied (a copy); a stub whose ``times`` run out goes."""
        if not self._stubs:  # the common case: no lock
            return None
        with self._lock:
            for i in range(len(self._stubs) - 1, -1, -1):
                stub = self._stubs[i]
                if stub.operation == operation and accept(stub):
                    stub.applied += 1
                    if stub.times is not None:
                        stub.times -= 1
                        if stub.times <= 0:
                            del self._stubs[i]
                    return dataclasses.replace(stub)
            return None


@dataclass(frozen=True)
class NoContract:
    """Stands in for a loaded WSDL when there is none: a stub is refused, saying how to load one."""

    name: str = ""
    operation_names: Collection[str] = ()
    member_names: frozenset[str] = field(default_factory=frozenset)

    def check_stub(self, spec: StubSpec) -> Any:
        raise ValueError(
            f"{spec.operation}: stubs answer the operations of a loaded WSDL, and none is loaded: "
            "start the fake with FakeProjector(wsdl=PATH), 'serve --wsdl PATH' or --fake-projector-wsdl PATH"
        )


def check_fixture_stubs(fixtures: Fixtures, contract: LoadedContract) -> list[tuple[StubSpec, Any]]:
    """Every stub of ``fixtures`` checked against ``contract``, in order: a misfit is a
    :class:`FixtureError` naming the file, the stub and the path."""
    source = ", ".join(fixtures.sources)
    checked = []
    for index, spec in enumerate(fixtures.stubs):
        label = f"stubs[{index}] (operation '{spec.operation}')"
        try:
            checked.append((spec, contract.check_stub(check_spec(spec))))
        except ValueError as exc:
            raise FixtureError(source, label, None, str(exc)) from None
    return checked
