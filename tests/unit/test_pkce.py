"""fakeprojector.pkce: the S256 transform (RFC 7636 appendix B) and fresh verifier/challenge pairs."""

from __future__ import annotations

import re

from fakeprojector import pkce, pkce_pair

#: RFC 7636 appendix B: the example code_verifier and its S256 code_challenge
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
#: RFC 7636 §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"
VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def test_s256_of_the_rfc_example_verifier_is_the_rfc_challenge():
    assert pkce.s256(RFC_VERIFIER) == RFC_CHALLENGE


def test_a_pair_is_a_valid_verifier_and_its_own_s256_challenge():
    verifier, challenge = pkce_pair()
    assert VERIFIER.fullmatch(verifier), verifier
    assert len(verifier) == 43  # 32 random bytes, base64url without padding
    assert challenge == pkce.s256(verifier)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", challenge), challenge  # SHA-256, base64url, no '='


def test_every_pair_is_new():
    pairs = {pkce_pair() for _ in range(50)}
    assert len(pairs) == 50
    assert len({v for v, _ in pairs}) == 50
