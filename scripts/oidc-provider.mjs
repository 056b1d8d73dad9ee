// The common part of the local OpenID Connect providers that stand in for NHS login and
// CIS2 in the tests and the demo: node's `oidc-provider` (certified), one client that
// authenticates with private_key_jwt (RS512) and must use PKCE, and the provider's own login
// form. Each provider script says which scopes and claims it issues and who its users are.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

// `subjectOf(accountId)`, if given, is the subject the client is told of, where that is not
// the account id typed at the login form (oidc-provider's pairwise identifiers do the work).
export function startProvider({ name, port, clientId, clientKeyFile, callbackPath, scopes, claims,
  findAccount, acrValues = [], subjectOf }) {
  const clientKey = createPublicKey(createPrivateKey(readFileSync(clientKeyFile)));
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
        ...(subjectOf ? { subject_type: 'pairwise' } : {}),
      },
    ],
    ...(subjectOf ? {
      subjectTypes: ['public', 'pairwise'],
      pairwiseIdentifier: async (ctx, accountId) => subjectOf(accountId),
    } : {}),
    jwks: { keys: [signingJwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    // NHS login's and CIS2's clients sign their assertions with RS512.
    enabledJWA: { clientAuthSigningAlgValues: ['RS512', 'RS256', 'PS256', 'ES256'] },
    acrValues,
    scopes,
    claims,
    // Both put their claims in the ID token as well as at the userinfo endpoint.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true }, userinfo: { enabled: true } },
    findAccount,
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
    console.log(`${name} (local) at http://127.0.0.1:${port}`);
  });
  return provider;
}
