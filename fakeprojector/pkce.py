"""PKCE (RFC 7636) for client tests: a verifier and its S256 challenge.

The fake's own check (:mod:`fakeprojector.rules`) uses :func:`s256` too, so a test's
challenge and the fake's computation cannot disagree. Standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import secrets


def s256(verifier: str) -> str:
    """``BASE64URL(SHA256(ASCII(verifier)))`` without padding (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def pkce_pair() -> tuple[str, str]:
    """A fresh ``(code_verifier, code_challenge)`` for ``code_challenge_method=S256``: the
    verifier is 43 characters of the RFC's unreserved alphabet (32 random bytes)."""
    verifier = secrets.token_urlsafe(32)
    return verifier, s256(verifier)
