/**
 * A real OpenID Provider (panva/oidc-provider) for the SSO tests, run in its own process:
 *
 *   node --import tsx oidc-provider-server.ts '<IdpConfig JSON>'
 *
 * It listens on 127.0.0.1 with a random port and prints one line `{"issuer":"http://127.0.0.1:…"}`
 * when ready. Instead of oidc-provider's HTML dev interactions it offers a minimal JSON
 * interaction API that checks the account's password:
 *
 *   GET  /interaction/:uid          → { uid, prompt: 'login' | 'consent' }
 *   POST /interaction/:uid/login    form: login, password → 303 back into the authorization
 *   POST /interaction/:uid/confirm  grants what the consent prompt asks → 303 back
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';
import { IdpConfig } from './oidc-idp.ts';

const parsed = IdpConfig.safeParse(JSON.parse(process.argv[2] ?? 'null'));
if (!parsed.success) throw new Error(`oidc test provider: bad configuration: ${parsed.error.message}`);
const cfg = parsed.data;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test-key' };

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
if (address === null || typeof address === 'string') throw new Error('oidc test provider: no TCP address');
const issuer = `http://127.0.0.1:${address.port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: cfg.clientId,
      client_secret: cfg.clientSecret,
      redirect_uris: [cfg.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // better-auth sends the client secret in the token request body.
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomUUID()] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', ...new Set(cfg.accounts.flatMap((a) => Object.keys(a.extraClaims ?? {})))],
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  pkce: { required: () => true },
  async findAccount(_ctx, id) {
    const account = cfg.accounts.find((a) => a.id === id);
    if (!account) return undefined;
    return {
      accountId: account.id,
      claims: () => ({ ...account.extraClaims, sub: account.id, email: account.email, email_verified: account.emailVerified, name: account.name }),
    };
  },
});

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return sendJson(res, 400, { error: 'interaction_mismatch' });
  if (req.method === 'GET' && action === undefined) return sendJson(res, 200, { uid, prompt: details.prompt.name });
  if (req.method === 'POST' && action === 'login' && details.prompt.name === 'login') {
    const form = await formOf(req);
    const account = cfg.accounts.find((a) => a.id === form.get('login') && a.password === form.get('password'));
    if (!account) return sendJson(res, 401, { error: 'invalid_credentials' });
    return provider.interactionFinished(req, res, { login: { accountId: account.id } }, { mergeWithLastSubmission: false });
  }
  if (req.method === 'POST' && action === 'confirm' && details.prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session?.accountId, clientId: details.params.client_id });
    if (!grant) return sendJson(res, 400, { error: 'grant_not_found' });
    const asked = details.prompt.details;
    if (asked.missingOIDCScope) grant.addOIDCScope(asked.missingOIDCScope.join(' '));
    if (asked.missingOIDCClaims) grant.addOIDCClaims(asked.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(asked.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }
  return sendJson(res, 400, { error: 'unexpected_interaction', prompt: details.prompt.name });
}

const oidc = provider.callback();
server.on('request', (req: IncomingMessage, res: ServerResponse) => {
  const path = new URL(req.url ?? '/', issuer).pathname;
  const match = /^\/interaction\/([^/]+)(?:\/(login|confirm))?$/.exec(path);
  if (!match?.[1]) return oidc(req, res);
  interaction(req, res, match[1], match[2]).catch((err: unknown) => {
    sendJson(res, 500, { error: 'interaction_failed', name: err instanceof Error ? err.name : typeof err });
  });
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
