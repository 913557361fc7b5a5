"""The browser half's routes: which path goes to the REST twins, the consent page or the dashboard.

``WebRoutes.route(request)`` returns the handler for a request, or ``None`` to let the app
go on (SOAP endpoint, admin API). The dashboard takes ``GET /_fakeprojector/dashboard``, and
``GET /_fakeprojector/`` only from a browser (an ``Accept`` that names ``text/html``): every
other client still gets the admin API's JSON index there.
"""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.wrappers import Request, Response

from fakeprojector.consent import ConsentPages
from fakeprojector.dashboard import DASHBOARD_PATH, INDEX_PATH, Dashboard
from fakeprojector.journal import Journal
from fakeprojector.rest import RestTwins
from fakeprojector.store import Store

Handler = Callable[[Request], Response]


def wants_html(request: Request) -> bool:
    """An ``Accept`` header that names ``text/html`` itself (browsers do; ``*/*`` does not count)."""
    return any(value.lower() == "text/html" and quality > 0 for value, quality in request.accept_mimetypes)


class WebRoutes:
    """The REST twins, the consent page and the dashboard of one fake."""

    def __init__(self, store: Store, journal: Journal) -> None:
        self.rest = RestTwins(store, journal)
        self.consent = ConsentPages(store, journal)
        self.dashboard = Dashboard(store, journal)

    def route(self, request: Request) -> Handler | None:
        path = request.path
        if self.rest.handles(path):
            return self.rest
        if self.consent.handles(path):
            return self.consent
        if request.method in ("GET", "HEAD") and (
            path == DASHBOARD_PATH or (path == INDEX_PATH and wants_html(request))
        ):
            return self.dashboard
        return None
