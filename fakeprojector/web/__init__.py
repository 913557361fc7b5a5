"""The browser half: the REST twins, the consent page, the dashboard and their page shell.

Free of SOAP and XML (an import-linter contract); each handler is a ``Request ->
Response`` callable over one :class:`~fakeprojector.backend.FakeBackend`, mounted by the
app through :mod:`fakeprojector.urls`.
"""
