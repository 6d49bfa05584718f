import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './support/browser.js';
import { startOidcServer, type OidcTestServer } from './support/oidc-server.js';
import { freePort, startTestApp, type TestApp } from './support/test-app.js';


/** The frontend's landing page: reads the tokens from the fragment and asks the API who signed in. */
const landingPage = (api: string) => `<!doctype html>
<html><body><p id="who">signing in…</p><script>
  const fragment = new URLSearchParams(location.hash.slice(1));
  fetch(${JSON.stringify(api)} + '/auth/me', { headers: { authorization: 'Bearer ' + fragment.get('access_token') } })
    .then((response) => response.json())
    .then((me) => { document.getElementById('who').textContent = 'signed in as ' + me.email; })
    .catch((error) => { document.getElementById('who').textContent = 'failed: ' + error; });
</script></body></html>`;

describe.skipIf(!hasChromium)('sign-in with Google in a real browser (headless Chromium)', () => {
  let oidc: OidcTestServer;
  let t: TestApp;
  let frontend: Server;
  let browser: Browser;
  let frontendUrl: string;

  beforeAll(async () => {
    oidc = await startOidcServer();
    oidc.identity = { sub: 'browser-sub', email: 'browser.user@example.com', name: 'Browser User' };
    const apiPort = await freePort();
    const api = `http://127.0.0.1:${apiPort}`;
    frontend = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(landingPage(api)));
    await new Promise<void>((resolve) => frontend.listen(0, '127.0.0.1', resolve));
    const frontendOrigin = `http://127.0.0.1:${(frontend.address() as { port: number }).port}`;
    frontendUrl = `${frontendOrigin}/signed-in`;
    t = await startTestApp({
      ...oidc.env,
      PORT: String(apiPort),
      PUBLIC_URL: api,
      FRONTEND_URL: frontendUrl,
      CORS_ORIGINS: frontendOrigin,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await oidc?.close();
    await new Promise((resolve) => frontend?.close(resolve));
  });

  it('goes /auth/google → provider → callback → frontend, which shows the signed-in user', async () => {
    const page = await browser.newPage();
    const visited: string[] = [];
    page.on('request', (request) => request.isNavigationRequest() && visited.push(new URL(request.url()).pathname));

    await page.goto(`${t.baseUrl}/auth/google`);
    await page.waitForSelector('#who:text-matches("^(signed in as|failed)")', { timeout: 15_000 });

    expect(await page.textContent('#who')).toBe('signed in as browser.user@example.com');
    expect(page.url().startsWith(`${frontendUrl}#access_token=`)).toBe(true);
    expect(visited).toEqual(['/auth/google', '/authorize', '/auth/google/callback', '/signed-in']);
    const cookies = await page.context().cookies(t.baseUrl);
    expect(cookies.find((cookie) => cookie.name === 'yousync_oauth_state')).toBeUndefined(); // consumed
    await page.close();
  });
});
