// A local OpenID Connect provider that behaves like NHS login, for the tests and the demo
// (scripts/oidc-provider.mjs): NHS login's claims (nhs_number, identity_proofing_level) for
// test users read from a JSON file; at its login form the account is the NHS number.
//
// Environment:
//   NHS_LOGIN_PORT            the port to listen on, on 127.0.0.1
//   NHS_LOGIN_CLIENT_ID       the client's id
//   NHS_LOGIN_CLIENT_KEY      a PEM file holding the client's key (its public half is used)
//   NHS_LOGIN_USERS           the JSON file of test users
//   NHS_LOGIN_CALLBACK_PATH   the client's callback path, on any loopback port
import { readFileSync } from 'node:fs';
import { startProvider } from './oidc-provider.mjs';

const users = JSON.parse(readFileSync(process.env.NHS_LOGIN_USERS, 'utf8'));

startProvider({
  name: `NHS login, ${users.length} test users,`,
  port: Number(process.env.NHS_LOGIN_PORT || 9090),
  clientId: process.env.NHS_LOGIN_CLIENT_ID || 'hub-diary-local',
  clientKeyFile: process.env.NHS_LOGIN_CLIENT_KEY,
  callbackPath: process.env.NHS_LOGIN_CALLBACK_PATH || '/patient/sign-in/nhs-login/callback/',
  scopes: ['openid', 'profile', 'email', 'phone'],
  claims: {
    openid: ['sub'],
    profile: ['given_name', 'family_name', 'birthdate', 'nhs_number', 'identity_proofing_level'],
    email: ['email', 'email_verified'],
    phone: ['phone_number', 'phone_number_verified'],
  },
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
