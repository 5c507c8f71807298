"""Bearer tokens from the OIDC provider (Keycloak in development): signature, issuer, audience, time, roles.

The provider is found by its discovery document; its signing keys (JWKS) are fetched over verified TLS and cached by
PyJWT's `PyJWKClient`, fetched again when a token names a key not seen yet (key rotation), at most once a minute so
that made-up key ids cannot make Basegun hammer the provider. Only asymmetric signatures are accepted (RS256,
ES256): never `none`, never HS* (which would let anyone holding the public key sign). Plain http is allowed for a
provider on loopback only.
"""

from __future__ import annotations

import json
import logging
import re
import ssl
import threading
import time
import urllib.request
from typing import Any

import jwt

from basegun.accounts.users import Role, User
from basegun.errors import BasegunError, InvalidToken
from basegun.settings import check_provider_url

log = logging.getLogger(__name__)

ALGORITHMS = {"RS256": "RSA", "ES256": "EC"}  # algorithm → the key type that must sign it
LEEWAY_SECONDS = 30  # clocks of the provider and of Basegun may differ a little
REFRESH_INTERVAL = 60.0  # the JWKS is fetched again on an unknown key id at most this often
KEYS_LIFESPAN = 3600.0  # known keys are fetched again this often, so that a withdrawn key stops being trusted
MAX_DOCUMENT_BYTES = 1 << 20
EMAIL = re.compile(r"[^\s@<>,;\"]{1,64}@[^\s@<>,;\"]{1,255}")


class ProviderUnavailable(BasegunError):
    """The OIDC provider cannot be reached or answers nonsense: sign-in is impossible for now."""

    code = "identity_provider_unavailable"


def _fetch_json(url: str) -> dict[str, Any]:
    context = ssl.create_default_context()  # certificates and host names are verified
    try:
        with urllib.request.urlopen(check_provider_url(url), timeout=10, context=context) as response:  # noqa: S310
            body = response.read(MAX_DOCUMENT_BYTES + 1)
        if len(body) > MAX_DOCUMENT_BYTES:
            raise ValueError("document too large")
        document = json.loads(body)
        if not isinstance(document, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        log.warning("OIDC provider unavailable", extra={"url": url, "error": str(exc)})
        raise ProviderUnavailable("The sign-in service cannot be reached; try again in a moment.") from exc
    return document


class OidcVerifier:
    """Verifies bearer tokens of one issuer for one audience; thread-safe, keys cached between requests."""

    def __init__(self, issuer: str, audience: str, roles_claim: str = "realm_access.roles") -> None:
        self.issuer = check_provider_url(issuer.rstrip("/"))
        self.audience = audience
        self.roles_path = roles_claim.split(".")
        self._lock = threading.Lock()
        self._keys: jwt.PyJWKClient | None = None
        self._failed = -float("inf")

    def discovery(self) -> dict[str, Any]:
        """The provider's discovery document; its `issuer` must be the configured one."""
        document = _fetch_json(f"{self.issuer}/.well-known/openid-configuration")
        if str(document.get("issuer", "")).rstrip("/") != self.issuer:
            raise ProviderUnavailable("The sign-in service names another issuer than the one configured.")
        return document

    def verify(self, token: str) -> User:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("The token is not a signed JWT.") from exc
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise InvalidToken(f"Tokens signed with {algorithm!r} are refused: only RS256 or ES256.")
        key = self._key(str(header.get("kid", "")))
        if key.key_type != ALGORITHMS[algorithm] or key.algorithm_name not in (algorithm, None):
            raise InvalidToken("The token's algorithm does not match its key.")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("The token has expired; sign in again.") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"The token is refused: {exc}.") from exc
        return self._user(claims)

    def _key(self, kid: str) -> jwt.PyJWK:
        """The signing key named by a token, from PyJWT's key client: it caches the provider's keys and fetches
        them again for a key id it has not seen (rotation), at most once per `REFRESH_INTERVAL`."""
        client = self._client()
        try:
            client.get_signing_keys()  # the cached set: unreachable, or not a set of signing keys, is the provider's
        except (jwt.PyJWKClientError, jwt.PyJWKSetError, ValueError) as exc:
            self._failed = time.monotonic()
            log.warning("OIDC signing keys unavailable", extra={"url": client.uri, "error": str(exc)})
            raise ProviderUnavailable("The sign-in service cannot be reached; try again in a moment.") from exc
        try:
            return client.get_signing_key(kid)
        except jwt.PyJWTError as exc:  # a key id the provider does not publish (fetched again after the cooldown)
            raise InvalidToken("The token is signed by a key the sign-in service does not publish.") from exc

    def _client(self) -> jwt.PyJWKClient:
        """The key client, made once from the discovery document; while the provider is unreachable, tried again
        at most once per `REFRESH_INTERVAL` so that a burst of requests does not hammer it."""
        with self._lock:
            if time.monotonic() - self._failed < REFRESH_INTERVAL:
                raise ProviderUnavailable("The sign-in service cannot be reached; try again in a moment.")
            if self._keys is None:
                try:
                    jwks_uri = check_provider_url(str(self.discovery().get("jwks_uri", "")))
                except ProviderUnavailable:
                    self._failed = time.monotonic()
                    raise
                except ValueError as exc:  # a key set address Basegun would not fetch (plain http off loopback)
                    self._failed = time.monotonic()
                    raise ProviderUnavailable("The sign-in service names a key address that is refused.") from exc
                self._keys = jwt.PyJWKClient(
                    jwks_uri,
                    cache_jwk_set=True,
                    lifespan=KEYS_LIFESPAN,
                    cooldown_duration=REFRESH_INTERVAL,
                    timeout=10,
                    ssl_context=ssl.create_default_context(),  # certificates and host names are verified
                )
            return self._keys

    def _user(self, claims: dict[str, Any]) -> User:
        value: Any = claims
        for part in self.roles_path:
            value = value.get(part) if isinstance(value, dict) else None
        known = {role.value for role in Role}
        listed = value if isinstance(value, list) else []
        roles = frozenset(Role(r) for r in listed if isinstance(r, str) and r in known)
        name = claims.get("name") or claims.get("preferred_username") or claims["sub"]
        email = claims.get("email")
        if not (isinstance(email, str) and EMAIL.fullmatch(email)):
            email = None  # never an address that could break a mail header
        return User(subject=str(claims["sub"]), name=str(name), email=email, roles=roles)
