// Runs panva/oidc-provider (OpenID Certified) on 127.0.0.1 for the interop tests.
//
//   node server.mjs CONFIG.json
//
// CONFIG.json (written by the tests): { "clients": [client metadata...], "tls": { "cert", "key", "ca" } (PEM) }.
// The provider's issuer has a path (http://127.0.0.1:PORT/as), so RFC 8414's path insertion is exercised: its metadata
// is also served at /.well-known/oauth-authorization-server/as. The token endpoint is reachable over plain http (the
// issuer) and over https on a second port that asks for a client certificate (RFC 8705's mtls_endpoint_aliases).
// A protected resource at /api (both ports) checks the access tokens the provider issued the way a resource server
// must: signature, issuer, audience, and the sender constraint (DPoP proof with ath and a nonce, RFC 9449; the client
// certificate of the TLS connection, RFC 8705).
// It prints one JSON line {"issuer","mtls"} on standard output when it listens, and exits when standard input closes.
import { readFileSync } from 'node:fs';
import * as crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import Provider, { errors } from 'oidc-provider';
import * as jose from 'jose';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const mountPath = '/as';
const resource = 'urn:clientcredentials:interop-api';

const httpServer = http.createServer();
const httpsServer = https.createServer({
  cert: config.tls.cert,
  key: config.tls.key,
  ca: config.tls.ca,
  requestCert: true,
  rejectUnauthorized: false,
});
await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
await new Promise((resolve) => httpsServer.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${httpServer.address().port}${mountPath}`;
const mtlsBase = `https://127.0.0.1:${httpsServer.address().port}`;

const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'interop-signing', alg: 'ES256', use: 'sig' };
const accessTokenKeys = jose.createLocalJWKSet({ keys: [{ ...(await jose.exportJWK(publicKey)), kid: 'interop-signing', alg: 'ES256' }] });

const peerCertificate = (socket) => (typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined);

// What the tests read back: how many token requests the provider saw, and the DPoP nonce challenges it and /api sent.
const stats = { tokenRequests: 0, tokenUseDpopNonce: 0, apiUseDpopNonce: 0, apiRequests: 0 };

// Client credentials clients only; the provider signs with ES256, so its ID token default must say so.
const clients = config.clients.map((client) => ({
  grant_types: ['client_credentials'],
  redirect_uris: [],
  response_types: [],
  id_token_signed_response_alg: 'ES256',
  scope: 'api:read',
  ...client,
}));

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signingJwk] },
  clientAuthMethods: [
    'client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt',
    'tls_client_auth', 'self_signed_tls_client_auth',
  ],
  scopes: ['api:read'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api:read',
        audience: resource,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
    dPoP: {
      enabled: true,
      nonceSecret: crypto.randomBytes(32),
      // Every DPoP token request must carry a fresh server nonce: the first one is answered use_dpop_nonce.
      requireNonce: () => true,
    },
    mTLS: {
      enabled: true,
      certificateBoundAccessTokens: true,
      tlsClientAuth: true,
      selfSignedTlsClientAuth: true,
      getCertificate: (ctx) => peerCertificate(ctx.socket),
      certificateAuthorized: (ctx) => ctx.socket.authorized === true,
      certificateSubjectMatches: (ctx, property, expected) => property === 'tls_client_auth_subject_dn'
        && peerCertificate(ctx.socket)?.subject === expected,
    },
  },
  // draft-ietf-oauth-rfc7523bis, strictly: a client assertion's audience is the issuer alone, and it says what it is.
  assertJwtClientAuthClaimsAndHeader: async (ctx, claims, header) => {
    if (claims.aud !== ctx.oidc.issuer) {
      throw new errors.InvalidClientAuth('aud must be the issuer identifier (draft-ietf-oauth-rfc7523bis)');
    }
    if (header.typ !== 'client-authentication+jwt') {
      throw new errors.InvalidClientAuth('typ must be client-authentication+jwt (draft-ietf-oauth-rfc7523bis)');
    }
  },
  discovery: { mtls_endpoint_aliases: { token_endpoint: `${mtlsBase}${mountPath}/token` } },
});
provider.on('grant.success', () => { stats.tokenRequests += 1; });
provider.on('grant.error', (ctx, error) => {
  stats.tokenRequests += 1;
  if (error.error === 'use_dpop_nonce') stats.tokenUseDpopNonce += 1;
});
provider.on('server_error', (ctx, error) => { process.stderr.write(`server_error: ${error.stack}\n`); });

const providerCallback = provider.callback();
const dpopNonce = crypto.randomBytes(16).toString('base64url');
const seenProofs = new Set();

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

async function protectedResource(req, res, secure) {
  stats.apiRequests += 1;
  const [scheme, token] = (req.headers.authorization ?? '').split(' ');
  let claims;
  try {
    ({ payload: claims } = await jose.jwtVerify(token ?? '', accessTokenKeys, { issuer, audience: resource, typ: 'at+jwt' }));
  } catch (error) {
    return send(res, 401, { error: 'invalid_token', detail: error.message }, { 'www-authenticate': 'Bearer error="invalid_token"' });
  }

  if (claims.cnf?.jkt) {
    if (scheme !== 'DPoP') {
      return send(res, 401, { error: 'invalid_token', detail: 'a DPoP-bound token needs the DPoP scheme' }, { 'www-authenticate': 'DPoP error="invalid_token"' });
    }
    let proof;
    try {
      proof = await jose.jwtVerify(req.headers.dpop ?? '', jose.EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256', 'PS256', 'RS256'], maxTokenAge: '60s' });
    } catch (error) {
      return send(res, 401, { error: 'invalid_dpop_proof', detail: error.message }, { 'www-authenticate': 'DPoP error="invalid_dpop_proof"' });
    }
    const htu = `${secure ? 'https' : 'http'}://${req.headers.host}${req.url.split('?')[0]}`;
    const problems = [];
    if (await jose.calculateJwkThumbprint(proof.protectedHeader.jwk) !== claims.cnf.jkt) problems.push('the proof key is not the key the token is bound to');
    if (proof.payload.htm !== req.method) problems.push('htm');
    if (proof.payload.htu !== htu) problems.push(`htu ${proof.payload.htu} is not ${htu}`);
    if (proof.payload.ath !== crypto.hash('sha256', token, 'base64url')) problems.push('ath');
    if (typeof proof.payload.jti !== 'string' || seenProofs.has(proof.payload.jti)) problems.push('jti missing or replayed');
    if (problems.length) {
      return send(res, 401, { error: 'invalid_dpop_proof', detail: problems.join('; ') }, { 'www-authenticate': 'DPoP error="invalid_dpop_proof"' });
    }
    seenProofs.add(proof.payload.jti);
    if (proof.payload.nonce !== dpopNonce) {
      stats.apiUseDpopNonce += 1;
      return send(res, 401, { error: 'use_dpop_nonce' }, { 'www-authenticate': 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"', 'dpop-nonce': dpopNonce });
    }
  } else if (scheme !== 'Bearer') {
    return send(res, 401, { error: 'invalid_token', detail: 'a bearer token needs the Bearer scheme' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
  }

  if (claims.cnf?.['x5t#S256']) {
    const certificate = secure ? peerCertificate(req.socket) : undefined;
    if (!certificate || crypto.hash('sha256', certificate.raw, 'base64url') !== claims.cnf['x5t#S256']) {
      return send(res, 401, { error: 'invalid_token', detail: 'the token is bound to a client certificate this connection did not present' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
  }

  return send(res, 200, { client_id: claims.client_id, scope: claims.scope, cnf: claims.cnf ?? null });
}

async function route(req, res, secure) {
  try {
    const path = req.url.split('?')[0];
    if (path === '/api') return await protectedResource(req, res, secure);
    if (path === '/_stats') return send(res, 200, stats);
    if (path === `/.well-known/oauth-authorization-server${mountPath}`) {
      // RFC 8414 §3.1: the provider's own metadata, served at the path-inserted location.
      const document = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
      return send(res, 200, document);
    }
    if (path === mountPath || path.startsWith(`${mountPath}/`)) {
      req.originalUrl = req.url;
      req.url = req.url.slice(mountPath.length) || '/';
      return providerCallback(req, res);
    }
    return send(res, 404, { error: 'not_found' });
  } catch (error) {
    process.stderr.write(`${error.stack}\n`);
    return send(res, 500, { error: 'server_error' });
  }
}

httpServer.on('request', (req, res) => route(req, res, false));
httpsServer.on('request', (req, res) => route(req, res, true));

process.stdout.write(`${JSON.stringify({ issuer, mtls: mtlsBase })}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
