// SPDX-License-Identifier: MIT
// The OpenID provider of the OIDC tests (tests/integration/183-oidc.sh,
// docs/oidc.md): the npm package oidc-provider on 127.0.0.1 at a free port
// (written to --port-file once it listens), one confidential client, PKCE
// required, the code flow only, and one made-up account. Its login and
// consent are one POST to /interaction/UID/login with login=zhangsan (no
// page to fill): the test driver logs in without a browser. The signing
// keys are tests/oidc/test-keys.json (test keys, public in the tree; the
// fuzz seeds of tests/fuzz/corpus/oidc_token are signed with them).
//
// node provider.mjs --port-file F --client-id ID --client-secret S
//     --redirect-uri URI [--alg RS256|ES256|PS256]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Provider from 'oidc-provider';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2)
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const k of ['port-file', 'client-id', 'client-secret', 'redirect-uri']) {
  if (!args[k]) {
    console.error(`provider.mjs: --${k} is required`);
    process.exit(2);
  }
}

// The made-up applicant: 张三, a checksum-valid made-up resident ID number.
const ACCOUNT = 'zhangsan';
const CLAIMS = {
  name: '张三',
  id_type: 'resident',
  id_number: '11010519491231002X',
  phone_number: '+8613800138000',
};

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: args['client-id'],
    client_secret: args['client-secret'],
    redirect_uris: [args['redirect-uri']],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: args.alg || 'RS256',
  }],
  jwks: JSON.parse(fs.readFileSync(path.join(here, 'test-keys.json'))),
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    profile: ['name'],
    identity: ['id_type', 'id_number'],
    phone: ['phone_number'],
  },
  scopes: ['openid', 'profile', 'identity', 'phone'],
  // The scope's claims in the ID token itself, not only at userinfo.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['talentcard-test-cookie-key'] },
  findAccount: async (ctx, sub) => (sub !== ACCOUNT ? undefined : {
    accountId: sub,
    claims: async () => ({ sub, ...CLAIMS }),
  }),
  ttl: {
    IdToken: 300, AccessToken: 300, AuthorizationCode: 60,
    Interaction: 600, Grant: 600, Session: 600,
  },
});

// Logs the account in and grants what the client asked for, in one POST.
async function login(req, res) {
  let body = '';
  for await (const chunk of req) body += chunk;
  const form = new URLSearchParams(body);
  const details = await provider.interactionDetails(req, res);
  if (form.get('login') !== ACCOUNT) {
    res.statusCode = 403;
    res.end('unknown account\n');
    return;
  }
  const grant = new provider.Grant({
    accountId: ACCOUNT,
    clientId: details.params.client_id,
  });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId: ACCOUNT },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
server.on('request', (req, res) => {
  if (req.method === 'POST' && /^\/interaction\/[^/]+\/login$/.test(req.url)) {
    login(req, res).catch((e) => {
      res.statusCode = 400;
      res.end(`interaction: ${e.message}\n`);
    });
  } else if (req.method === 'GET' && req.url.startsWith('/interaction/')) {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<form method="post" action="${req.url}/login">` +
      '<input name="login"><button>log in</button></form>\n');
  } else {
    callback(req, res);
  }
});
fs.writeFileSync(args['port-file'], `${port}\n`);
console.error(`provider.mjs: ${issuer}`);
