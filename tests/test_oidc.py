"""Bearer tokens against a real OIDC provider on loopback: what is accepted, what is refused, how keys are fetched."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from basegun.accounts.oidc import OidcVerifier, ProviderUnavailable, check_provider_url
from basegun.accounts.users import Role
from basegun.errors import InvalidToken
from basegun.settings import Settings
from tests.oidc_provider import OidcProvider


@pytest.fixture
def verifier(oidc: OidcProvider) -> OidcVerifier:
    return OidcVerifier(oidc.issuer, "basegun")


def _unsigned(claims: dict, alg: str = "none") -> str:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': alg, 'typ': 'JWT', 'kid': 'rsa-1'})}.{part(claims)}."


def test_verify_agent_token_gives_user_and_roles(oidc: OidcProvider, verifier: OidcVerifier) -> None:
    user = verifier.verify(oidc.token("agent"))
    assert user.subject == "agent-1"
    assert user.name == "Camille Agent"
    assert user.email == "camille.agent@gendarmerie.test"
    assert user.roles == {Role.AGENT}  # offline_access, not Basegun's, is left out


@pytest.mark.parametrize("email", ["a@b.test\r\nBcc: c@d.test", "Name <a@b.test>", "no-at-sign", 42])
def test_verify_drops_an_email_that_could_break_a_mail_header(
    oidc: OidcProvider, verifier: OidcVerifier, email: object
) -> None:
    assert verifier.verify(oidc.token("agent", email=email)).email is None


def test_verify_accepts_es256(oidc: OidcProvider, verifier: OidcVerifier) -> None:
    assert verifier.verify(oidc.token("expert", kid="ec-1")).roles == {Role.EXPERT}


def test_verify_reads_roles_from_another_claim(oidc: OidcProvider) -> None:
    verifier = OidcVerifier(oidc.issuer, "basegun", roles_claim="groups")
    assert verifier.verify(oidc.token("agent", groups=["basegun-expert", "other"])).roles == {Role.EXPERT}
    assert verifier.verify(oidc.token("agent")).roles == frozenset()


@pytest.mark.parametrize(
    "case",
    ["other_key", "expired", "not_yet_valid", "wrong_audience", "wrong_issuer", "alg_none", "hs256_public_key",
     "no_sub", "unknown_kid", "garbage", "tampered"],
)  # fmt: skip
def test_verify_refuses_bad_tokens(oidc: OidcProvider, verifier: OidcVerifier, case: str) -> None:
    now = int(time.time())
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        oidc.keys["rsa-1"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    tokens = {
        "other_key": lambda: oidc.token("agent", kid="rsa-1", key=stranger),
        "expired": lambda: oidc.token("agent", exp=now - 120, iat=now - 600),
        "not_yet_valid": lambda: oidc.token("agent", nbf=now + 300),
        "wrong_audience": lambda: oidc.token("agent", aud="another-app"),
        "wrong_issuer": lambda: oidc.token("agent", iss="http://127.0.0.1:1/realms/other"),
        "alg_none": lambda: _unsigned(oidc.claims("agent")),
        "hs256_public_key": lambda: _hs256(oidc.claims("agent"), public_pem),
        "no_sub": lambda: jwt.encode(
            {k: v for k, v in oidc.claims("agent").items() if k != "sub"}, oidc.keys["rsa-1"], "RS256",
            headers={"kid": "rsa-1"},
        ),
        "unknown_kid": lambda: oidc.token("agent", kid="rsa-9", key=stranger),
        "garbage": lambda: "not.a.token",
        "tampered": lambda: _tamper(oidc.token("citizen")),
    }  # fmt: skip
    with pytest.raises(InvalidToken) as error:
        verifier.verify(tokens[case]())
    assert error.value.code == "invalid_token"


def _hs256(claims: dict, secret: bytes) -> str:
    """A token 'signed' with HMAC over the public key: PyJWT itself refuses to make one, so it is built by hand."""
    import hashlib
    import hmac

    def part(value: dict) -> bytes:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=")

    signing_input = part({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}) + b"." + part(claims)
    signature = base64.urlsafe_b64encode(hmac.new(secret, signing_input, hashlib.sha256).digest()).rstrip(b"=")
    return (signing_input + b"." + signature).decode()


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["realm_access"] = {"roles": ["basegun-expert"]}
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_verify_accepts_small_clock_skew(oidc: OidcProvider, verifier: OidcVerifier) -> None:
    now = int(time.time())
    assert verifier.verify(oidc.token("agent", exp=now - 5, nbf=now + 5)).subject == "agent-1"


def test_keys_refetched_on_rotation_at_most_once_a_minute(
    oidc: OidcProvider, verifier: OidcVerifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    verifier.verify(oidc.token("agent"))
    fetched = oidc.jwks_fetches
    for _ in range(5):  # made-up key ids do not make Basegun fetch the keys again and again
        with pytest.raises(InvalidToken):
            verifier.verify(oidc.token("agent", kid="made-up", key=oidc.keys["rsa-1"]))
    assert oidc.jwks_fetches == fetched
    new_kid = oidc.rotate()
    token = oidc.token("agent", kid=new_kid)
    with pytest.raises(InvalidToken):  # within the minute: not fetched yet
        verifier.verify(token)
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now + 61)  # a minute later
    assert verifier.verify(token).subject == "agent-1"
    assert oidc.jwks_fetches == fetched + 1
    verifier.verify(oidc.token("agent"))  # known keys need no fetch
    assert oidc.jwks_fetches == fetched + 1


def test_unreachable_provider_is_unavailable_not_invalid() -> None:
    verifier = OidcVerifier("http://127.0.0.1:9/realms/none", "basegun")
    token = jwt.encode({"sub": "x"}, rsa.generate_private_key(65537, 2048), "RS256", headers={"kid": "k"})
    for _ in range(2):  # tried once a minute at most, and said unavailable meanwhile
        with pytest.raises(ProviderUnavailable):
            verifier.verify(token)


@pytest.mark.parametrize("keys", [{"keys": "not a list"}, {"keys": []}, ["not", "an", "object"]])
def test_a_key_set_that_makes_no_sense_is_unavailable_not_a_crash(
    oidc: OidcProvider, verifier: OidcVerifier, monkeypatch: pytest.MonkeyPatch, keys: object
) -> None:
    monkeypatch.setattr(oidc, "jwks", lambda: keys)
    with pytest.raises(ProviderUnavailable):
        verifier.verify(oidc.token("agent"))


def test_discovery_naming_another_issuer_is_refused(oidc: OidcProvider) -> None:
    verifier = OidcVerifier(oidc.issuer.replace("127.0.0.1", "localhost"), "basegun")
    with pytest.raises(ProviderUnavailable):
        verifier.verify(oidc.token("agent"))


@pytest.mark.parametrize("url", ["http://sso.interieur.gouv.fr/realms/x", "ftp://127.0.0.1/x", "https:///x"])
def test_issuer_over_plain_http_refused_off_loopback(url: str) -> None:
    with pytest.raises(ValueError, match="https"):
        check_provider_url(url)
    with pytest.raises(ValueError, match="https"):
        Settings(oidc_issuer=url)


@pytest.mark.parametrize("url", ["https://sso.interieur.gouv.fr/realms/x", "http://localhost:8080/x", "http://[::1]/x"])
def test_issuer_allowed(url: str) -> None:
    assert Settings(oidc_issuer=url).oidc_issuer == url


def test_provider_with_an_untrusted_certificate_is_refused(tmp_path) -> None:
    """Over https the certificate is checked: a self-signed one (as a man in the middle would offer) is refused."""
    import datetime
    import ipaddress
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    served: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *_: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        verifier = OidcVerifier(f"https://127.0.0.1:{server.server_address[1]}/realms/x", "basegun")
        token = jwt.encode({"sub": "x"}, key, "RS256", headers={"kid": "k"})
        with pytest.raises(ProviderUnavailable):
            verifier.verify(token)
        assert served == []  # the handshake failed: nothing was asked of the impostor
    finally:
        server.shutdown()
        server.server_close()
