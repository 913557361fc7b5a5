"""Time and randomness, injected so tests control them instead of monkeypatching.

:class:`AdjustableClock` follows real time until a test freezes or advances it
(``fp.clock.advance(61)`` expires a 60-second authorization code without sleeping).
:class:`TokenSource` makes every token and code; seeded, it repeats exactly.
Standard library only.
"""

from __future__ import annotations

import base64
import random
import secrets
import threading
import time
from datetime import datetime, timezone
from typing import Protocol, runtime_checkable

_NS_PER_S = 1_000_000_000


@runtime_checkable
class Clock(Protocol):
    """Anything that tells the current UTC time in nanoseconds since the epoch."""

    def time_ns(self) -> int: ...


class SystemClock:
    """Real time."""

    def time_ns(self) -> int:
        return time.time_ns()


class AdjustableClock:
    """Real time plus an offset, or a frozen instant; thread-safe.

    The default clock of every fake: it behaves like :class:`SystemClock` until a test
    calls :meth:`advance` or :meth:`freeze`. :meth:`reset` goes back to real
    time (the fixture does it between tests).
    """

    def __init__(self, source: Clock | None = None) -> None:
        self._source = source or SystemClock()
        self._lock = threading.Lock()
        self._offset_ns = 0
        self._frozen_ns: int | None = None

    def time_ns(self) -> int:
        frozen = self._frozen_ns
        if frozen is not None:
            return frozen
        return self._source.time_ns() + self._offset_ns

    def time(self) -> float:
        """Seconds since the epoch, as :func:`time.time`."""
        return self.time_ns() / _NS_PER_S

    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        return datetime.fromtimestamp(self.time(), tz=timezone.utc)

    def advance(self, seconds: float) -> None:
        """Move time forward (or back, when negative) by ``seconds``."""
        delta = round(seconds * _NS_PER_S)
        with self._lock:
            if self._frozen_ns is not None:
                self._frozen_ns += delta
            else:
                self._offset_ns += delta

    def freeze(self, at: datetime | float | None = None) -> None:
        """Stop time at ``at`` (a datetime or epoch seconds), or at the current instant."""
        with self._lock:
            if at is None:
                self._frozen_ns = self.time_ns()
            elif isinstance(at, datetime):
                if at.tzinfo is None:
                    raise ValueError("freeze() needs an aware datetime (UTC)")
                self._frozen_ns = round(at.timestamp() * _NS_PER_S)
            else:
                self._frozen_ns = round(at * _NS_PER_S)

    def unfreeze(self) -> None:
        """Let time run again from the frozen instant."""
        with self._lock:
            if self._frozen_ns is not None:
                self._offset_ns = self._frozen_ns - self._source.time_ns()
                self._frozen_ns = None

    @property
    def frozen(self) -> bool:
        return self._frozen_ns is not None

    def reset(self) -> None:
        """Back to real time: no offset, not frozen."""
        with self._lock:
            self._offset_ns = 0
            self._frozen_ns = None


class TokenSource:
    """Makes tokens: cryptographically random, or repeatable when ``seed`` is given.

    Forms [choice, after the vendor's samples]: refresh tokens are 58 URL-safe base64
    characters; access tokens (session tickets) are 24-character standard base64 of 16
    bytes (``ARQC8d/V3CZk+kOWf7w3KQ==``); authorization codes 43 URL-safe characters.
    """

    def __init__(self, seed: int | str | None = None) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self._rng: random.Random | None = None
        self.reseed(seed)

    def reseed(self, seed: int | str | None) -> None:
        """Restart the sequence (``None``: back to unpredictable tokens)."""
        with self._lock:
            self._seed = seed
            self._rng = None if seed is None else random.Random(seed)  # noqa: S311 - opt-in repeatable test tokens

    def _bytes(self, n: int) -> bytes:
        with self._lock:
            if self._rng is None:
                return secrets.token_bytes(n)
            return self._rng.randbytes(n)

    def refresh_token(self) -> str:
        return base64.urlsafe_b64encode(self._bytes(43)).decode().rstrip("=")[:58]

    def access_token(self) -> str:
        return base64.b64encode(self._bytes(16)).decode()

    def authorization_code(self) -> str:
        return base64.urlsafe_b64encode(self._bytes(32)).decode().rstrip("=")

    def client_secret(self) -> str:
        return base64.urlsafe_b64encode(self._bytes(64)).decode().rstrip("=")

    def guid(self) -> str:
        raw = bytearray(self._bytes(16))
        raw[6] = (raw[6] & 0x0F) | 0x40
        raw[8] = (raw[8] & 0x3F) | 0x80
        h = raw.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
