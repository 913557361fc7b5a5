"""fakeprojector: a high-fidelity fake of Projector PSA's SOAP OAuth2 operations.

Public API: :class:`FakeProjector` (a live fake on a loopback port), the error
catalogue (:mod:`fakeprojector.errors`), fixtures loading, and the records it returns.
"""

from fakeprojector.errors import CATALOGUE, CatalogueEntry, OAuthError
from fakeprojector.fixtures import FixtureError, load_fixtures
from fakeprojector.journal import JournalEntry
from fakeprojector.pkce import pkce_pair
from fakeprojector.records import AccessToken, Account, AuthorizationCode, Client, RefreshToken
from fakeprojector.server import FakeProjector, ServerError
from fakeprojector.settings import Settings, SettingsError
from fakeprojector.version import __version__

__all__ = [
    "CATALOGUE",
    "AccessToken",
    "Account",
    "AuthorizationCode",
    "CatalogueEntry",
    "Client",
    "FakeProjector",
    "FixtureError",
    "JournalEntry",
    "OAuthError",
    "RefreshToken",
    "ServerError",
    "Settings",
    "SettingsError",
    "__version__",
    "load_fixtures",
    "pkce_pair",
]
