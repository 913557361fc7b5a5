"""``FakeBackend``: everything one fake *is*, without a socket.

One object owns the clock, the token source, the store, the request journal, the fault
injector and the errors raised inside request handling, and :meth:`FakeBackend.reset`
rebuilds all of them to the loaded fixtures (moto's ``reset`` pattern). The HTTP app, the
admin API, the pytest plugin and :class:`~fakeprojector.server.FakeProjector` (this plus a
socket) all act through it, so each piece of state has one owner and no part reaches into
another's. No XML, no HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fakeprojector import assertions
from fakeprojector.clock import AdjustableClock, TokenSource
from fakeprojector.contract import parse_guid
from fakeprojector.faults import Fault, FaultInjector
from fakeprojector.fixtures import FixturesSource, load_fixtures
from fakeprojector.journal import Journal, JournalEntry
from fakeprojector.records import (
    CODE_STATES,
    TOKEN_STATES,
    AccessToken,
    Account,
    AuthorizationCode,
    Client,
    CodeState,
    Fixtures,
    RefreshToken,
    StubSpec,
    TokenState,
    User,
)
from fakeprojector.rules import OPERATIONS
from fakeprojector.settings import Settings
from fakeprojector.store import Store
from fakeprojector.stubs import LoadedContract, NoContract, Stub, StubBook, check_fixture_stubs, check_spec


class ServerError(RuntimeError):
    """Raised by :meth:`FakeBackend.check` when request handling failed inside the fake."""


class FakeBackend:
    """The state and behaviour of one fake Projector, driven from Python.

    ``fixtures``: a path, a dict, or a list of them (default: the packaged fixtures with the
    vendor's sample client and token). ``settings``: overrides of :class:`Settings`.
    ``seed`` makes generated tokens repeatable, and :meth:`reset` restarts the sequence.
    ``contract``: a loaded WSDL (the server layer loads it, see ``FakeProjector(wsdl=...)``);
    its operations are answered too, and stubs check against it.
    """

    def __init__(
        self,
        fixtures: FixturesSource | Sequence[FixturesSource] = None,
        *,
        settings: dict[str, Any] | None = None,
        seed: int | str | None = None,
        journal_size: int | None = None,
        contract: LoadedContract | None = None,
    ) -> None:
        self.seed = seed
        self.clock = AdjustableClock()
        self.token_source = TokenSource(seed)
        self.store = Store(fixtures, clock=self.clock, tokens=self.token_source, settings=settings)
        self.journal = Journal(self.clock, journal_size)
        #: Fault injection: the admin API's ``/faults``, and :meth:`add_fault`.
        self.faults = FaultInjector(self.operation_names)
        #: The loaded WSDL's operations answer what these say (:meth:`stub`).
        self.stubs = StubBook()
        self.contract: LoadedContract = contract or NoContract()
        #: The fixtures' stubs as the contract checked them: every reset adds them again.
        self._fixture_stubs = check_fixture_stubs(self.store.fixtures, self.contract)
        self._add_fixture_stubs()
        #: Exceptions raised inside request handling, re-raised by :meth:`check`.
        self.errors: list[BaseException] = []

    def operation_names(self) -> list[str]:
        """The operations this fake answers (what a fault or a stub may target): the two
        OAuth operations, and those of the loaded WSDL."""
        return [*OPERATIONS, *(n for n in self.contract.operation_names if n not in OPERATIONS)]

    def attach_contract(
        self,
        contract: LoadedContract | None,
        fixtures: FixturesSource | Sequence[FixturesSource] | Fixtures | None = None,
    ) -> None:
        """Answer the operations of ``contract`` (``None``: none) from now on, with
        ``fixtures`` (default: the loaded ones), and reset. The fixtures are validated and
        their stubs checked against ``contract`` first: a :class:`FixtureError` changes nothing."""
        self._switch(contract or NoContract(), self.store.fixtures if fixtures is None else fixtures)

    def _switch(
        self, contract: LoadedContract, fixtures: FixturesSource | Sequence[FixturesSource] | Fixtures
    ) -> None:
        loaded = load_fixtures(fixtures)
        checked = check_fixture_stubs(loaded, contract)
        self.contract = contract
        self.store.load(loaded)
        self._fixture_stubs = checked
        self.reset()

    # --- state -----------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the loaded fixtures: the journal empty, no faults, real time again, and a
        seeded token sequence from its start, so every test of a seeded fake sees the same tokens."""
        self.token_source.reseed(self.seed)
        self.clock.reset()
        self.store.reset()
        self.journal.clear()
        self.faults.clear()
        self.stubs.clear()
        self._add_fixture_stubs()

    def load_fixtures(self, fixtures: FixturesSource | Sequence[FixturesSource]) -> None:
        """Replace the fixtures (validated first, their stubs against the loaded WSDL: a bad
        file changes nothing) and reset to them."""
        self._switch(self.contract, fixtures)

    def _add_fixture_stubs(self) -> None:
        for spec, prepared in self._fixture_stubs:
            self.stubs.add(spec, prepared)

    def configure(self, **settings: Any) -> Settings:
        """Change behaviour settings until the next reset (``rotate_refresh_tokens=True``...)."""
        return self.store.configure(**settings)

    @property
    def settings(self) -> Settings:
        return self.store.settings

    @property
    def fixture_sources(self) -> tuple[str, ...]:
        """Where the loaded fixtures came from (paths, or ``<fixtures dict>``)."""
        return tuple(self.store.fixtures.sources)

    def counts(self) -> dict[str, int]:
        """How many records of each kind there are, and how many tokens are active."""
        return self.store.counts()

    def add_account(self, code: str, home_url: str | None = None) -> Account:
        """An account; with ``home_url`` it lives on another server (calls get ``RedirectUrl``)."""
        return self.store.add_account(code, home_url)

    def accounts(self) -> list[Account]:
        with self.store.lock:
            return list(self.store.accounts.values())

    def add_client(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        name: str = "",
        redirect_uris: Sequence[str] = (),
    ) -> Client:
        """Register a client app; id and secret are generated when absent."""
        return self.store.add_client(client_id, client_secret, name, redirect_uris)

    def clients(self, client_id: str | None = None) -> list[Client]:
        """The registered clients, oldest first (only ``client_id``'s, in any GUID form, when given)."""
        wanted = _client_filter(client_id)
        with self.store.lock:
            return [c for c in self.store.clients.values() if wanted is None or c.client_id == wanted]

    def add_user(self, account: str, username: str, password: str) -> User:
        """A user who can sign in on ``account``'s consent page (the account must exist);
        the same username (without case) is replaced."""
        return self.store.add_user(account, username, password)

    def users(self, account: str | None = None) -> list[User]:
        """The consent page's users, oldest first (only ``account``'s, without case, when given)."""
        with self.store.lock:
            found = list(self.store.users.values())
        return [u for u in found if account is None or u.account.lower() == account.lower()]

    def refresh_tokens(
        self, client_id: str | None = None, account: str | None = None, state: str | None = None
    ) -> list[tuple[RefreshToken, TokenState]]:
        """Every refresh token with its state, oldest first, filtered by whichever of
        ``client_id``, ``account`` (without case) and ``state`` are given."""
        _check_state(state, TOKEN_STATES)
        store = self.store
        with store.lock:
            found = [(t, store.refresh_token_state(t.token)) for t in store.refresh_tokens.values()]
        return [(t, s) for t, s in found if s is not None and _keep(t, s, client_id, account, state)]

    def access_tokens(
        self, client_id: str | None = None, account: str | None = None, state: str | None = None
    ) -> list[tuple[AccessToken, TokenState]]:
        """Every access token (session ticket) with its state, filtered as :meth:`refresh_tokens`."""
        _check_state(state, TOKEN_STATES)
        store = self.store
        with store.lock:
            found = [(t, store.access_token_state(t.token)) for t in store.access_tokens.values()]
        return [(t, s) for t, s in found if s is not None and _keep(t, s, client_id, account, state)]

    def authorization_codes(
        self, client_id: str | None = None, account: str | None = None, state: str | None = None
    ) -> list[tuple[AuthorizationCode, CodeState]]:
        """Every authorization code with its state (``unused``, ``used``, ``expired``), filtered
        as :meth:`refresh_tokens`."""
        _check_state(state, CODE_STATES)
        store = self.store
        with store.lock:
            found = [(c, store.code_state(c)) for c in store.codes.values()]
        return [(c, s) for c, s in found if _keep(c, s, client_id, account, state)]

    def add_refresh_token(
        self,
        client_id: str,
        account: str | None = None,
        token: str | None = None,
        revoked: bool = False,
        expires_in_seconds: float | None = None,
    ) -> RefreshToken:
        """Issue a refresh token for ``client_id`` as if the user had consented earlier."""
        return self.store.add_refresh_token(client_id, account, token, revoked, expires_in_seconds)

    def refresh_token(self, token: str) -> tuple[RefreshToken, TokenState] | None:
        """The record of a refresh token and its state, or ``None`` when unknown."""
        return self.store.refresh_token_with_state(token)

    def add_access_token(
        self,
        client_id: str,
        refresh_token: str | None = None,
        account: str | None = None,
        token: str | None = None,
    ) -> AccessToken:
        """A session ticket, as if ``PwsAcquireOauth2Token`` had issued it."""
        return self.store.add_access_token(client_id, refresh_token, account, token)

    def access_token(self, token: str) -> tuple[AccessToken, TokenState] | None:
        """The record of an access token (session ticket) and its state, or ``None``."""
        return self.store.access_token_with_state(token)

    def add_authorization_code(
        self,
        client_id: str,
        redirect_uri: str,
        account: str | None = None,
        code_challenge: str | None = None,
        code_challenge_method: str | None = None,
        code: str | None = None,
    ) -> AuthorizationCode:
        """The record of a fresh authorization code, as if the user had approved the consent page."""
        return self.store.add_authorization_code(
            client_id, redirect_uri, account, code_challenge, code_challenge_method, code
        )

    def issue_authorization_code(
        self,
        client_id: str,
        redirect_uri: str,
        account: str | None = None,
        code_challenge: str | None = None,
        code_challenge_method: str | None = None,
        code: str | None = None,
    ) -> str:
        """A fresh authorization code, as if the user had approved the consent page."""
        return self.add_authorization_code(
            client_id, redirect_uri, account, code_challenge, code_challenge_method, code
        ).code

    def token_state(self, token: str) -> TokenState | None:
        """``"active"``, ``"revoked"``, ``"expired"`` or ``None`` for an unknown refresh token."""
        return self.store.refresh_token_state(token)

    def access_token_state(self, token: str) -> TokenState | None:
        """The same for an access token (session ticket)."""
        return self.store.access_token_state(token)

    # --- fault injection (fakeprojector.faults; the admin API's /faults) -------------
    def add_fault(
        self, kind: str, operation: str | None = None, times: int | None = None, **params: Any
    ) -> Fault:
        """Make the next ``times`` calls of ``operation`` (all when ``None``; ``times=None``:
        until cleared) misbehave: ``kind`` is ``delay`` (``delay_ms``, ``delay_max_ms``),
        ``http_status`` (``status``; ``body`` ``html``: the front end's page, ``empty``, or
        your own text with ``content_type``), ``soap_fault`` (``error_number``,
        ``error_code``, ``error_text``; default 10016), ``drop`` or ``redirect``
        (``redirect_url``). The most recently added matching fault applies."""
        return self.faults.add(kind, operation, times, **params)

    def remove_fault(self, fault_id: int) -> bool:
        """Remove one fault by its ``id``; ``False`` when it is not (or no longer) active."""
        return self.faults.remove(fault_id)

    def clear_faults(self) -> int:
        """Remove every fault; returns how many were active."""
        return self.faults.clear()

    # --- stubs (fakeprojector.stubs; the admin API's /stubs) ---------------------------
    def stub(
        self,
        operation: str,
        respond: Mapping[str, Any] | None = None,
        when: Mapping[str, Any] | None = None,
        times: int | None = None,
        status: str = "Ok",
        messages: Sequence[Any] = (),
    ) -> int:
        """Make ``operation`` of the loaded WSDL answer ``respond`` (result members by local
        name: nested dicts, lists for arrays; the rest as the generated answer has it), with
        ``Status`` ``status`` and ``messages`` (``PwsMessage`` member dicts, or catalogue
        numbers), for requests matching every dotted path of ``when``
        (``{"ProjectIdentities.ProjectCode": "P-1"}``), the next ``times`` times (``None``:
        until removed). The newest matching stub answers. Returns the stub's id.

        A stub that does not fit the schema is refused here, with a ``ValueError`` naming
        the path and the type expected (``PwsGetProject: respond.Projects[0].Foo: unknown
        member of PwsProjectElement...``).
        """
        spec = check_spec(
            StubSpec(
                operation,
                dict(respond or {}),
                dict(when or {}),
                times,
                status,
                tuple(messages),
            )
        )
        return self.stubs.add(spec, self.contract.check_stub(spec)).id

    def remove_stub(self, stub_id: int) -> bool:
        """Remove one stub by its id; ``False`` when it is not (or no longer) active."""
        return self.stubs.remove(stub_id)

    def clear_stubs(self) -> int:
        """Remove every stub (the fixtures' come back at the next reset); returns how many there were."""
        return self.stubs.clear()

    def stub_list(self) -> list[Stub]:
        """The active stubs, oldest first (copies)."""
        return self.stubs.list()

    # --- what happened ---------------------------------------------------------------
    @property
    def requests(self) -> list[JournalEntry]:
        """The journal of calls (SOAP, REST twins, consent page), oldest first."""
        return self.journal.entries()

    def calls(
        self, operation: str | None = None, status: str | None = None, **fields: Any
    ) -> list[JournalEntry]:
        """Journal entries of ``operation`` whose fields match (``token=``, ``client_id=``...)."""
        return assertions.matching(self.requests, operation, status, known=self._field_names(), **fields)

    def assert_called(
        self, operation: str, count: int | None = None, status: str | None = None, **fields: Any
    ) -> list[JournalEntry]:
        """Assert calls were made (``count``: exactly that many); the failure lists the calls made."""
        return assertions.assert_called(
            self.requests, operation, count, status, known=self._field_names(), **fields
        )

    def _field_names(self) -> frozenset[str]:
        return assertions.known_fields(self.contract.member_names)

    def assert_revoked(self, token: str, count: int = 1) -> JournalEntry:
        """Exactly ``count`` revoke calls of ``token`` reached the fake, and the token is not active."""
        return assertions.assert_revoked(self.requests, token, self.token_state(token), count)

    def check(self) -> None:
        """Raise :class:`ServerError` if handling a request failed inside the fake."""
        if self.errors:
            errors = list(self.errors)
            self.errors.clear()
            raise ServerError(
                f"{len(errors)} request(s) failed inside fakeprojector: {errors[0]!r}"
            ) from errors[0]


def _client_filter(client_id: str | None) -> str | None:
    """A ``client_id`` filter in canonical GUID form; anything else names no client."""
    if client_id is None:
        return None
    guid = parse_guid(client_id)
    if guid is None:
        raise ValueError(f"client_id must be a GUID, not {client_id!r}")
    return guid


def _check_state(state: str | None, allowed: tuple[str, ...]) -> None:
    if state is not None and state not in allowed:
        raise ValueError(f"state must be one of {', '.join(allowed)}, not {state!r}")


def _keep(
    record: RefreshToken | AccessToken | AuthorizationCode,
    state: str,
    client_id: str | None,
    account: str | None,
    wanted_state: str | None,
) -> bool:
    return (
        (client_id is None or record.client_id == _client_filter(client_id))
        and (account is None or (record.account or "").lower() == account.lower())
        and (wanted_state is None or state == wanted_state)
    )
