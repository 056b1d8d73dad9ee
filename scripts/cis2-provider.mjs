// A local OpenID Connect provider that behaves like CIS2 (NHS Care Identity Service 2), for
// the tests (scripts/oidc-provider.mjs): CIS2's claims in the ID token (the authentication
// and identity assurance levels, the selected role profile) and at the userinfo endpoint
// (the national RBAC role profiles, `nhsid_nrbac_roles`).
//
// Whoever signs in at its login form says who they are: the login is the base64url of a
// JSON object of the claims to issue, `sub` (their CIS2 UUID) among them. A test chooses the
// role profiles, the selected role and the assurance level that way; nothing else is checked.
//
// Environment:
//   CIS2_PORT            the port to listen on, on 127.0.0.1
//   CIS2_CLIENT_ID       the client's id
//   CIS2_CLIENT_KEY      a PEM file holding the client's key (its public half is used)
//   CIS2_CALLBACK_PATH   the client's callback path, on any loopback port
import { startProvider } from './oidc-provider.mjs';

function claimsIn(login) {
  try {
    const claims = JSON.parse(Buffer.from(login, 'base64url').toString('utf8'));
    return claims && typeof claims.sub === 'string' && claims.sub ? claims : undefined;
  } catch {
    return undefined;
  }
}

startProvider({
  name: 'CIS2',
  port: Number(process.env.CIS2_PORT || 9091),
  clientId: process.env.CIS2_CLIENT_ID || 'hub-diary-local',
  clientKeyFile: process.env.CIS2_CLIENT_KEY,
  callbackPath: process.env.CIS2_CALLBACK_PATH || '/accounts/cis2/callback/',
  acrValues: ['AAL3_ANY', 'AAL2_OR_AAL3_ANY'],
  subjectOf: (login) => claimsIn(login)?.sub ?? login,
  scopes: ['openid', 'profile', 'email', 'nhsperson', 'nationalrbacaccess', 'associatedorgs'],
  claims: {
    openid: ['sub', 'authentication_assurance_level', 'id_assurance_level', 'selected_roleid'],
    profile: ['name', 'given_name', 'family_name', 'uid'],
    email: ['email'],
    nhsperson: ['nhsid_useruid'],
    nationalrbacaccess: ['nhsid_nrbac_roles'],
    associatedorgs: ['nhsid_user_orgs'],
  },
  async findAccount(ctx, id) {
    const claims = claimsIn(id);
    if (!claims) return undefined;
    return {
      accountId: id,
      async claims() {
        const { sub, ...rest } = claims;
        return { uid: sub, nhsid_useruid: sub, ...rest };
      },
    };
  },
});
