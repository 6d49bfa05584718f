import { OAuth2Server } from 'oauth2-mock-server';

export interface OidcIdentity {
  sub: string;
  email: string;
  email_verified?: boolean;
  name?: string;
  picture?: string;
}

export interface OidcTestServer {
  server: OAuth2Server;
  issuer: string;
  /** Who "signs in at Google" next; the userinfo endpoint and ID tokens report this person. */
  identity: OidcIdentity;
  /** The variables that point the service at this server instead of Google. */
  env: Record<string, string>;
  idToken(claims?: Record<string, unknown>, options?: { expiresIn?: number }): Promise<string>;
  close(): Promise<void>;
}

export const CLIENT_ID = 'yousync-test-client';
export const CLIENT_SECRET = 'yousync-test-secret';

/**
 * A real OAuth 2.0 / OpenID Connect server on loopback (oauth2-mock-server) standing in for Google: it signs
 * with its own RSA keys, publishes them as a JWKS, checks PKCE, and answers the authorize, token and userinfo
 * endpoints Google does. Only Google itself cannot run here.
 */
export async function startOidcServer(): Promise<OidcTestServer> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const issuer = server.issuer.url!.replace(/\/$/, '');
  const state: { identity: OidcIdentity } = {
    identity: { sub: 'google-sub-1', email: 'dubber@example.com', email_verified: true, name: 'Dubber One' },
  };
  const claimsOf = (identity: OidcIdentity) => ({ email_verified: true, ...identity });

  server.service.on('beforeUserinfo', (response: { body: Record<string, unknown> }) => {
    response.body = claimsOf(state.identity);
  });
  server.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
    Object.assign(token.payload, claimsOf(state.identity));
  });

  return {
    server,
    issuer,
    get identity() {
      return state.identity;
    },
    set identity(value: OidcIdentity) {
      state.identity = value;
    },
    env: {
      GOOGLE_CLIENT_ID: CLIENT_ID,
      GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
      GOOGLE_AUTHORIZATION_URL: `${issuer}/authorize`,
      GOOGLE_TOKEN_URL: `${issuer}/token`,
      GOOGLE_USERINFO_URL: `${issuer}/userinfo`,
      GOOGLE_ISSUER: issuer,
      GOOGLE_JWKS_URL: `${issuer}/jwks`,
    },
    idToken: (claims = {}, { expiresIn = 3600 } = {}) =>
      server.issuer.buildToken({
        expiresIn,
        scopesOrTransform: (_header, payload) => {
          Object.assign(payload, { aud: CLIENT_ID, ...claimsOf(state.identity), ...claims });
        },
      }),
    close: () => server.stop(),
  };
}
