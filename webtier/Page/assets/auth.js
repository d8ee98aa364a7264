// Sign-in for the page: everything about who the caller is lives in this module.
//
// GET /v1/auth/config says the mode. "none" (or no such route: a web tier without sign-in) means
// local mode: no token, no sign-in button. "oidc" means the authorization-code flow with PKCE S256
// (RFC 7636) run by the page itself as a public client: discovery, redirect to the provider, code
// exchanged for tokens at the token endpoint. The provider's answer must name it as its issuer (RFC
// 9207), so an answer from another provider is not mistaken for it. Tokens live in sessionStorage
// (one tab, gone with it), never localStorage.

const TOKENS_KEY = 'imagerec.auth.tokens';
const FLOW_KEY = 'imagerec.auth.flow';
// A token refused this soon after sign-in is not stale: the web tier does not accept it. Stop
// instead of bouncing between the page and the provider for ever.
const FRESH_TOKEN_MS = 15_000;

export class AuthError extends Error {}

let config = { mode: 'none' };
let discovery = null;
let signingIn = null;

/** The page's own address, where the provider sends the browser back. */
const redirectUri = () => `${location.origin}/`;

/**
 * Reads the sign-in mode and finishes a sign-in the provider just redirected back from.
 * Returns { mode: 'none' | 'oidc', signedIn, user, error } (error: why a sign-in just failed).
 */
export async function initAuth() {
  const response = await fetch('/v1/auth/config', { headers: { Accept: 'application/json' } });
  if (response.status === 404) {
    config = { mode: 'none' };
  } else if (!response.ok) {
    throw new AuthError(`The sign-in settings could not be read (HTTP ${response.status}).`);
  } else {
    config = await response.json();
  }
  if (config.mode !== 'oidc') return { mode: 'none', signedIn: false, user: null, error: null };

  discovery = await discover(config.authority);
  const params = new URLSearchParams(location.search);
  let error = null;
  if (params.has('code') || params.has('error')) {
    try {
      await completeSignIn(params);
    } catch (e) {
      error = e.message;
    }
  }
  const tokens = currentTokens();
  return { mode: 'oidc', signedIn: tokens !== null, user: tokens ? userName(tokens.idToken) : null, error };
}

/** The Authorization header value for API calls, or null (local mode, or not signed in). */
export function authorization() {
  const tokens = currentTokens();
  return tokens ? `Bearer ${tokens.accessToken}` : null;
}

/**
 * Sends the browser to the provider's sign-in page. Once per page: two API calls refused at once (the
 * gallery and the pool panel) would otherwise each start a flow, and the second flow's state would
 * overwrite the first's while the browser is already on its way with the first.
 */
export function signIn() {
  signingIn ??= startSignIn();
  return signingIn;
}

async function startSignIn() {
  if (!globalThis.crypto?.subtle) throw new AuthError('Sign-in needs a secure page (HTTPS, or localhost).');
  const state = randomToken(16);
  const verifier = randomToken(32);
  const challenge = base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(FLOW_KEY, JSON.stringify({ state, verifier }));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: config.scope || 'openid',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/** Forgets the tokens and, when the provider has an end-session endpoint, signs out there too. */
export function signOut() {
  const tokens = currentTokens();
  sessionStorage.removeItem(TOKENS_KEY);
  sessionStorage.removeItem(FLOW_KEY);
  if (config.mode !== 'oidc' || !discovery?.end_session_endpoint) {
    location.assign(redirectUri());
    return;
  }
  const url = new URL(discovery.end_session_endpoint);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    post_logout_redirect_uri: redirectUri(),
    ...(tokens?.idToken ? { id_token_hint: tokens.idToken } : {}),
  }).toString();
  location.assign(url.toString());
}

/** An API call answered 401: the token expired or was revoked, so sign in again. */
export async function handleUnauthorized() {
  const tokens = readTokens();
  sessionStorage.removeItem(TOKENS_KEY);
  if (config.mode !== 'oidc') throw new AuthError('The web tier asks for sign-in, but says sign-in is off.');
  if (tokens && Date.now() - tokens.obtainedAt < FRESH_TOKEN_MS)
    throw new AuthError('Signed in, but the web tier does not accept the token; ask an administrator.');
  await signIn();
}

async function discover(authority) {
  const trimmed = authority.replace(/\/+$/, '');
  const response = await fetch(`${trimmed}/.well-known/openid-configuration`);
  if (!response.ok) throw new AuthError(`The sign-in provider's discovery document could not be read (HTTP ${response.status}).`);
  const metadata = await response.json();
  // OpenID Connect Discovery §4.3: the document must be the configured issuer's own, since its issuer
  // is what the provider's answers are checked against.
  if (typeof metadata.issuer !== 'string' || metadata.issuer.replace(/\/+$/, '') !== trimmed)
    throw new AuthError(`The sign-in provider's discovery document names the issuer "${metadata.issuer}", not "${authority}" as configured.`);
  return metadata;
}

/**
 * RFC 9207 §2.4: an answer naming another issuer is refused (it may come from another provider: a
 * mix-up attack), and so is one naming none from a provider whose discovery says it always names
 * itself. Simple string comparison, as the RFC requires; error answers are checked too.
 */
function checkIssuer(params) {
  const iss = params.get('iss');
  if (iss === null) {
    if (discovery.authorization_response_iss_parameter_supported === true)
      throw new AuthError('Sign-in refused: the answer does not name its issuer (iss), though the provider always does. Try again.');
  } else if (iss !== discovery.issuer) {
    throw new AuthError(`Sign-in refused: the answer comes from the issuer "${iss}", not from "${discovery.issuer}", the provider this page signs in with. Try again.`);
  }
}

async function completeSignIn(params) {
  // The code is single-use and must not linger in the address bar or history.
  history.replaceState(null, '', location.pathname);
  const flow = JSON.parse(sessionStorage.getItem(FLOW_KEY) || 'null');
  sessionStorage.removeItem(FLOW_KEY);
  checkIssuer(params);
  if (params.has('error'))
    throw new AuthError(`Sign-in failed: ${params.get('error_description') || params.get('error')}.`);
  if (!flow || params.get('state') !== flow.state)
    throw new AuthError('Sign-in failed: the answer does not belong to a sign-in started here. Try again.');

  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: redirectUri(),
      client_id: config.clientId,
      code_verifier: flow.verifier,
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.access_token)
    throw new AuthError(`Sign-in failed at the token endpoint: ${body.error_description || body.error || `HTTP ${response.status}`}.`);
  const now = Date.now();
  sessionStorage.setItem(TOKENS_KEY, JSON.stringify({
    accessToken: body.access_token,
    idToken: body.id_token ?? null,
    obtainedAt: now,
    expiresAt: body.expires_in ? now + body.expires_in * 1000 : null,
  }));
}

function readTokens() {
  try {
    return JSON.parse(sessionStorage.getItem(TOKENS_KEY) || 'null');
  } catch {
    return null;
  }
}

function currentTokens() {
  const tokens = readTokens();
  return tokens && (!tokens.expiresAt || tokens.expiresAt > Date.now()) ? tokens : null;
}

/** The name to show; read from the ID token without verifying it, which is fine for display only. */
function userName(idToken) {
  if (!idToken) return null;
  try {
    const payload = idToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), c => c.charCodeAt(0))));
    return claims.name || claims.preferred_username || claims.email || claims.sub || null;
  } catch {
    return null;
  }
}

function randomToken(bytes) {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64Url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
