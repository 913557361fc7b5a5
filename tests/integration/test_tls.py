"""HTTPS: ``FakeProjector(tls=True)`` / ``serve --tls`` with a generated certificate, and
``tls_cert``/``tls_key`` with the user's own, called by real clients (zeep, requests, raw
sockets) that verify the server against the CA they were given, never with verification off.

Also what a TLS port does with what is not TLS: plain HTTP gets a 400 at once, a handshake
that stalls holds only its own connection, and ``stop()`` cuts it.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests
import zeep
import zeep.transports
from lxml import etree

from fakeprojector import FakeProjector, pkce_pair
from fakeprojector.cli import main
from tests.support.certs import make_user_certs
from tests.support.cliserver import CliServer
from tests.support.paths import FIXTURE_WSDL, ROOT, VENDOR_WSDL_DIR
from tests.support.soapclient import ACTION, NS, SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN, envelope

CB = "https://localhost/callback"
WSDL_NS = {"wsdl": "http://schemas.xmlsoap.org/wsdl/", "soap": "http://schemas.xmlsoap.org/wsdl/soap/"}
CREDENTIALS = {"ClientIdentifier": SAMPLE_CLIENT, "ClientSecret": SAMPLE_SECRET}


@pytest.fixture(scope="module")
def tls_fake():
    with FakeProjector(tls=True) as fp:
        yield fp


@pytest.fixture
def fake(tls_fake):
    tls_fake.reset()
    return tls_fake


@pytest.fixture(scope="module")
def user_certs(tmp_path_factory):
    return make_user_certs(tmp_path_factory.mktemp("user-certs"))


def zeep_client(fp: FakeProjector, ca_file: str) -> zeep.Client:
    session = requests.Session()
    session.verify = ca_file
    # else requests lets $REQUESTS_CA_BUNDLE / $CURL_CA_BUNDLE override session.verify (psf/requests#3829)
    session.trust_env = False
    return zeep.Client(fp.wsdl_url, transport=zeep.transports.Transport(session=session))


def soap_post(url: str, operation: str, fields: dict[str, str], ca_file: str) -> etree._Element:
    answer = requests.post(
        url,
        data=envelope(operation, list(fields.items())),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{ACTION}{operation}"'},
        verify=ca_file,
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return etree.fromstring(answer.content)


def _field(root: etree._Element, name: str) -> str | None:
    found = root.find(f".//a:{name}", NS)
    if found is None:
        found = root.find(f".//c:{name}", NS)
    return None if found is None else found.text


# --- real clients over HTTPS, verifying the generated CA ---------------------------------------
def test_zeep_acquires_and_revokes_over_https_trusting_ca_file(fake):
    assert fake.url.startswith(f"https://127.0.0.1:{fake.port}/")
    service = zeep_client(fake, fake.ca_file).service
    verifier, challenge = pkce_pair()
    code = fake.issue_authorization_code(
        SAMPLE_CLIENT, CB, account="SAMPLE", code_challenge=challenge, code_challenge_method="S256"
    )
    login = service.PwsAcquireOauth2Token(
        serviceRequest={
            **CREDENTIALS,
            "GrantType": "code",
            "Code": code,
            "CodeVerifier": verifier,
            "RedirectUri": CB,
        }
    )
    assert login.Status == "Ok"
    assert login.SoapServiceAuthority == fake.base_url
    assert login.RestServiceAuthority == fake.base_url
    assert fake.base_url == f"https://127.0.0.1:{fake.port}"
    revoked = service.PwsRevokeOauth2RefreshToken(serviceRequest={**CREDENTIALS, "Token": login.RefreshToken})
    assert revoked.Status == "Ok"
    assert fake.token_state(login.RefreshToken) == "revoked"


def test_requests_posts_acquire_and_revoke_over_https(fake):
    answer = soap_post(
        fake.url,
        "PwsAcquireOauth2Token",
        {**CREDENTIALS, "GrantType": "refresh_token", "RefreshToken": SAMPLE_TOKEN},
        fake.ca_file,
    )
    assert _field(answer, "Status") == "Ok"
    assert _field(answer, "SoapServiceAuthority") == f"https://127.0.0.1:{fake.port}"
    assert _field(answer, "RestServiceAuthority") == f"https://127.0.0.1:{fake.port}"
    answer = soap_post(
        fake.url, "PwsRevokeOauth2RefreshToken", {**CREDENTIALS, "Token": SAMPLE_TOKEN}, fake.ca_file
    )
    assert _field(answer, "Status") == "Ok"
    fake.assert_revoked(SAMPLE_TOKEN)


def test_the_rest_twin_names_https_authorities(fake):
    reply = requests.post(
        fake.base_url + "/oauth2token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": SAMPLE_TOKEN,
            "client_id": SAMPLE_CLIENT,
            "client_secret": SAMPLE_SECRET,
        },
        verify=fake.ca_file,
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["rest_service_authority"] == fake.base_url
    assert reply.json()["soap_service_authority"] == fake.base_url


def test_every_wsdl_address_says_https(fake):
    for query in ("?wsdl", "?singleWsdl"):
        reply = requests.get(fake.url + query, verify=fake.ca_file, timeout=10)
        assert reply.status_code == 200
        root = etree.fromstring(reply.content)
        addresses = root.xpath("//soap:address/@location", namespaces=WSDL_NS)
        assert addresses == [fake.url], query
    wsdl = etree.fromstring(requests.get(fake.wsdl_url, verify=fake.ca_file, timeout=10).content)
    locations = wsdl.xpath("//@schemaLocation | //@location")
    assert locations
    assert all(loc.startswith(f"https://127.0.0.1:{fake.port}/") for loc in locations), locations


WSP = "http://schemas.xmlsoap.org/ws/2004/09/policy"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
SP = "http://schemas.xmlsoap.org/ws/2005/07/securitypolicy"
POLICY_NS = {**WSDL_NS, "wsp": WSP, "wsu": WSU, "sp": SP}


def _policy_of(url: str, ca_file: str | None) -> tuple[etree._Element, etree._Element]:
    """The description's one ``wsp:Policy`` (first in the definitions, as WCF writes it),
    after checking the binding references it first."""
    reply = requests.get(url, verify=ca_file if ca_file else True, timeout=10)
    assert reply.status_code == 200
    root = etree.fromstring(reply.content)
    (policy,) = root.findall("wsp:Policy", POLICY_NS)
    assert root[0] is policy
    (binding,) = root.findall("wsdl:binding", POLICY_NS)
    assert binding[0].tag == f"{{{WSP}}}PolicyReference"
    assert binding[0].get("URI") == "#" + policy.get(f"{{{WSU}}}Id")
    assert policy.get(f"{{{WSU}}}Id") == binding.get("name") + "_policy"
    return root, policy


@pytest.mark.parametrize("query", ["?wsdl", "?singleWsdl"])
def test_https_metadata_asks_for_transport_security_as_wcf_does(fake, query):
    """WCF writes an HTTPS endpoint's transport policy; svcutil reads it to pick Transport security."""
    _, policy = _policy_of(fake.url + query, fake.ca_file)
    (token,) = policy.xpath(".//sp:TransportBinding//sp:TransportToken//sp:HttpsToken", namespaces=POLICY_NS)
    assert token.get("RequireClientCertificate") == "false"


def test_plain_http_metadata_has_no_policy(fake_projector):
    """Over plain HTTP WCF writes no policy, and one asking for HTTPS would make svcutil refuse http://."""
    for query in ("?wsdl", "?singleWsdl"):
        body = requests.get(fake_projector.url + query, timeout=10).content
        assert etree.fromstring(body).xpath("//wsp:*", namespaces=POLICY_NS) == [], query


def test_a_loaded_wsdl_over_https_has_one_policy_and_zeep_calls_through_it():
    with FakeProjector(tls=True, wsdl=FIXTURE_WSDL) as fp:
        _policy_of(fp.wsdl_url, fp.ca_file)
        client = zeep_client(fp, fp.ca_file)
        answer = client.service.PwsRevokeOauth2RefreshToken(
            serviceRequest={**CREDENTIALS, "Token": SAMPLE_TOKEN, "TokenType": "refresh_token"}
        )
        assert answer.Status == "Ok"


def test_the_https_policy_is_the_vendors(fake):
    """The 2019 snapshot was fetched from the vendor's HTTPS endpoint: the same policy, node for node."""
    wsdl = VENDOR_WSDL_DIR / "PwsProjectorServices.wsdl"
    if not wsdl.is_file():
        pytest.skip(f"the vendor's 2019 WSDL snapshot is not at {VENDOR_WSDL_DIR} (../shared absent)")
    (vendor,) = etree.parse(str(wsdl)).getroot().findall("wsp:Policy", POLICY_NS)
    _, ours = _policy_of(fake.wsdl_url, fake.ca_file)
    parser = etree.XMLParser(remove_blank_text=True)
    assert etree.tostring(etree.fromstring(etree.tostring(ours), parser), method="c14n2") == etree.tostring(
        etree.fromstring(etree.tostring(vendor), parser), method="c14n2"
    )


def test_redirect_url_names_the_other_servers_https_address(fake_projector_factory):
    home = fake_projector_factory(None, tls=True)
    away = fake_projector_factory(None, tls=True)
    home.add_account("ACME", home_url=home.base_url)  # its own https address: hosted here
    away.add_account("ACME", home_url=home.base_url)
    for fp in (home, away):
        fp.add_refresh_token(SAMPLE_CLIENT, account="ACME", token="AcmeToken-0000000000001")
    request = {**CREDENTIALS, "GrantType": "refresh_token", "RefreshToken": "AcmeToken-0000000000001"}
    moved = soap_post(away.url, "PwsAcquireOauth2Token", request, away.ca_file)
    assert _field(moved, "RedirectUrl") == f"https://127.0.0.1:{home.port}"
    assert _field(moved, "AccessToken") is None
    here = soap_post(home.url, "PwsAcquireOauth2Token", request, home.ca_file)
    assert _field(here, "RedirectUrl") is None
    assert _field(here, "AccessToken")


@pytest.mark.choice("wire.tls-certificate")
def test_the_certificate_names_localhost_and_both_loopback_addresses(fake):
    context = ssl.create_default_context(cafile=fake.ca_file)  # hostname checked, as any client does
    for name in ("localhost", "127.0.0.1"):
        with socket.create_connection(("127.0.0.1", fake.port), timeout=10) as raw:
            with context.wrap_socket(raw, server_hostname=name) as tls:
                cert = tls.getpeercert()
                assert tls.version() in ("TLSv1.2", "TLSv1.3")
    assert sorted(cert["subjectAltName"]) == [
        ("DNS", "localhost"),
        ("IP Address", "0:0:0:0:0:0:0:1"),
        ("IP Address", "127.0.0.1"),
    ]


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6 here")
def test_a_fake_on_ipv6_loopback_verifies_as_the_ipv6_address():
    try:
        fp = FakeProjector(host="::1", tls=True).start()
    except OSError as exc:
        pytest.skip(f"cannot bind ::1 here: {exc}")
    try:
        assert fp.url.startswith(f"https://[::1]:{fp.port}/")
        reply = requests.get(fp.wsdl_url, verify=fp.ca_file, timeout=10)
        assert reply.status_code == 200
    finally:
        fp.stop()


def test_without_the_ca_a_verifying_client_refuses_the_fake(fake):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(fake.wsdl_url, timeout=10)  # the system's CAs do not know a CA made at start


def test_ca_file_lives_while_the_fake_runs_and_restarts_keep_the_ca():
    fp = FakeProjector(tls=True)
    with pytest.raises(RuntimeError, match="not started"):
        fp.ca_file  # noqa: B018
    fp.start()
    first = fp.ca_file
    pem = Path(first).read_text(encoding="ascii")
    assert pem.startswith("-----BEGIN CERTIFICATE-----")
    fp.stop()
    assert not os.path.exists(first)
    fp.start()
    try:
        assert Path(fp.ca_file).read_text(encoding="ascii") == pem  # the same CA: clients' trust survives
        assert requests.get(fp.wsdl_url, verify=fp.ca_file, timeout=10).status_code == 200
    finally:
        fp.stop()
    assert FakeProjector().ca_file is None


# --- what is not TLS, on the TLS port ------------------------------------------------------------
@pytest.mark.choice("wire.tls-plain-http")
def test_plain_http_to_the_tls_port_gets_a_400_and_a_close(fake):
    with socket.create_connection(("127.0.0.1", fake.port), timeout=10) as sock:
        sock.sendall(
            f"GET /OpsProjectorWcfSvc/PwsProjectorServices.svc?wsdl HTTP/1.1\r\nHost: 127.0.0.1:{fake.port}\r\n\r\n".encode()
        )
        received = b""
        while chunk := sock.recv(4096):  # ends at the server's close; the 10 s timeout bounds it
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"Connection: close" in head
    assert b"HTTPS" in body
    assert b"https://" in body


def test_requests_over_plain_http_to_the_tls_port_gets_a_400(fake):
    reply = requests.get(fake.url.replace("https://", "http://"), timeout=10)
    assert reply.status_code == 400
    assert "speaks HTTPS" in reply.text


@pytest.mark.choice("wire.tls-handshake")
def test_a_stalled_handshake_holds_only_its_own_connection(fake):
    silent = socket.create_connection(("127.0.0.1", fake.port), timeout=10)  # connects, says nothing
    halfway = socket.create_connection(("127.0.0.1", fake.port), timeout=10)
    halfway.sendall(
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
    )  # the start of a ClientHello, then silence
    try:
        for _ in range(3):  # werkzeug's accept loop is free: each connection's handshake is in its own thread
            reply = requests.get(fake.wsdl_url, verify=fake.ca_file, timeout=10)
            assert reply.status_code == 200
    finally:
        silent.close()
        halfway.close()


def test_stop_cuts_a_connection_stalled_mid_handshake():
    fp = FakeProjector(tls=True).start()
    halfway = socket.create_connection(("127.0.0.1", fp.port), timeout=10)
    try:
        halfway.sendall(b"\x16\x03\x01\x02\x00\x01")
        requests.get(fp.wsdl_url, verify=fp.ca_file, timeout=10)  # the stalled one is being served by now
        fp.stop()
        try:
            assert halfway.recv(1) == b""  # closed by stop(), long before the 30 s stall timeout
        except ConnectionResetError:
            pass
    finally:
        halfway.close()
        fp.stop()


# --- the user's own certificate --------------------------------------------------------------------
def test_a_users_certificate_and_key(user_certs):
    with FakeProjector(tls_cert=user_certs.cert, tls_key=str(user_certs.key)) as fp:
        assert fp.tls
        assert fp.ca_file is None
        assert fp.url.startswith("https://")
        answer = soap_post(
            fp.url, "PwsRevokeOauth2RefreshToken", {**CREDENTIALS, "Token": SAMPLE_TOKEN}, str(user_certs.ca)
        )
        assert _field(answer, "Status") == "Ok"


def test_a_users_certificate_and_key_in_one_file(user_certs):
    with FakeProjector(tls_cert=user_certs.combined) as fp:
        assert requests.get(fp.wsdl_url, verify=str(user_certs.ca), timeout=10).status_code == 200


def test_serve_with_a_users_certificate_and_wait_trusting_its_ca(user_certs, tmp_path, capsys):
    ready = tmp_path / "ready.json"
    server = CliServer(
        "--tls-cert", str(user_certs.cert), "--tls-key", str(user_certs.key), "--ready-file", str(ready)
    )
    try:
        assert server.url.startswith("https://127.0.0.1:")
        assert json.loads(ready.read_text())["ca_file"] is None
        assert main(["wait", server.url, "--ca-file", str(user_certs.ca), "--timeout", "10"]) == 0
        assert capsys.readouterr().out == server.url + "\n"
    finally:
        server.cleanup()


def test_serve_tls_prints_the_ca_file_and_puts_it_in_the_ready_file(tmp_path):
    ready = tmp_path / "ready.json"
    server = CliServer("--tls", "--ready-file", str(ready))
    try:
        assert server.url.startswith("https://127.0.0.1:")
        assert server.proc.stdout is not None
        second = server.proc.stdout.readline().decode().strip()
        data = json.loads(ready.read_text())
        assert second == f"CA certificate: {data['ca_file']}"
        assert data["url"] == server.url
        assert data["wsdl_url"] == server.url + "?wsdl"
        assert data["admin_url"].startswith("https://")
        health = requests.get(data["admin_url"] + "health", verify=data["ca_file"], timeout=10)
        assert health.json()["url"] == server.url
        assert server.stop() == 0
        assert not os.path.exists(data["ca_file"])  # a clean stop leaves nothing behind
        assert not os.path.exists(os.path.dirname(data["ca_file"]))
    finally:
        server.cleanup()


def test_the_ready_file_says_no_ca_file_without_tls(tmp_path):
    ready = tmp_path / "ready.json"
    server = CliServer("--ready-file", str(ready))
    try:
        assert json.loads(ready.read_text())["ca_file"] is None
    finally:
        server.cleanup()


# --- bad TLS options --------------------------------------------------------------------------------
BAD_TLS = [
    (["--tls-cert", "{tmp}/nope.pem"], "--tls-cert: no such file: {tmp}/nope.pem"),
    (["--tls-cert", "{tmp}"], "--tls-cert: {tmp} is a directory, not a file"),
    (["--tls-cert", "{tmp}/garbage.pem", "--tls-key", "{key}"], "--tls-cert: {tmp}/garbage.pem holds no PEM certificate"),
    (["--tls-cert", "{key}", "--tls-key", "{key}"], "--tls-cert: {key} holds no PEM certificate"),
    (["--tls-cert", "{cert}", "--tls-key", "{tmp}/nope.key"], "--tls-key: no such file: {tmp}/nope.key"),
    (["--tls-cert", "{cert}", "--tls-key", "{other}"], "--tls-key: {other} is not the private key of the certificate in {cert}"),
    (["--tls-cert", "{cert}", "--tls-key", "{tmp}/garbage.pem"], "--tls-key: {tmp}/garbage.pem holds no PEM private key"),
    (["--tls-cert", "{cert}", "--tls-key", "{encrypted}"], "--tls-key: {encrypted}: the private key is encrypted"),
    (["--tls-cert", "{cert}"], "--tls-key: needed: {cert} holds no private key"),
    (["--tls-key", "{key}"], "--tls-key: needs the certificate too"),
    (["--tls-cert="], "--tls-cert: must be the path of a PEM file"),
]  # fmt: skip


@pytest.mark.parametrize(("flags", "message"), BAD_TLS, ids=[" ".join(f) for f, _ in BAD_TLS])
def test_a_bad_tls_option_is_one_line_naming_it_and_status_2(flags, message, user_certs, tmp_path, capsys):
    (tmp_path / "garbage.pem").write_text("not a certificate\n")
    names = {"{tmp}": str(tmp_path), "{cert}": str(user_certs.cert), "{key}": str(user_certs.key),
             "{other}": str(user_certs.other_key), "{encrypted}": str(user_certs.encrypted_key)}  # fmt: skip
    for name, value in names.items():
        flags = [f.replace(name, value) for f in flags]
        message = message.replace(name, value)
    ready = tmp_path / "ready.json"
    status = main(["serve", "--port", "0", "--ready-file", str(ready), *flags])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""  # nothing was bound
    assert not ready.exists()
    assert err.count("\n") == 1, err
    assert err.startswith(f"fakeprojector: {message}"), err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_certificate_is_named(user_certs, tmp_path, capsys):
    locked = tmp_path / "locked.pem"
    locked.write_bytes(user_certs.cert.read_bytes())
    locked.chmod(0)
    assert main(["serve", "--port", "0", "--tls-cert", str(locked), "--tls-key", str(user_certs.key)]) == 2
    assert capsys.readouterr().err.startswith(
        f"fakeprojector: --tls-cert: cannot read {locked}: Permission denied"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tls": "yes"}, "tls: must be True or False, not str 'yes'"),
        ({"tls_key": "k.pem"}, "tls_key: needs the certificate too"),
        ({"tls_cert": 42}, "tls_cert: must be the path of a PEM file, not int 42"),
    ],
)
def test_bad_tls_arguments_raise_a_value_error_naming_them(kwargs, message):
    with pytest.raises(ValueError, match="^" + message):
        FakeProjector(**kwargs)


_WITHOUT_CRYPTOGRAPHY = textwrap.dedent(
    """
    import sys
    sys.modules["cryptography"] = None  # as if 'fakeprojector[tls]' were not installed
    from fakeprojector.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def test_without_cryptography_tls_says_which_extra_to_install(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_CRYPTOGRAPHY, "serve", "--port", "0", "--tls"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(
        "fakeprojector: --tls: making a certificate needs the 'cryptography' package"
    )
    assert "pip install 'fakeprojector[tls]'" in done.stderr
    assert done.stderr.count("\n") == 1


def test_without_cryptography_a_users_certificate_still_serves(user_certs):
    code = _WITHOUT_CRYPTOGRAPHY.replace(
        "sys.exit(main(sys.argv[1:]))",
        "from fakeprojector import FakeProjector\n"
        f"fp = FakeProjector(tls_cert={str(user_certs.cert)!r}, tls_key={str(user_certs.key)!r}).start()\n"
        "import ssl, urllib.request\n"
        f"context = ssl.create_default_context(cafile={str(user_certs.ca)!r})\n"
        "print(urllib.request.urlopen(fp.wsdl_url, context=context, timeout=10).status)\n"
        "print('cryptography' in sys.modules and sys.modules['cryptography'] is not None)\n"
        "fp.stop()\n",
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["200", "False"]


def test_the_python_api_pages_https_example_runs_as_written():
    from tests.test_readme_examples import blocks

    (example,) = blocks(ROOT / "docs" / "python-api.md", "python", "HTTPS")
    # a stdlib-only error check added after it: the zeep client it built read the WSDL over HTTPS
    code = example + "\n    assert client.wsdl.services['PwsProjectorServices']\nprint('ok')\n"
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr
