import { DiscoveryService, Reflector } from '@nestjs/core';
import { JwtService, type JwtSignOptions } from '@nestjs/jwt';
import { DECORATORS } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_TOKEN_ALLOWED } from '../src/auth/auth.decorators.js';
import { UserEntity } from '../src/users/user.entity.js';
import { CookieJar } from './support/cookie-jar.js';
import { CLIENT_ID, startOidcServer, type OidcTestServer } from './support/oidc-server.js';
import { http, json, signIn, startTestApp, type TestApp } from './support/test-app.js';

const FRONTEND = 'http://127.0.0.1:5999/signed-in';

describe('sign-in with Google (against a local OpenID Connect server)', () => {
  let oidc: OidcTestServer;
  let t: TestApp;

  beforeAll(async () => {
    oidc = await startOidcServer();
    t = await startTestApp({ ...oidc.env, FRONTEND_URL: FRONTEND, DIAGNOSTIC_JOBS: 'true' });
  });
  afterAll(async () => {
    await t?.close();
    await oidc?.close();
  });

  const users = () => t.get(DataSource).getRepository(UserEntity);
  const fragment = (location: string) => Object.fromEntries(new URLSearchParams(new URL(location).hash.slice(1)));

  /** Walks the redirect flow as a browser would, stopping at the callback so tests can tamper with it. */
  async function startFlow(jar = new CookieJar()) {
    const start = await t.fetch('/auth/google', { redirect: 'manual' });
    jar.store(start);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    const atProvider = await http(authorize, { redirect: 'manual' });
    expect(atProvider.status).toBe(302);
    return { jar, authorize, callback: new URL(atProvider.headers.get('location')!) };
  }

  async function finish(callback: URL, jar: CookieJar) {
    const response = await http(callback, { redirect: 'manual', headers: jar.header });
    jar.store(response);
    return response;
  }

  it('redirects to the provider with state and a PKCE S256 challenge', async () => {
    const { authorize, jar } = await startFlow();
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${oidc.issuer}/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${t.baseUrl.replace('127.0.0.1', 'localhost')}/auth/google/callback`);
    expect(authorize.searchParams.get('scope')).toBe('openid email profile');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    const state = authorize.searchParams.get('state')!;
    expect(state).toMatch(/^[\w-]{32}$/);
    expect(jar.get('yousync_oauth_state')).toBe(state);
  });

  it('completes: callback → tokens → /auth/me shows the user; a second sign-in updates, not duplicates', async () => {
    oidc.identity = { sub: 'google-sub-flow', email: 'Flow.User@Example.com', name: 'Flow User', picture: 'https://pics/1' };
    const first = await startFlow();
    const done = await finish(first.callback, first.jar);
    expect(done.status).toBe(302);
    const location = done.headers.get('location')!;
    expect(location.startsWith(`${FRONTEND}#`)).toBe(true);
    const tokens = fragment(location);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: '900' });

    const me = await (await t.fetch('/auth/me', { headers: { authorization: `Bearer ${tokens.access_token}` } })).json();
    expect(me).toMatchObject({ email: 'flow.user@example.com', name: 'Flow User', picture: 'https://pics/1', role: 'user' });

    oidc.identity = { ...oidc.identity, name: 'Renamed User' };
    const second = await startFlow();
    const again = fragment((await finish(second.callback, second.jar)).headers.get('location')!);
    const meAgain = await (await t.fetch('/auth/me', { headers: { authorization: `Bearer ${again.access_token}` } })).json();
    expect(meAgain).toMatchObject({ id: me.id, name: 'Renamed User' });
    expect(await users().countBy({ googleSub: 'google-sub-flow' })).toBe(1);
    expect(await users().countBy({ email: 'flow.user@example.com' })).toBe(1);
  });

  describe('refuses a callback it cannot trust, with 4xx and no user created', () => {
    const expectNoNewUser = async (run: () => Promise<void>) => {
      const before = await users().count();
      await run();
      expect(await users().count()).toBe(before);
    };
    const newPerson = (sub: string) => (oidc.identity = { sub, email: `${sub}@example.com`, name: sub });

    it('a tampered state', async () =>
      expectNoNewUser(async () => {
        newPerson('tampered');
        const { callback, jar } = await startFlow();
        // The last character, always changed to another: writing "xx" over the last two left a state that already
        // ended in "xx" as it was (1 run in 4,096), and the sign-in rightly went through.
        const state = callback.searchParams.get('state')!;
        callback.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`);
        const response = await finish(callback, jar);
        expect(response.status).toBe(400);
        expect((await response.json()).code).toBe('OAUTH_STATE_INVALID');
      }));

    it('a missing state', async () =>
      expectNoNewUser(async () => {
        newPerson('missing');
        const { callback, jar } = await startFlow();
        callback.searchParams.delete('state');
        expect((await finish(callback, jar)).status).toBe(400);
      }));

    it('a replayed state', async () => {
      newPerson('replayed');
      const { callback, jar } = await startFlow();
      const cookies = jar.header;
      expect((await finish(callback, jar)).status).toBe(302);
      await expectNoNewUser(async () => {
        const replay = await http(callback, { redirect: 'manual', headers: cookies });
        expect(replay.status).toBe(400);
      });
    });

    it("a state from another browser's sign-in (login CSRF)", async () =>
      expectNoNewUser(async () => {
        newPerson('csrf-victim');
        const attacker = await startFlow();
        const victim = await startFlow();
        expect((await finish(attacker.callback, victim.jar)).status).toBe(400);
      }));
  });

  it('sends the browser back to the frontend with the error when the user declines at Google', async () => {
    const response = await t.fetch('/auth/google/callback?error=access_denied&state=x', { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(fragment(response.headers.get('location')!)).toEqual({ error: 'access_denied' });
  });

  describe('POST /auth/google', () => {
    beforeAll(() => {
      oidc.identity = { sub: 'google-sub-token', email: 'token.user@example.com', name: 'Token User' };
    });

    it('signs in with a valid ID token', async () => {
      const response = await t.fetch('/auth/google', json({ id_token: await oidc.idToken() }));
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, user: { email: 'token.user@example.com' } });
      expect(body.refresh_token).toBeTruthy();
    });

    it.each([
      ['the wrong audience', { aud: 'someone-else' }, {}],
      ['the wrong issuer', { iss: 'https://evil.example' }, {}],
      ['an expired token', {}, { expiresIn: -60 }],
      ['an unverified e-mail', { email_verified: false }, {}],
    ])('answers 401 to %s', async (_name, claims, options) => {
      const response = await t.fetch('/auth/google', json({ id_token: await oidc.idToken(claims, options) }));
      expect(response.status).toBe(401);
      expect((await response.json()).code).toBe('ID_TOKEN_INVALID');
    });

    it('answers 401 to a token signed by another key', async () => {
      const impostor = await startOidcServer();
      try {
        const forged = await impostor.idToken({ iss: oidc.issuer, aud: CLIENT_ID });
        expect((await t.fetch('/auth/google', json({ id_token: forged }))).status).toBe(401);
        const [header, payload] = (await oidc.idToken()).split('.');
        const [, , signature] = forged.split('.');
        expect((await t.fetch('/auth/google', json({ id_token: `${header}.${payload}.${signature}` }))).status).toBe(401);
      } finally {
        await impostor.close();
      }
    });

    it('exchanges an authorization code server-side', async () => {
      const redirectUri = 'http://127.0.0.1:5999/popup';
      const authorize = new URL(`${oidc.issuer}/authorize`);
      authorize.search = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: redirectUri, response_type: 'code', scope: 'openid email', state: 's' }).toString();
      const code = new URL((await http(authorize, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
      const response = await t.fetch('/auth/google', json({ code, redirect_uri: redirectUri }));
      expect(response.status).toBe(200);
      expect((await response.json()).user.email).toBe('token.user@example.com');
    });

    it('answers 400 to a body with neither credential', async () => {
      expect((await t.fetch('/auth/google', json({}))).status).toBe(400);
    });
  });

  describe('sessions', () => {
    it('rejects an expired access token with 401', async () => {
      const { user } = await signIn(t, 'expiry@example.com');
      const expired = t.get(JwtService).sign({ sub: user.id, email: user.email, role: 'user' }, { audience: 'yousync-api', expiresIn: -5 });
      const response = await t.fetch('/auth/me', { headers: { authorization: `Bearer ${expired}` } });
      expect(response.status).toBe(401);
      expect((await response.json()).code).toBe('TOKEN_EXPIRED');
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    });

    describe('refuses an access token signed with the right secret but not as this service issues them', () => {
      const accessToken = async (claims: Record<string, unknown>, options: JwtSignOptions) => {
        const { user } = await signIn(t, 'claims@example.com');
        return t.get(JwtService).sign({ sub: user.id, email: user.email, role: 'user', ...claims }, { audience: 'yousync-api', ...options });
      };
      const me = async (token: string) => (await t.fetch('/auth/me', { headers: { authorization: `Bearer ${token}` } })).status;

      it('(the control: the same claims with exp and iat are accepted)', async () => {
        expect(await me(await accessToken({}, { expiresIn: 60 }))).toBe(200);
      });

      it.each<[string, Record<string, unknown>, JwtSignOptions]>([
        ['no exp', {}, {}],
        ['no iat', {}, { expiresIn: 60, noTimestamp: true }],
        ['an exp years away, issued longer ago than the 15-minute lifetime', { iat: Math.floor(Date.now() / 1000) - 960 }, { expiresIn: '10y' }],
        ['a sub that is not a user id', { sub: 42 }, { expiresIn: 60 }],
        ['a role this service does not have', { role: 'root' }, { expiresIn: 60 }],
      ])('%s: 401', async (_name, claims, options) => {
        expect(await me(await accessToken(claims, options))).toBe(401);
      });
    });

    it('rejects a stream token without exp on an SSE route', async () => {
      const admin = await signIn(t, 'admin@yousync.test');
      const job = await (await t.fetch('/jobs/diagnostic', json({ steps: 1 }, { headers: admin.headers }))).json();
      const forever = t.get(JwtService).sign({ sub: admin.user.id, email: admin.user.email, role: 'admin' }, { audience: 'yousync-sse' });
      expect((await t.fetch(`/jobs/${job.id}/events?stream_token=${forever}`)).status).toBe(401);
    });

    it('rejects a token signed with another secret', async () => {
      const forged = new JwtService({ secret: 'x'.repeat(40) }).sign(
        { sub: '00000000-0000-4000-8000-000000000000', email: 'a@b.c', role: 'admin' },
        { audience: 'yousync-api', issuer: 'yousync' },
      );
      expect((await t.fetch('/auth/me', { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
    });

    it('rotates refresh tokens; a reused one gets 401 and revokes the newer one of its family too', async () => {
      const session = await signIn(t, 'rotation@example.com');
      const rotated = await (await t.fetch('/auth/refresh', json({ refresh_token: session.refreshToken }))).json();
      expect(rotated.refresh_token).not.toBe(session.refreshToken);
      expect((await t.fetch('/auth/me', { headers: { authorization: `Bearer ${rotated.access_token}` } })).status).toBe(200);

      const reuse = await t.fetch('/auth/refresh', json({ refresh_token: session.refreshToken }));
      expect(reuse.status).toBe(401);
      expect((await reuse.json()).message).toMatch(/already used/);
      expect((await t.fetch('/auth/refresh', json({ refresh_token: rotated.refresh_token }))).status).toBe(401);

      const other = await signIn(t, 'rotation@example.com'); // another session of the same user is unaffected
      expect((await t.fetch('/auth/refresh', json({ refresh_token: other.refreshToken }))).status).toBe(200);
    });

    it('concurrent presentations of one refresh token: at most one new pair, and the whole family revoked (20 rounds of 5)', async () => {
      // The app runs with AUTH_RATE_LIMIT_PER_MINUTE=10000 (startTestApp), so these ~200 calls are not limited.
      const refresh = (token: string) => t.fetch('/auth/refresh', json({ refresh_token: token }));
      const failures: string[] = [];
      for (let round = 0; round < 20; round++) {
        const session = await signIn(t, `race-${round}@example.com`);
        const responses = await Promise.all(Array.from({ length: 5 }, () => refresh(session.refreshToken)));
        const statuses = responses.map((response) => response.status);
        const issued = await Promise.all(
          responses.filter((response) => response.status === 200).map(async (response) => (await response.json()).refresh_token as string),
        );
        expect(statuses.every((status) => status === 200 || status === 401), `round ${round}: ${statuses}`).toBe(true);
        if (issued.length > 1) failures.push(`round ${round}: ${issued.length} refreshes succeeded`);
        // The new tokens first: presenting the original again would itself revoke the family and hide the defect.
        for (const token of [...issued, session.refreshToken]) {
          const status = (await refresh(token)).status;
          if (status !== 401) failures.push(`round ${round}: a ${token === session.refreshToken ? 'reused' : 'new'} token answered ${status}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('a reuse racing with the rotation of the newer token still revokes what that rotation issues (20 rounds)', async () => {
      const refresh = (token: string) => t.fetch('/auth/refresh', json({ refresh_token: token }));
      const failures: string[] = [];
      for (let round = 0; round < 20; round++) {
        const session = await signIn(t, `race-chain-${round}@example.com`);
        const next = (await (await refresh(session.refreshToken)).json()).refresh_token as string;
        const [reuse, rotation] = await Promise.all([refresh(session.refreshToken), refresh(next)]);
        expect(reuse.status).toBe(401);
        if (rotation.status === 200) {
          const status = (await refresh((await rotation.json()).refresh_token)).status;
          if (status !== 401) failures.push(`round ${round}: the token issued during the reuse answered ${status}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('logout revokes the session', async () => {
      const session = await signIn(t, 'logout@example.com');
      expect((await t.fetch('/auth/logout', json({ refresh_token: session.refreshToken }))).status).toBe(204);
      expect((await t.fetch('/auth/refresh', json({ refresh_token: session.refreshToken }))).status).toBe(401);
    });

    it('answers 401 to an unknown refresh token and 400 to a malformed body', async () => {
      expect((await t.fetch('/auth/refresh', json({ refresh_token: 'x'.repeat(43) }))).status).toBe(401);
      expect((await t.fetch('/auth/refresh', json({ refresh_token: 12 }))).status).toBe(400);
    });

    it('admin-only routes answer 403 to a plain user and work for an admin', async () => {
      const plain = await signIn(t, 'plain@example.com');
      expect(plain.user.role).toBe('user');
      expect((await t.fetch('/jobs/diagnostic', json({ steps: 1 }, { headers: plain.headers }))).status).toBe(403);
      const admin = await signIn(t, 'admin@yousync.test');
      expect(admin.user.role).toBe('admin');
      expect((await t.fetch('/jobs/diagnostic', json({ steps: 1 }, { headers: admin.headers }))).status).toBe(201);
    });
  });

  it('accepts ?stream_token only on routes that produce text/event-stream, as the README promises', () => {
    const reflector = t.get(Reflector);
    const allowed: string[] = [];
    for (const { metatype } of t.get(DiscoveryService).getControllers()) {
      const controller = metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        if (!reflector.getAllAndOverride<boolean>(STREAM_TOKEN_ALLOWED, [handler, controller])) continue;
        allowed.push(`${controller.name}.${name}`);
        const produces = reflector.getAllAndOverride<string[]>(DECORATORS.API_PRODUCES, [handler, controller]);
        expect.soft(produces, `${controller.name}.${name}`).toEqual(['text/event-stream']);
      }
    }
    expect(allowed).toContain('AnalysisController.progress');
  });

  it('Swagger shows bearer security on exactly the routes that require a token', async () => {
    const document = await (await t.fetch('/docs-json')).json();
    const checked: string[] = [];
    for (const [path, operations] of Object.entries<Record<string, { security?: Array<Record<string, unknown>> }>>(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const response = await t.fetch(url, {
          method: method.toUpperCase(),
          redirect: 'manual',
          headers: { 'content-type': 'application/json' },
          body: ['get', 'head'].includes(method) ? undefined : '{}',
        });
        const documented = operation.security?.some((requirement) => 'bearer' in requirement) ?? false;
        // A bearer-protected route refuses with 401 and WWW-Authenticate: Bearer (a webhook's 401 is about its signature).
        const wantsBearer = response.status === 401 && response.headers.get('www-authenticate') === 'Bearer';
        expect.soft(documented, `${method.toUpperCase()} ${path} answered ${response.status}`).toBe(wantsBearer);
        checked.push(`${method} ${path}`);
      }
    }
    expect(checked.length).toBeGreaterThan(10);
  });
});

describe('sign-in settings', () => {
  it('answers 503 with a clear message when Google is not configured', async () => {
    const t = await startTestApp({ GOOGLE_CLIENT_ID: '', GOOGLE_CLIENT_SECRET: '' });
    try {
      const response = await t.fetch('/auth/google', { redirect: 'manual' });
      expect(response.status).toBe(503);
      expect((await response.json()).message).toMatch(/not configured.*GOOGLE_CLIENT_ID/);
      expect((await t.fetch('/auth/google', json({ id_token: 'a.b.c.d.e.f' }))).status).toBe(503);
    } finally {
      await t.close();
    }
  });

  it('turns the development login off with AUTH_DEV_LOGIN=false', async () => {
    const t = await startTestApp({ AUTH_DEV_LOGIN: 'false' });
    try {
      expect((await t.fetch('/auth/dev-login', json({ email: 'a@example.com' }))).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('rate-limits the auth routes with 429 and Retry-After', async () => {
    const t = await startTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 5; i++) {
        last = (await t.fetch('/auth/refresh', json({ refresh_token: 'y'.repeat(43) }))) as unknown as Response;
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await t.fetch('/')).status).toBe(200); // other routes are not limited
    } finally {
      await t.close();
    }
  });
});
