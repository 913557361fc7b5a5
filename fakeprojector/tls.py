"""HTTPS for a fake: the certificate it serves, and the CA file a client trusts.

Client apps that refuse ``http://`` service URLs need the fake on HTTPS. Two ways:

* generated (``tls=True``, ``serve --tls``): at the first start a throwaway CA and a server
  certificate it signs for ``localhost``, ``127.0.0.1`` and ``::1`` (ECDSA P-256, made in
  about half a millisecond; `benchmarks/README.md`), with the ``cryptography`` package, the
  optional extra ``fakeprojector[tls]``. The CA certificate is written to a file (``ca_file``)
  for clients to trust; the private keys never stay on disk.
* the user's own (``tls_cert``/``tls_key``, ``--tls-cert``/``--tls-key``): PEM files loaded
  with the standard library's :mod:`ssl`, no extra needed.

Every problem with the options is an :class:`~fakeprojector.options.OptionError` naming the
option (``tls_key: key.pem is not the private key of the certificate in cert.pem``), raised
before anything is bound. Why ``cryptography`` (and not the ``openssl`` binary or trustme) is
in docs/standalone-server.md, "TLS".
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakeprojector.options import OptionError

#: The names the generated certificate is valid for: the loopback names a client may use [choice].
NAMES = ("localhost", "127.0.0.1", "::1")
#: How long generated certificates are valid; made anew at each process start.
VALIDITY = datetime.timedelta(days=30)
#: Accepted a day early, for a client whose clock is a little behind.
BACKDATE = datetime.timedelta(days=1)
EXTRA_HINT = "pip install 'fakeprojector[tls]'"


def _missing_cryptography() -> str | None:
    """Why certificates cannot be generated here, or ``None`` when they can."""
    try:
        import cryptography.x509  # noqa: F401
    except ImportError as exc:
        return (
            f"making a certificate needs the 'cryptography' package ({exc.name or exc} is missing): "
            f"{EXTRA_HINT}, or give your own with tls_cert and tls_key"
        )
    return None


@dataclass(frozen=True)
class Generated:
    """PEM bytes of a generated CA and of the server certificate and key it signed."""

    ca_cert: bytes
    cert: bytes
    key: bytes


def generate(names: tuple[str, ...] = NAMES) -> Generated:
    """A CA and a server certificate for ``names`` (DNS names or IP addresses) signed by it.

    Both carry the extensions strict verifiers ask for (Python 3.13's default
    ``VERIFY_X509_STRICT``: key identifiers, critical basic constraints and key usage), so a
    client's default context, given the CA, accepts them.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    key = ec.generate_private_key(ec.SECP256R1())
    # a serial in the CA's name too: every start makes a different CA, and a trust store
    # holding two of them must not confuse them
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "fakeprojector"),
            x509.NameAttribute(
                NameOID.COMMON_NAME, f"fakeprojector test CA {x509.random_serial_number():x}"[:64]
            ),
        ]
    )
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    alt_names: list[x509.GeneralName] = []
    for name in names:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt_names.append(x509.DNSName(name))
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return Generated(
        ca_cert=ca.public_bytes(serialization.Encoding.PEM),
        cert=cert.public_bytes(serialization.Encoding.PEM),
        key=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def server_context() -> ssl.SSLContext:
    """A server context: TLS 1.2 or later, HTTP/1.1 offered by ALPN (a client asking for
    HTTP/2 falls back to it at once)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    return context


class _EncryptedKeyError(Exception):
    """The key file asked for a password: refused, rather than OpenSSL prompting on the terminal."""


def _refuse_password() -> bytes:
    raise _EncryptedKeyError


def _readable(option: str, value: Any) -> Path:
    if not isinstance(value, (str, os.PathLike)) or not str(value).strip():
        raise OptionError(
            option, f"must be the path of a PEM file, not {type(value).__name__} {value!r}"[:120]
        )
    path = Path(value)
    try:
        path.read_bytes()
    except FileNotFoundError:
        raise OptionError(option, f"no such file: {path}") from None
    except IsADirectoryError:
        raise OptionError(option, f"{path} is a directory, not a file") from None
    except OSError as exc:
        raise OptionError(option, f"cannot read {path}: {exc.strerror or exc}") from None
    return path


def load_pair(cert: Any, key: Any) -> ssl.SSLContext:
    """A server context on the user's PEM certificate (chain) and key; ``key`` may be
    ``None`` when the certificate file holds the key too (as :mod:`ssl` allows)."""
    cert_path = _readable("tls_cert", cert)
    key_path = _readable("tls_key", key) if key is not None else None
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # empty: only what the file holds
    try:
        probe.load_verify_locations(cafile=str(cert_path))
    except ssl.SSLError:
        raise OptionError("tls_cert", f"{cert_path} holds no PEM certificate") from None
    context = server_context()
    try:
        context.load_cert_chain(
            str(cert_path), str(key_path) if key_path else None, password=_refuse_password
        )
    except _EncryptedKeyError:
        raise OptionError(
            "tls_key", f"{key_path or cert_path}: the private key is encrypted; give an unencrypted one"
        ) from None
    except ssl.SSLError as exc:
        if key_path is None:
            raise OptionError("tls_key", f"needed: {cert_path} holds no private key") from None
        if exc.reason == "KEY_VALUES_MISMATCH":
            raise OptionError(
                "tls_key", f"{key_path} is not the private key of the certificate in {cert_path}"
            ) from None
        raise OptionError("tls_key", f"{key_path} holds no PEM private key") from None
    return context


class Tls:
    """How one fake serves HTTPS; checked when the fake is built, used at each start.

    Generated material is made once, at the first :meth:`start`, and kept in memory, so a
    fake restarted keeps its CA. The CA file is written at each start into a fresh private
    temporary folder (never one whose name is already known, which another local user could
    have made in the meantime) and removed with it at :meth:`stop`.
    """

    def __init__(self, enabled: Any, cert: Any = None, key: Any = None) -> None:
        if not isinstance(enabled, bool):
            raise OptionError("tls", f"must be True or False, not {type(enabled).__name__} {enabled!r}"[:120])
        if key is not None and cert is None:
            raise OptionError("tls_key", "needs the certificate too (tls_cert, --tls-cert)")
        self.enabled = enabled or cert is not None
        self.generated = self.enabled and cert is None
        self.ca_file: Path | None = None
        self._context: ssl.SSLContext | None = None
        self._ca_pem = b""
        if cert is not None:
            self._context = load_pair(cert, key)
        elif self.generated:
            problem = _missing_cryptography()
            if problem is not None:
                raise OptionError("tls", problem)

    @property
    def scheme(self) -> str:
        return "https" if self.enabled else "http"

    def start(self) -> ssl.SSLContext | None:
        """The context to serve with (``None``: plain HTTP); writes the CA file when generated."""
        if not self.enabled:
            return None
        if self._context is None:
            self._context = self._generated_context()
        if self.generated:
            folder = Path(tempfile.mkdtemp(prefix="fakeprojector-tls-"))
            (folder / "ca.pem").write_bytes(self._ca_pem)
            folder.chmod(0o755)  # the CA certificate is public: a client running as another user may read it
            self.ca_file = folder / "ca.pem"
        return self._context

    def stop(self) -> None:
        """Remove the CA file and its folder: nothing is left behind in the temp folder."""
        if self.ca_file is not None:
            shutil.rmtree(self.ca_file.parent, ignore_errors=True)
            self.ca_file = None

    def _generated_context(self) -> ssl.SSLContext:
        made = generate()
        self._ca_pem = made.ca_cert
        # ssl loads a key from a file only: a private (0700) folder, removed at once
        folder = Path(tempfile.mkdtemp(prefix="fakeprojector-key-"))
        try:
            (folder / "server.pem").write_bytes(made.cert + made.ca_cert)
            (folder / "server.key").write_bytes(made.key)
            context = server_context()
            context.load_cert_chain(str(folder / "server.pem"), str(folder / "server.key"))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return context
