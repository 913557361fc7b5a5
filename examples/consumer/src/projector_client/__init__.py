"""A minimal Projector PSA sign-in client: what a client app does around its session ticket.

``login`` exchanges the authorization code the consent page handed back (with the PKCE
verifier the app kept), ``refresh`` gets a new session ticket from the refresh token, and
``logout`` revokes the refresh token. A ``Fail`` answer becomes :class:`ProjectorError`
carrying the vendor's error number, code and text; SOAP faults stay zeep's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import zeep

__all__ = ["ProjectorError", "ProjectorSession"]


@dataclass
class ProjectorError(Exception):
    """A ``Status`` ``Fail`` answer: the first ``PwsMessage`` of it."""

    number: int
    code: str
    text: str

    def __str__(self) -> str:
        return f"{self.number} {self.code}: {self.text}"


class ProjectorSession:
    """One user's sign-in to one Projector service, for one client app."""

    def __init__(self, wsdl_url: str, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self._service = zeep.Client(wsdl_url).service
        self._credentials = {"ClientIdentifier": client_id, "ClientSecret": client_secret}
        self._redirect_uri = redirect_uri
        self.session_ticket: str | None = None
        self.refresh_token: str | None = None
        self.expires_in_seconds: int | None = None

    def login(self, code: str, verifier: str) -> str:
        """Exchange an authorization code (and its PKCE verifier) for a session ticket."""
        return self._acquire(
            GrantType="code", Code=code, CodeVerifier=verifier, RedirectUri=self._redirect_uri
        )

    def refresh(self) -> str:
        """A new session ticket from the refresh token; follows a rotated refresh token."""
        if self.refresh_token is None:
            raise RuntimeError("not logged in")
        return self._acquire(GrantType="refresh_token", RefreshToken=self.refresh_token)

    def logout(self) -> None:
        """Revoke the refresh token (RFC 7009: the service says Ok whatever it knew of it)."""
        if self.refresh_token is None:
            return
        answer = self._service.PwsRevokeOauth2RefreshToken(
            serviceRequest={**self._credentials, "Token": self.refresh_token}
        )
        self._check(answer)
        self.session_ticket = self.refresh_token = None

    def _acquire(self, **grant: Any) -> str:
        answer = self._service.PwsAcquireOauth2Token(serviceRequest={**self._credentials, **grant})
        self._check(answer)
        ticket: str = answer.AccessToken
        self.session_ticket = ticket
        self.refresh_token = answer.RefreshToken or self.refresh_token
        self.expires_in_seconds = answer.ExpiresInSeconds
        return ticket

    @staticmethod
    def _check(answer: Any) -> None:
        if answer.Status != "Ok":
            message = answer.Messages.PwsMessage[0]
            raise ProjectorError(message.ErrorNumber, message.ErrorCode, message.ErrorText)
