// A local OpenID Connect provider that behaves like NHS login, for the tests and the demo:
// node's `oidc-provider` (certified), one client authenticating with private_key_jwt, PKCE
// required, NHS login's claims (nhs_number, identity_proofing_level) for test users read
// from a JSON file, and the provider's own login form (the account id is the NHS number).
//
// Environment:
//   NHS_LOGIN_PORT            the port to listen on, on 127.0.0.1
//   NHS_LOGIN_CLIENT_ID       the client's id
//   NHS_LOGIN_CLIENT_KEY      a PEM file holding the client's key (its public half is used)
//   NHS_LOGIN_USERS           the JSON file of test users
//   NHS_LOGIN_CALLBACK_PATH   the client's callback path, on any loopback port
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.env.NHS_LOGIN_PORT || 9090);
const clientId = process.env.NHS_LOGIN_CLIENT_ID || 'hub-diary-local';
const callbackPath = process.env.NHS_LOGIN_CALLBACK_PATH || '/patient/sign-in/nhs-login/callback/';
const clientKey = createPublicKey(createPrivateKey(readFileSync(process.env.NHS_LOGIN_CLIENT_KEY)));
const users = JSON.parse(readFileSync(process.env.NHS_LOGIN_USERS, 'utf8'));

const clientJwk = { ...clientKey.export({ format: 'jwk' }), use: 'sig' };
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'local' };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: clientId,
      redirect_uris: [`http://127.0.0.1${callbackPath}`],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS512',
      id_token_signed_response_alg: 'RS256',
      jwks: { keys: [clientJwk] },
    },
  ],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  // NHS login's clients sign their assertions with RS512.
  enabledJWA: { clientAuthSigningAlgValues: ['RS512', 'RS256', 'PS256', 'ES256'] },
  scopes: ['openid', 'profile', 'email', 'phone'],
  claims: {
    openid: ['sub'],
    profile: ['given_name', 'family_name', 'birthdate', 'nhs_number', 'identity_proofing_level'],
    email: ['email', 'email_verified'],
    phone: ['phone_number', 'phone_number_verified'],
  },
  // NHS login puts the claims in the ID token and at the userinfo endpoint.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true }, userinfo: { enabled: true } },
  async findAccount(ctx, id) {
    const user = users.find((candidate) => candidate.nhs_number === id || candidate.sub === id);
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return { ...user, sub: user.sub || `nhs-login-${user.nhs_number}` };
      },
    };
  },
});

// The tests' live server and the demo listen on a port chosen at run time: any loopback
// address with the client's callback path is the client's.
const registered = provider.Client.prototype.redirectUriAllowed;
provider.Client.prototype.redirectUriAllowed = function allowLoopback(value) {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(url.hostname)
        && url.pathname === callbackPath && !url.search && !url.hash) {
      return true;
    }
  } catch {
    return false;
  }
  return registered.call(this, value);
};

provider.listen(port, '127.0.0.1', () => {
  console.log(`NHS login (local) at http://127.0.0.1:${port}, ${users.length} test users`);
});
