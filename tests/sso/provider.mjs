// The real OpenID provider that the single sign-on tests run against: node
// oidc-provider (package.json pins the version) on 127.0.0.1, with its development
// login form, where the login field is the account's `sub` and any password passes.
//
// Environment: PORT (the issuer is http://127.0.0.1:PORT) and PROVIDER_CONFIG, the path
// of a JSON file written by tests/sso/provider.py:
//   {"clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris,
//                 id_token_ttl?, token_endpoint_auth_method?}],
//    "accounts_file": "/path/accounts.json"}
// The accounts file, {"<sub>": {"email": ..., "name": ...}}, is read again on every
// look-up, so a test can change someone's email between two logins.
//
// Prints `ready <issuer>` on stdout once listening; exits when stdin closes (the test
// process went away) or on SIGTERM/SIGINT.

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider, { interactionPolicy } from 'oidc-provider';

const port = Number.parseInt(process.env.PORT ?? '', 10);
if (!Number.isInteger(port) || port <= 0) {
  console.error('provider.mjs: PORT must be a port number');
  process.exit(2);
}
const configPath = process.env.PROVIDER_CONFIG;
if (!configPath) {
  console.error('provider.mjs: PROVIDER_CONFIG must name the JSON configuration');
  process.exit(2);
}

const config = JSON.parse(readFileSync(configPath, 'utf8'));
const issuer = `http://127.0.0.1:${port}`;
const DEFAULT_ID_TOKEN_TTL = 3600;
const idTokenTtls = new Map(
  config.clients.map((c) => [c.client_id, c.id_token_ttl ?? DEFAULT_ID_TOKEN_TTL]),
);

function readAccounts() {
  // Read on every call on purpose: the tests rewrite this file between logins.
  return JSON.parse(readFileSync(config.accounts_file, 'utf8'));
}

// A fresh signing key per run, rather than oidc-provider's built-in development key,
// so nothing signed by one test run can verify in another.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

// A page without oidc-provider's default look, which @imports a font from the public
// web: the browser journeys must send no traffic off this machine.
function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1>${body}</body></html>`;
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

// An account that is not (or no longer) in the accounts file cannot stay signed in:
// the login form is shown again, as a real provider refuses an unknown person. Without
// this check, oidc-provider answers a session whose account is gone with a server error.
const { Check } = interactionPolicy;
const policy = interactionPolicy.base();
policy.get('login').checks.add(new Check(
  'account_not_found',
  'the signed-in account is not known to this provider',
  'login_required', // what prompt=none answers, as for no session at all
  (ctx) => (ctx.oidc.session.accountId && !ctx.oidc.account ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT),
));

const provider = new Provider(issuer, {
  interactions: { policy },
  clients: config.clients.map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    redirect_uris: c.redirect_uris,
    post_logout_redirect_uris: c.post_logout_redirect_uris ?? [],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: c.token_endpoint_auth_method ?? 'client_secret_basic',
    // Every ID token carries auth_time, so the portal can check how fresh a login is.
    require_auth_time: true,
  })),
  responseTypes: ['code'],
  pkce: { required: () => true },
  // Put email and name in the ID token itself: the portal reads no userinfo.
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // The logout question keeps the default form (the caller supplies the
      // form=op.logoutForm "Yes" button as logout=yes); only the look changes.
      async logoutSource(ctx, form) {
        ctx.body = page(
          'Sign out?',
          `${form}<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`
          + '<button type="submit" form="op.logoutForm">No, stay signed in</button>',
        );
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<p>You have signed out of the test provider.</p>');
      },
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    const lines = Object.entries(out)
      .map(([key, value]) => `<pre><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</pre>`)
      .join('');
    ctx.body = page('Provider error', lines);
  },
  // Consent is never asked: the test accounts have always granted the portal these.
  async loadExistingGrant(ctx) {
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    if (grantId) {
      const existing = await oidc.provider.Grant.find(grantId);
      // A grant made for someone else who used this browser before does not carry over.
      if (existing && existing.accountId === oidc.session.accountId) {
        return existing;
      }
    }
    const grant = new oidc.provider.Grant({
      clientId: oidc.client.clientId,
      accountId: oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  async findAccount(ctx, sub) {
    const account = readAccounts()[sub];
    if (account === undefined) {
      return undefined;
    }
    return {
      accountId: sub,
      async claims() {
        return {
          sub, email: account.email, email_verified: true, name: account.name,
        };
      },
    };
  },
  ttl: {
    IdToken: (ctx, token, client) => idTokenTtls.get(client.clientId) ?? DEFAULT_ID_TOKEN_TTL,
  },
  cookies: { keys: ['sso-test-cookie-key-not-secret'] },
  jwks: { keys: [signingKey] },
});

// The development login page still has oidc-provider's own layout, with its public
// font: strip that @import from every HTML page (see page() above for why).
provider.use(async (ctx, next) => {
  await next();
  if (typeof ctx.body === 'string' && ctx.response.is('html')) {
    ctx.body = ctx.body.replace(/@import url\(https?:[^)]*\);?/g, '');
  }
});

// Into the log that tests/sso/provider.py shows when something goes wrong.
provider.on('server_error', (ctx, err) => console.error('server_error:', err));

const server = createServer(provider.callback());

function stop() {
  server.close();
  // Keep-alive connections would hold the process open; nothing needs a graceful end.
  process.exit(0);
}

server.on('error', (err) => {
  console.error(`provider.mjs: ${err.message}`);
  process.exit(err.code === 'EADDRINUSE' ? 3 : 1);
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
