import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './support/browser.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// A host name that is not localhost, so the browser treats plain http as the insecure origin it is.
const HOST_NAME = 'yousync.test';

describe.skipIf(!hasChromium)('Swagger UI in a real browser (headless Chromium) over plain http', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchChromium([`--host-resolver-rules=MAP ${HOST_NAME} 127.0.0.1`]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it(`lists the operations at http://${HOST_NAME}:<port>/docs`, async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    const docs = `http://${HOST_NAME}:${new URL(t.baseUrl).port}/docs`;

    await page.goto(docs);
    await page.waitForSelector('.opblock-summary-path', { timeout: 15_000 }).catch(() => undefined);

    expect(failed).toEqual([]);
    expect(page.url()).toBe(docs);
    const paths = await page.locator('.opblock-summary-path').allTextContents();
    expect(paths.map((path) => path.replace(/\u200b/g, ''))).toEqual(expect.arrayContaining(['/tokens', '/auth/dev-login', '/health']));
    await page.close();
  });
});
