"""Client generators, given only the fake's metadata, produce clients that work.

From each of ``?wsdl`` (types in ``?xsd=xsdN`` documents) and ``?singleWsdl`` (types inline):
zeep, PHP's ``SoapClient`` and node-soap build a client at run time; JAX-WS ``wsimport`` generates Java
sources that a small program compiled with ``javac`` calls; Mono's ``wsdl`` generates a C#
proxy (.NET's ``SoapHttpClientProtocol``, on ``HttpWebRequest``) that a program compiled with
``mcs`` calls. Each client exchanges the default fixtures' sample refresh token
(``PwsAcquireOauth2Token``, grant ``refresh_token``) and then revokes it
(``PwsRevokeOauth2RefreshToken``); the answers are checked field by field.

Marked ``generators`` (``-m "not generators"`` leaves them out). Each non-Python half skips
without its tools: ``wsimport`` (Debian ``jaxws``), ``javac`` and ``java``; ``php`` with the
``soap`` extension (``php-cli php-soap``); ``wsdl``, ``mcs`` and ``mono`` (``mono-devel``);
``node`` with the ``soap`` package in :data:`NODE_PREFIX` (``npm install --prefix .node soap@1``,
which ``.ci/run`` does).
Generated and compiled code is kept for the session (one generation per document).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import zeep

from tests.support.paths import ROOT
from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN

pytestmark = pytest.mark.generators

QUERIES = ("wsdl", "singleWsdl")
SESSION_TICKET_LENGTH = 24
JAVA_MAIN = """\
import gen.*;
import java.net.URL;
import javax.xml.bind.JAXBElement;
import javax.xml.ws.BindingProvider;

/** Calls both OAuth operations through the generated port; prints key=value lines. */
public class CallFake {
    static String text(JAXBElement<?> e) {
        if (e == null) return "<absent>";
        if (e.isNil() || e.getValue() == null) return "<nil>";
        return String.valueOf(e.getValue());
    }

    static int count(JAXBElement<ArrayOfPwsMessage> messages) {
        return messages == null || messages.isNil() ? 0 : messages.getValue().getPwsMessage().size();
    }

    public static void main(String[] args) throws Exception {
        String wsdl = args[0], endpoint = args[1], client = args[2], secret = args[3], token = args[4];
        IPwsProjectorServices port =
            new PwsProjectorServices(new URL(wsdl)).getBasicHttpBindingIPwsProjectorServices();
        ((BindingProvider) port).getRequestContext().put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, endpoint);
        ObjectFactory f = new ObjectFactory();

        PwsAcquireOauth2TokenRq acquire = new PwsAcquireOauth2TokenRq();
        acquire.setRequestId(7);
        acquire.setClientIdentifier(f.createPwsAcquireOauth2TokenRqClientIdentifier(client));
        acquire.setClientSecret(f.createPwsAcquireOauth2TokenRqClientSecret(secret));
        acquire.setGrantType(f.createPwsAcquireOauth2TokenRqGrantType("refresh_token"));
        acquire.setRefreshToken(f.createPwsAcquireOauth2TokenRqRefreshToken(token));
        PwsAcquireOauth2TokenRs a = port.pwsAcquireOauth2Token(acquire);
        System.out.println("acquire.Status=" + a.getStatus().value());
        System.out.println("acquire.ResponseId=" + a.getResponseId());
        System.out.println("acquire.Messages=" + count(a.getMessages()));
        System.out.println("acquire.AccessToken=" + text(a.getAccessToken()));
        System.out.println("acquire.ExpiresInSeconds=" + a.getExpiresInSeconds());
        System.out.println("acquire.RedirectUrl=" + text(a.getRedirectUrl()));
        System.out.println("acquire.RefreshToken=" + text(a.getRefreshToken()));
        System.out.println("acquire.SoapServiceAuthority=" + text(a.getSoapServiceAuthority()));
        System.out.println("acquire.TokenType=" + text(a.getTokenType()));

        PwsRevokeOauth2RefreshTokenRq revoke = new PwsRevokeOauth2RefreshTokenRq();
        revoke.setRequestId(8);
        revoke.setClientIdentifier(f.createPwsRevokeOauth2RefreshTokenRqClientIdentifier(client));
        revoke.setClientSecret(f.createPwsRevokeOauth2RefreshTokenRqClientSecret(secret));
        revoke.setToken(f.createPwsRevokeOauth2RefreshTokenRqToken(token));
        PwsRevokeOauth2RefreshTokenRs r = port.pwsRevokeOauth2RefreshToken(revoke);
        System.out.println("revoke.Status=" + r.getStatus().value());
        System.out.println("revoke.ResponseId=" + r.getResponseId());
        System.out.println("revoke.Messages=" + count(r.getMessages()));
        System.out.println("revoke.RedirectUrl=" + text(r.getRedirectUrl()));
    }
}
"""


def _check_answers(answers: dict[str, str | int | None], fake) -> None:
    """The same checks whatever the client: ``None`` (or ``<nil>``) is a nil field."""
    assert answers["acquire.Status"] == "Ok", answers
    assert answers["acquire.ResponseId"] == 7
    assert answers["acquire.Messages"] == 0
    assert len(str(answers["acquire.AccessToken"])) == SESSION_TICKET_LENGTH
    assert answers["acquire.ExpiresInSeconds"] == 3600
    assert answers["acquire.RedirectUrl"] is None
    assert answers["acquire.RefreshToken"] == SAMPLE_TOKEN  # not rotated by default
    assert answers["acquire.SoapServiceAuthority"] == fake.base_url
    assert answers["acquire.TokenType"] == "projector_session_ticket"
    assert fake.access_token_state(str(answers["acquire.AccessToken"])) == "revoked"  # the revoke ended it
    assert answers["revoke.Status"] == "Ok", answers
    assert answers["revoke.ResponseId"] == 8
    assert answers["revoke.Messages"] == 0
    assert answers["revoke.RedirectUrl"] is None
    assert fake.token_state(SAMPLE_TOKEN) == "revoked"
    fake.assert_called("PwsAcquireOauth2Token", count=1, status="Ok")
    fake.assert_called("PwsRevokeOauth2RefreshToken", count=1, status="Ok")


# --- zeep ----------------------------------------------------------------------------------
@pytest.mark.parametrize("query", QUERIES)
def test_zeep_client_from_metadata_calls_both_operations(fake_projector, query):
    service = zeep.Client(f"{fake_projector.url}?{query}").service
    a = service.PwsAcquireOauth2Token(
        serviceRequest={
            "RequestId": 7,
            "ClientIdentifier": SAMPLE_CLIENT,
            "ClientSecret": SAMPLE_SECRET,
            "GrantType": "refresh_token",
            "RefreshToken": SAMPLE_TOKEN,
        }
    )
    r = service.PwsRevokeOauth2RefreshToken(
        serviceRequest={
            "RequestId": 8,
            "ClientIdentifier": SAMPLE_CLIENT,
            "ClientSecret": SAMPLE_SECRET,
            "Token": SAMPLE_TOKEN,
        }
    )
    answers: dict[str, str | int | None] = {
        f"acquire.{name}": a[name]
        for name in ("Status", "ResponseId", "AccessToken", "ExpiresInSeconds", "RedirectUrl", "RefreshToken")
    }
    answers |= {f"acquire.{n}": a[n] for n in ("SoapServiceAuthority", "TokenType")}
    answers |= {f"revoke.{n}": r[n] for n in ("Status", "ResponseId", "RedirectUrl")}
    answers["acquire.Messages"] = len(a.Messages.PwsMessage) if a.Messages else 0
    answers["revoke.Messages"] = len(r.Messages.PwsMessage) if r.Messages else 0
    _check_answers(answers, fake_projector)


# --- JAX-WS wsimport -----------------------------------------------------------------------
def _jaxws_jars() -> Path | None:
    """Where the JAX-WS runtime jars are: Debian's /usr/share/java, or $JAXWS_HOME/lib."""
    candidates = [Path(os.environ["JAXWS_HOME"]) / "lib"] if os.environ.get("JAXWS_HOME") else []
    candidates += [Path("/usr/share/java"), Path("/usr/share/jaxws/lib")]
    return next(
        (d for d in candidates if (d / "jaxws-rt.jar").is_file() and (d / "jaxws-api.jar").is_file()), None
    )


def _run(command: list[str], cwd: Path, what: str) -> str:
    # Short JVM runs: the C1 compiler alone starts faster and is plenty for a few calls.
    env = {**os.environ, "WSIMPORT_OPTS": "-XX:TieredStopAtLevel=1"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


class JaxWs:
    """Generated and compiled clients, one per metadata query, kept for the session."""

    def __init__(self, root: Callable[[str], Path], jars: Path) -> None:
        self._mktemp = root
        self._jars = jars
        self._built: dict[str, Path] = {}
        self.classpath = os.pathsep.join(
            [
                "main",
                "classes",
                *(str(jars / jar) for jar in ("jaxws-rt.jar", "jaxws-api.jar", "jaxb-api.jar")),
            ]
        )

    def build(self, query: str, service_url: str) -> Path:
        """wsimport from ``service_url?query``, compile the sources and :data:`JAVA_MAIN`;
        the directory to run ``CallFake`` in."""
        if query not in self._built:
            work = self._mktemp(f"jaxws-{query}")
            for sub in ("src", "classes", "main"):
                (work / sub).mkdir()
            _run(
                ["wsimport", "-keep", "-s", "src", "-d", "classes", "-p", "gen", f"{service_url}?{query}"],
                work,
                "wsimport",
            )
            (work / "main" / "CallFake.java").write_text(JAVA_MAIN, encoding="utf-8")
            api = os.pathsep.join(str(self._jars / jar) for jar in ("jaxws-api.jar", "jaxb-api.jar"))
            _run(
                ["javac", "-nowarn", "-cp", f"classes{os.pathsep}{api}", "-d", "main", "main/CallFake.java"],
                work,
                "javac",
            )
            self._built[query] = work
        return self._built[query]


@pytest.fixture(scope="session")
def jaxws(tmp_path_factory) -> JaxWs:
    missing = [tool for tool in ("wsimport", "javac", "java") if shutil.which(tool) is None]
    jars = _jaxws_jars()
    if missing or jars is None:
        pytest.skip(
            "JAX-WS generator tests need wsimport, javac and java plus the JAX-WS runtime jars "
            f"(Debian: apt-get install jaxws default-jdk-headless); missing: {missing or ['jaxws-rt.jar']}"
        )
    return JaxWs(tmp_path_factory.mktemp, jars)


def _parse(output: str) -> dict[str, str | int | None]:
    answers: dict[str, str | int | None] = {}
    for line in output.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.startswith(("acquire.", "revoke.")):
            answers[key] = None if value == "<nil>" else int(value) if value.lstrip("-").isdigit() else value
    return answers


@pytest.mark.slow
@pytest.mark.parametrize("query", QUERIES)
def test_jaxws_wsimport_client_from_metadata_calls_both_operations(fake_projector, jaxws, query):
    work = jaxws.build(query, fake_projector.url)
    output = _run(
        [
            "java",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            jaxws.classpath,
            "CallFake",
            f"{fake_projector.url}?{query}",
            fake_projector.url,
            SAMPLE_CLIENT,
            SAMPLE_SECRET,
            SAMPLE_TOKEN,
        ],
        work,
        "the generated JAX-WS client",
    )
    _check_answers(_parse(output), fake_projector)


# --- PHP SoapClient ------------------------------------------------------------------------
PHP_MAIN = """\
<?php
// Calls both OAuth operations through a SoapClient built from the WSDL; prints key=value lines.
[$_, $wsdl, $endpoint, $client, $secret, $token] = $argv;
$soap = new SoapClient($wsdl, ['location' => $endpoint, 'cache_wsdl' => WSDL_CACHE_NONE]);
function text($v) { return $v === null ? '<nil>' : (string)$v; }
function messages($m) {
    if ($m === null || !isset($m->PwsMessage)) return 0;
    return is_array($m->PwsMessage) ? count($m->PwsMessage) : 1;
}
$a = $soap->PwsAcquireOauth2Token(['serviceRequest' => ['RequestId' => 7, 'ClientIdentifier' => $client,
    'ClientSecret' => $secret, 'GrantType' => 'refresh_token', 'RefreshToken' => $token]])->PwsAcquireOauth2TokenResult;
foreach (['Status', 'ResponseId', 'AccessToken', 'ExpiresInSeconds', 'RedirectUrl', 'RefreshToken',
          'SoapServiceAuthority', 'TokenType'] as $f) echo "acquire.$f=" . text($a->$f ?? null) . "\\n";
echo "acquire.Messages=" . messages($a->Messages ?? null) . "\\n";
$r = $soap->PwsRevokeOauth2RefreshToken(['serviceRequest' => ['RequestId' => 8, 'ClientIdentifier' => $client,
    'ClientSecret' => $secret, 'Token' => $token]])->PwsRevokeOauth2RefreshTokenResult;
foreach (['Status', 'ResponseId', 'RedirectUrl'] as $f) echo "revoke.$f=" . text($r->$f ?? null) . "\\n";
echo "revoke.Messages=" . messages($r->Messages ?? null) . "\\n";
"""


@pytest.fixture(scope="session")
def php_script(tmp_path_factory) -> Path:
    php = shutil.which("php")
    has_soap = (
        php is not None
        and subprocess.run(
            [php, "-r", "exit(class_exists('SoapClient') ? 0 : 1);"],
            capture_output=True,
            check=False,
            timeout=30,
        ).returncode
        == 0
    )
    if not has_soap:
        pytest.skip(
            "PHP generator tests need php with the soap extension (Debian: apt-get install php-cli php-soap)"
        )
    script = tmp_path_factory.mktemp("php") / "call_fake.php"
    script.write_text(PHP_MAIN, encoding="utf-8")
    return script


def _script_answers(
    interpreter: str, script: Path, fake, query: str, what: str
) -> dict[str, str | int | None]:
    """What a client that ``interpreter script`` builds at run time from ``?query`` printed."""
    command = [
        interpreter,
        str(script),
        f"{fake.url}?{query}",
        fake.url,
        SAMPLE_CLIENT,
        SAMPLE_SECRET,
        SAMPLE_TOKEN,
    ]
    return _parse(_run(command, script.parent, what))


@pytest.mark.parametrize("query", QUERIES)
def test_php_soapclient_from_metadata_calls_both_operations(fake_projector, php_script, query):
    answers = _script_answers("php", php_script, fake_projector, query, "the PHP SoapClient")
    _check_answers(answers, fake_projector)


# --- Mono wsdl (.NET SoapHttpClientProtocol) -----------------------------------------------
CSHARP_MAIN = """\
using System;
/// Calls both OAuth operations through the generated proxy; prints key=value lines.
public static class CallFake {
    static string Text(string s) { return s == null ? "<nil>" : s; }
    static int Count(PwsMessage[] m) { return m == null ? 0 : m.Length; }
    public static int Main(string[] args) {
        var svc = new PwsProjectorServices();
        svc.Url = args[0];
        var a = svc.PwsAcquireOauth2Token(new PwsAcquireOauth2TokenRq {
            RequestId = 7, RequestIdSpecified = true, ClientIdentifier = args[1], ClientSecret = args[2],
            GrantType = "refresh_token", RefreshToken = args[3] });
        Console.WriteLine("acquire.Status=" + a.Status);
        Console.WriteLine("acquire.ResponseId=" + a.ResponseId);
        Console.WriteLine("acquire.Messages=" + Count(a.Messages));
        Console.WriteLine("acquire.AccessToken=" + Text(a.AccessToken));
        Console.WriteLine("acquire.ExpiresInSeconds=" + a.ExpiresInSeconds);
        Console.WriteLine("acquire.RedirectUrl=" + Text(a.RedirectUrl));
        Console.WriteLine("acquire.RefreshToken=" + Text(a.RefreshToken));
        Console.WriteLine("acquire.SoapServiceAuthority=" + Text(a.SoapServiceAuthority));
        Console.WriteLine("acquire.TokenType=" + Text(a.TokenType));
        var r = svc.PwsRevokeOauth2RefreshToken(new PwsRevokeOauth2RefreshTokenRq {
            RequestId = 8, RequestIdSpecified = true, ClientIdentifier = args[1], ClientSecret = args[2],
            Token = args[3] });
        Console.WriteLine("revoke.Status=" + r.Status);
        Console.WriteLine("revoke.ResponseId=" + r.ResponseId);
        Console.WriteLine("revoke.Messages=" + Count(r.Messages));
        Console.WriteLine("revoke.RedirectUrl=" + Text(r.RedirectUrl));
        return 0;
    }
}
"""


class MonoWsdl:
    """Proxies generated by Mono's ``wsdl`` and compiled with ``mcs``, one per query, kept."""

    def __init__(self, root: Callable[[str], Path]) -> None:
        self._mktemp = root
        self._built: dict[str, Path] = {}

    def build(self, query: str, service_url: str) -> Path:
        """The compiled ``callfake.exe`` for ``service_url?query``."""
        if query not in self._built:
            work = self._mktemp(f"mono-{query}")
            _run(["wsdl", "-nologo", "-out:Proxy.cs", f"{service_url}?{query}"], work, "Mono's wsdl")
            (work / "CallFake.cs").write_text(CSHARP_MAIN, encoding="utf-8")
            _run(
                ["mcs", "-nologo", "-nowarn:0649", "-out:callfake.exe", "-r:System.Web.Services.dll",
                 "Proxy.cs", "CallFake.cs"],
                work,
                "mcs",
            )  # fmt: skip
            self._built[query] = work / "callfake.exe"
        return self._built[query]


@pytest.fixture(scope="session")
def mono_wsdl(tmp_path_factory) -> MonoWsdl:
    missing = [tool for tool in ("wsdl", "mcs", "mono") if shutil.which(tool) is None]
    if missing:
        pytest.skip(
            f"Mono generator tests need wsdl, mcs and mono (Debian: apt-get install mono-devel); missing: {missing}"
        )
    return MonoWsdl(tmp_path_factory.mktemp)


@pytest.mark.slow
@pytest.mark.parametrize("query", QUERIES)
def test_mono_wsdl_client_from_metadata_calls_both_operations(fake_projector, mono_wsdl, query):
    program = mono_wsdl.build(query, fake_projector.url)
    output = _run(
        ["mono", str(program), fake_projector.url, SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN],
        program.parent,
        "the generated .NET client",
    )
    _check_answers(_parse(output), fake_projector)


# --- node-soap -----------------------------------------------------------------------------
#: Where the node-soap package is installed for these tests (git-ignored; ``.ci/run`` fills it).
NODE_PREFIX = ROOT / ".node"
NODE_MAIN = """\
// Calls both OAuth operations through node-soap's client built from the WSDL; prints key=value lines.
const soap = require("soap");
const [wsdl, endpoint, client, secret, token] = process.argv.slice(2);
const text = (v) => (v === null || v === undefined ? "<nil>" : String(v));
const messages = (m) => (m && m.PwsMessage ? [].concat(m.PwsMessage).length : 0);
(async () => {
  const c = await soap.createClientAsync(wsdl, { endpoint });
  const [a] = await c.PwsAcquireOauth2TokenAsync({ serviceRequest: { RequestId: 7, ClientIdentifier: client,
    ClientSecret: secret, GrantType: "refresh_token", RefreshToken: token } });
  const ar = a.PwsAcquireOauth2TokenResult;
  for (const f of ["Status", "ResponseId", "AccessToken", "ExpiresInSeconds", "RedirectUrl", "RefreshToken",
                   "SoapServiceAuthority", "TokenType"]) console.log(`acquire.${f}=${text(ar[f])}`);
  console.log(`acquire.Messages=${messages(ar.Messages)}`);
  const [r] = await c.PwsRevokeOauth2RefreshTokenAsync({ serviceRequest: { RequestId: 8, ClientIdentifier: client,
    ClientSecret: secret, Token: token } });
  const rr = r.PwsRevokeOauth2RefreshTokenResult;
  for (const f of ["Status", "ResponseId", "RedirectUrl"]) console.log(`revoke.${f}=${text(rr[f])}`);
  console.log(`revoke.Messages=${messages(rr.Messages)}`);
})().catch((e) => { console.error(e); process.exit(1); });
"""


@pytest.fixture(scope="session")
def node_script(tmp_path_factory) -> Path:
    modules = NODE_PREFIX / "node_modules"
    if shutil.which("node") is None or not (modules / "soap" / "package.json").is_file():
        pytest.skip(f"node-soap generator tests need node and the soap package in {NODE_PREFIX} "
                    "(npm install --prefix .node soap@1)")  # fmt: skip
    script = tmp_path_factory.mktemp("node") / "call_fake.js"
    script.write_text(NODE_MAIN, encoding="utf-8")
    return script


@pytest.mark.parametrize("query", QUERIES)
def test_node_soap_client_from_metadata_calls_both_operations(
    fake_projector, node_script, query, monkeypatch
):
    monkeypatch.setenv("NODE_PATH", str(NODE_PREFIX / "node_modules"))
    answers = _script_answers("node", node_script, fake_projector, query, "the node-soap client")
    _check_answers(answers, fake_projector)
