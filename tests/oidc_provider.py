"""A small but real OIDC provider on loopback, for the tests: discovery, JWKS, and tokens signed with its own keys.

It also runs the Authorization Code + PKCE flow (a login page with a user picker, the token endpoint with refresh,
the end-session endpoint), so that the web app signs in against it in Chromium as it would against Keycloak.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

AGENT = ("basegun-agent",)
EXPERT = ("basegun-expert",)
USERS: dict[str, dict[str, Any]] = {
    "agent": {"sub": "agent-1", "name": "Camille Agent", "email": "camille.agent@gendarmerie.test", "roles": AGENT},
    "agent2": {"sub": "agent-2", "name": "Dominique Autre", "email": "dominique@police.test", "roles": AGENT},
    "expert": {"sub": "expert-1", "name": "Alix Expert", "email": "alix.expert@ircgn.test", "roles": EXPERT},
    "citizen": {"sub": "citizen-1", "name": "Sam Citoyen", "email": None, "roles": ()},
}


def _public_jwk(key: Any, kid: str) -> dict[str, Any]:
    algorithm = jwt.algorithms.RSAAlgorithm if isinstance(key, rsa.RSAPrivateKey) else jwt.algorithms.ECAlgorithm
    jwk = json.loads(algorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"}


class OidcProvider:
    """`start()` serves it on a free loopback port; `token(...)` signs an access token as it would issue one."""

    def __init__(self, audience: str = "basegun", client_id: str = "basegun") -> None:
        self.audience = audience
        self.client_id = client_id
        self.keys: dict[str, Any] = {
            "rsa-1": rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "ec-1": ec.generate_private_key(ec.SECP256R1()),
        }
        self.jwks_fetches = 0
        self.codes: dict[str, dict[str, Any]] = {}
        self.refresh_tokens: dict[str, str] = {}
        self.token_lifetime = 300
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}/realms/basegun"

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def rotate(self) -> str:
        """Publish a new RSA key (the old ones stay published), as a provider rotating its keys does."""
        kid = f"rsa-{len(self.keys) + 1}"
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return kid

    def claims(self, user: str = "agent", **overrides: Any) -> dict[str, Any]:
        person = USERS[user]
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": person["sub"],
            "iat": now,
            "exp": now + self.token_lifetime,
            "azp": self.client_id,
            "name": person["name"],
            "preferred_username": user,
            "realm_access": {"roles": [*person["roles"], "offline_access"]},
        }
        if person["email"]:
            claims["email"] = person["email"]
        return {**claims, **overrides}

    def token(self, user: str = "agent", kid: str = "rsa-1", key: Any = None, **overrides: Any) -> str:
        algorithm = "RS256" if isinstance(self.keys.get(kid, key), rsa.RSAPrivateKey) else "ES256"
        return jwt.encode(self.claims(user, **overrides), key or self.keys[kid], algorithm, headers={"kid": kid})

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "jwks_uri": f"{self.issuer}/protocol/openid-connect/certs",
            "authorization_endpoint": f"{self.issuer}/protocol/openid-connect/auth",
            "token_endpoint": f"{self.issuer}/protocol/openid-connect/token",
            "end_session_endpoint": f"{self.issuer}/protocol/openid-connect/logout",
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        }

    def jwks(self) -> dict[str, Any]:
        self.jwks_fetches += 1
        return {"keys": [_public_jwk(key, kid) for kid, key in self.keys.items()]}

    # The Authorization Code + PKCE flow, for the web app.
    def login_page(self, query: dict[str, str]) -> str:
        options = "".join(
            f'<button name="user" value="{name}">{html.escape(person["name"])}</button>'
            for name, person in USERS.items()
        )
        hidden = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in query.items())
        return (
            '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Connexion</title></head><body><main>'
            f'<h1>Connexion de test</h1><form method="post" action="auth">{hidden}{options}</form></main></body></html>'
        )

    def authorize(self, form: dict[str, str]) -> str:
        if form.get("client_id") != self.client_id or form.get("code_challenge_method") != "S256":
            raise ValueError("bad authorization request")
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "user": form["user"],
            "challenge": form["code_challenge"],
            "redirect_uri": form["redirect_uri"],
            "nonce": form.get("nonce"),
        }
        return f"{form['redirect_uri']}?{urlencode({'code': code, 'state': form.get('state', '')})}"

    def exchange(self, form: dict[str, str]) -> dict[str, Any]:
        if form.get("grant_type") == "refresh_token":
            user = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
            if user is None:
                raise ValueError("invalid_grant")
            return self._tokens(user, None)
        grant = self.codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
        if grant is None or grant["challenge"] != challenge or grant["redirect_uri"] != form.get("redirect_uri"):
            raise ValueError("invalid_grant")
        return self._tokens(grant["user"], grant["nonce"])

    def _tokens(self, user: str, nonce: str | None) -> dict[str, Any]:
        refresh = secrets.token_urlsafe(24)
        self.refresh_tokens[refresh] = user
        id_claims = self.claims(user, aud=self.client_id, jti=str(uuid.uuid4()))
        if nonce:
            id_claims["nonce"] = nonce
        id_token = jwt.encode(id_claims, self.keys["rsa-1"], "RS256", headers={"kid": "rsa-1"})
        return {
            "access_token": self.token(user, jti=str(uuid.uuid4())),
            "id_token": id_token,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                return

            def _send(self, status: int, body: str, content_type: str = "application/json", **headers: str) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(data)))
                self.send_header("access-control-allow-origin", "*")
                for name, value in headers.items():
                    self.send_header(name.replace("_", "-"), value)
                self.end_headers()
                self.wfile.write(data)

            def do_OPTIONS(self) -> None:
                self._send(204, "", **{"access_control_allow_headers": "content-type, authorization"})

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                path = parts.path.removeprefix(urlsplit(provider.issuer).path)
                if path == "/.well-known/openid-configuration":
                    self._send(200, json.dumps(provider.discovery()))
                elif path == "/protocol/openid-connect/certs":
                    self._send(200, json.dumps(provider.jwks()))
                elif path == "/protocol/openid-connect/auth":
                    self._send(200, provider.login_page(query), "text/html; charset=utf-8")
                elif path == "/protocol/openid-connect/logout":
                    self._send(302, "", location=query.get("post_logout_redirect_uri", "/"))
                else:
                    self._send(404, "{}")

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                path = urlsplit(self.path).path.removeprefix(urlsplit(provider.issuer).path)
                try:
                    if path == "/protocol/openid-connect/auth":
                        self._send(302, "", location=provider.authorize(form))
                    elif path == "/protocol/openid-connect/token":
                        self._send(200, json.dumps(provider.exchange(form)))
                    else:
                        self._send(404, "{}")
                except (KeyError, ValueError):
                    self._send(400, json.dumps({"error": "invalid_grant"}))

        return Handler
