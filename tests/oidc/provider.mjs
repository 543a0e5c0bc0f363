// A real OpenID provider (panva's certified oidc-provider) on loopback, for the staff sign-in tests.
//
//   node tests/oidc/provider.mjs --port 9000 --redirect-uri http://127.0.0.1:8501/oauth2callback [...]
//
// One confidential client (clinic-locator / test-secret), the authorisation code flow with PKCE,
// RP-initiated logout. Anyone can sign in by typing an email address (and any password) on the
// provider's own development login page: the ID token then carries that email, verified, and the
// groups in GROUPS below. Prints "ready <issuer>" once it listens; stops on SIGTERM.
import Provider from 'oidc-provider';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const port = Number(args.port);
const redirectUris = String(args['redirect-uri']).split(',');
const issuer = `http://127.0.0.1:${port}`;

// The group claim of a few test people (an Entra ID "groups" or app "roles" claim in real life).
const GROUPS = { 'carol@partner.example': ['call-centre'] };

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'clinic-locator',
    client_secret: 'test-secret',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, name: id.split('@')[0], groups: GROUPS[id] ?? [] };
      },
    };
  },
  // Like Entra ID's groups claim, sent whatever the scopes asked (Streamlit asks for openid email profile).
  claims: { openid: ['sub', 'groups'], email: ['email', 'email_verified'], profile: ['name'] },
  // The ID token carries the claims, as Google's and Entra ID's do (Streamlit reads only the ID token).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  // A first-party client: no consent screen, as with an app the clinics' administrator registered.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 3600, IdToken: 3600, AuthorizationCode: 60 },
  cookies: { keys: ['clinic-locator-test-provider'] },
});
provider.proxy = false;

// Its development pages import a web font from another origin; the tests allow the provider's own
// origin and nothing else, so that line goes.
provider.use(async (ctx, next) => {
  await next();
  if (typeof ctx.body === 'string' && ctx.body.includes('@import url(')) {
    ctx.body = ctx.body.replace(/@import url\([^)]*\);/g, '');
  }
});

const server = provider.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
