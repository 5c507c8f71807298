// Sign-in for agents and experts: OpenID Connect, Authorization Code with PKCE, in a small module of our own (no
// build step, no third-party code). Tokens live in this tab's sessionStorage only: closing the tab signs out.
// Citizens never need it: every identification flow works without an account.

const KEY = "basegun.auth";
const PENDING = "basegun.auth.pending";
const REFRESH_MARGIN_S = 30;

let settings; // {issuer, client_id} or null when sign-in is off
let provider; // the provider's discovery document
let me; // the signed-in user, as GET /api/v1/me gives it

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function randomString() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function challengeOf(verifier) {
  return base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
}

function redirectUri() {
  return new URL(".", location.href).href.split(/[?#]/)[0];
}

/** Sign-in settings from the API; null when this service has no sign-in. */
export async function signInSettings() {
  if (settings === undefined) {
    try {
      const response = await fetch("api/v1/auth/config", { headers: { accept: "application/json" } });
      settings = response.ok ? await response.json() : null;
    } catch {
      settings = null;
    }
  }
  return settings;
}

async function discovery() {
  if (!provider) {
    const { issuer } = await signInSettings();
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    if (!response.ok) throw new Error(`discovery: HTTP ${response.status}`);
    provider = await response.json();
  }
  return provider;
}

function stored() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) ?? null;
  } catch {
    return null;
  }
}

function keep(tokens) {
  const expiresAt = Date.now() / 1000 + Number(tokens.expires_in || 60);
  const previous = stored() ?? {};
  sessionStorage.setItem(
    KEY,
    JSON.stringify({
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token ?? previous.refresh_token,
      id_token: tokens.id_token ?? previous.id_token,
      expires_at: expiresAt,
    }),
  );
}

async function tokenRequest(fields) {
  const { token_endpoint: endpoint } = await discovery();
  const { client_id: clientId } = await signInSettings();
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: clientId, ...fields }),
  });
  if (!response.ok) throw new Error(`token: HTTP ${response.status}`);
  return response.json();
}

/** Go to the provider's sign-in page; back here, `completeSignIn()` finishes and returns to `returnTo`. */
export async function signIn(returnTo) {
  const { authorization_endpoint: endpoint } = await discovery();
  const { client_id: clientId } = await signInSettings();
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const query = new URLSearchParams({
    client_id: clientId,
    response_type: "code",
    scope: "openid profile email",
    redirect_uri: redirectUri(),
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
    state,
    nonce: randomString(),
  });
  location.assign(`${endpoint}?${query}`);
}

/** On the way back from the provider: trade the code for tokens. Returns the screen to show, or null. */
export async function completeSignIn() {
  const params = new URLSearchParams(location.search);
  if (!params.has("code") && !params.has("error")) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, "", redirectUri() + location.hash);
  if (!pending || params.get("state") !== pending.state || !params.has("code")) return "account";
  try {
    keep(
      await tokenRequest({
        grant_type: "authorization_code",
        code: params.get("code"),
        redirect_uri: redirectUri(),
        code_verifier: pending.verifier,
      }),
    );
  } catch (error) {
    console.warn("sign-in failed:", error.message);
  }
  return pending.returnTo || "account";
}

function forget() {
  sessionStorage.removeItem(KEY);
  me = undefined;
}

/** A valid access token (refreshed when about to expire), or null when signed out. */
export async function accessToken() {
  const tokens = stored();
  if (!tokens) return null;
  if (tokens.expires_at - REFRESH_MARGIN_S > Date.now() / 1000) return tokens.access_token;
  if (!tokens.refresh_token) {
    forget();
    return null;
  }
  try {
    keep(await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token }));
    return stored().access_token;
  } catch {
    forget();
    return null;
  }
}

/** The signed-in user ({name, email, roles}) or null. */
export async function currentUser() {
  if (me !== undefined) return me;
  const token = await accessToken();
  if (!token) return null;
  const response = await fetch("api/v1/me", { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) {
    forget();
    return null;
  }
  me = await response.json();
  return me;
}

export function hasRole(user, role) {
  return Boolean(user && (user.roles.includes(role) || user.roles.includes("basegun-admin")));
}

/** Forget the tokens here, then end the provider's session too, coming back to the home screen. */
export async function signOut() {
  const idToken = stored()?.id_token;
  forget();
  const { end_session_endpoint: endpoint } = await discovery();
  if (!endpoint) return false;
  const { client_id: clientId } = await signInSettings();
  const query = new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: `${redirectUri()}#/home` });
  if (idToken) query.set("id_token_hint", idToken);
  location.assign(`${endpoint}?${query}`);
  return true;
}

/** fetch() with the access token; a 401 means the session is over. */
export async function authFetch(path, init = {}) {
  const token = await accessToken();
  const headers = { accept: "application/json", ...(init.headers ?? {}) };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401) forget();
  return response;
}
