import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIR } from '../src/console/console-page.js';
import { toneWav } from './support/audio.js';
import { hasChromium, launchChromium } from './support/browser.js';
import { demoTokens, type FixtureToken } from './support/catalog-fixtures.js';
import { startOidcServer, type OidcTestServer } from './support/oidc-server.js';
import { startOpenAiSpeechServer, type OpenAiSpeechServerDouble } from './support/speech-to-text-servers.js';
import { freePort, startTestApp, type TestApp } from './support/test-app.js';
import { spokenVideo, type SpokenVideo } from './support/video-media.js';
import { replyTo, startOpenAiVoiceServer, type VoiceEngineDouble } from './support/voice-engine-servers.js';

// The browser globals the page functions below use (this project compiles without the DOM library). Playwright
// runs those functions in the page; strings would be eval'd there, which the console's policy forbids.
declare const document: { getElementById(id: string): any; querySelector(selector: string): any };
declare const window: Record<string, any>;
declare const sessionStorage: { getItem(key: string): string | null };
declare const MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
const SCORE_NAMES = ['overall', 'timing', 'pronunciation', 'intonation', 'fluency', 'completeness'];

/** The app on a port chosen first, so PUBLIC_URL is the address the browser uses (as the README asks). */
async function startConsoleApp(env: Record<string, string> = {}, port?: number): Promise<TestApp> {
  port ??= await freePort();
  return startTestApp({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...env });
}

/**
 * A page of the console that records every console error, uncaught exception and failed request. Chromium logs
 * each HTTP error answer as a console error; `expected` lists those a test provokes on purpose ("503 /path").
 */
async function openConsole(context: BrowserContext, t: TestApp, problems: string[], expected: Set<string>): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const status = /^Failed to load resource: the server responded with a status of (\d+)/.exec(message.text())?.[1];
    if (status && expected.has(`${status} ${new URL(message.location().url).pathname}`)) return;
    problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // EventSource streams the page closes itself end as aborted requests.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  await page.goto(`${t.baseUrl}/console`);
  await page.waitForSelector('body[data-ready]', { timeout: 15_000 }).catch((error: Error) => {
    throw new Error(`the console did not start: ${error.message}\n${problems.join('\n')}`);
  });
  return page;
}

const play = (page: Page, selector: string) => page.locator(selector).evaluate((audio: { play(): Promise<void> }) => audio.play());

async function devLogin(page: Page, email: string) {
  await page.fill('#dev-login-email', email);
  await page.click('#dev-login button[type=submit]');
  await page.waitForSelector(`#who:text("signed in as ${email}")`);
}

/** The bearer header of the page's session, to check on the server what the page did. */
async function headersOf(page: Page): Promise<Record<string, string>> {
  const session = JSON.parse((await page.evaluate(() => sessionStorage.getItem('yousync.console.session'))) ?? 'null');
  return { authorization: `Bearer ${session.access_token}` };
}

describe.skipIf(!hasChromium)('the console at /console in headless Chromium', () => {
  let browser: Browser;
  let screenshots: string;
  let video: SpokenVideo;
  let videoPath: string;
  let microphone: string;

  beforeAll(async () => {
    screenshots = await mkdtemp(join(tmpdir(), 'yousync-console-'));
    console.log(`console screenshots: ${screenshots}`);
    video = await spokenVideo(['Hello from the console.', 'The transcript shows up here.']);
    videoPath = join(screenshots, 'talk.mp4');
    await writeFile(videoPath, video.mp4);
    microphone = join(screenshots, 'microphone.wav');
    await writeFile(microphone, toneWav(2));
    browser = await launchChromium([
      '--autoplay-policy=no-user-gesture-required',
      // The microphone: Chromium's fake device, granted without a prompt, playing this file (read when capture starts).
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${microphone}`,
    ]);
  });
  afterAll(() => browser?.close());

  const shoot = (page: Page, panel: string, name = panel) => page.locator(`#panel-${panel}`).screenshot({ path: join(screenshots, `${name}.png`) });

  describe('on the built-in engines (the embedded default)', () => {
    let t: TestApp;
    let context: BrowserContext;
    let page: Page;
    let token: FixtureToken;
    let clipPath: string;
    const problems: string[] = [];
    const expected = new Set<string>();

    beforeAll(async () => {
      t = await startConsoleApp();
      [token] = await demoTokens(t, 'en');
      clipPath = join(screenshots, 'take.wav');
      await writeFile(clipPath, token!.clip);
      // From now on the microphone says the actor's line.
      await writeFile(microphone, token!.clip);
      context = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
      page = await openConsole(context, t, problems, expected);
    });
    afterEach(() => {
      expect(problems).toEqual([]);
    });
    afterAll(async () => {
      await context?.close();
      await t?.close();
    });

    it('is served with a strict Content-Security-Policy, linked from GET /, and builds no HTML from strings', async () => {
      const response = await t.fetch('/console');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("default-src 'none'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("require-trusted-types-for 'script'");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
      expect((await t.fetch('/console/app.js')).headers.get('content-type')).toContain('javascript');
      expect((await t.fetch('/console/no-such-file.js')).status).toBe(404);
      expect(await (await t.fetch('/')).json()).toMatchObject({ console: '/console' });

      const html = await response.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
      expect(html).not.toMatch(/\son\w+=/); // no inline handlers
      for (const file of readdirSync(CONSOLE_DIR).filter((name) => name.endsWith('.js'))) {
        expect(readFileSync(join(CONSOLE_DIR, file), 'utf8'), file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
      }
    });

    it('says Google sign-in is not configured, in the service’s words, and signs in with the dev login', async () => {
      expect(await page.isVisible('#signed-out')).toBe(true);
      expected.add('503 /auth/google');
      await page.click('#google-sign-in');
      await page.waitForSelector('#sign-in-notice:has-text("GOOGLE_NOT_CONFIGURED")');
      expect(page.url()).toBe(`${t.baseUrl}/console`);

      await devLogin(page, 'console@example.com');
      expect(await page.textContent('#signed-in-email')).toBe('console@example.com');
      await shoot(page, 'sign-in');
    });

    it('finds a line and plays the clip, highlighting each word as it is spoken', async () => {
      const words = token.words.map((word) => word.word);
      await page.fill('#catalog-q', words[0]!);
      await page.selectOption('#catalog-language', 'en');
      await page.click('#catalog-search button[type=submit]');
      await page.click(`#catalog-results button[data-token-id="${token.id}"]`);
      await page.waitForSelector(`#token-detail[data-token-id="${token.id}"]`);
      expect(await page.locator('#token-script .word').allTextContents()).toEqual(words);

      // Every word that is ever marked as the one being spoken, in order.
      await page.evaluate(() => {
        const spoken: string[] = (window.spoken = []);
        new MutationObserver(() => {
          const current = document.querySelector('#token-script .word.current')?.textContent;
          if (current && spoken.at(-1) !== current) spoken.push(current);
        }).observe(document.getElementById('token-script'), { subtree: true, attributes: true, attributeFilter: ['class'] });
      });
      await play(page, '#token-audio');
      await page.waitForSelector('#token-script .word.current');
      await shoot(page, 'catalog');
      await page.waitForFunction(() => document.getElementById('token-audio').ended, undefined, { timeout: 20_000 });
      const spoken: string[] = await page.evaluate(() => window.spoken);
      expect(spoken.length).toBeGreaterThanOrEqual(Math.min(words.length, 2));
      expect(words.filter((word) => spoken.includes(word))).toEqual(spoken.filter((word, index) => spoken.indexOf(word) === index));
      expect(await page.locator('#token-script .word.said').count()).toBe(words.length);
    });

    it('bookmarks the line and removes the bookmark; my page follows', async () => {
      const headers = await headersOf(page);
      await page.click('#token-bookmark:text("Bookmark")');
      await page.waitForSelector('#token-bookmark:text("Remove bookmark")');
      await page.waitForSelector(`#mypage-bookmarks li[data-token-id="${token.id}"]`);
      expect((await (await t.fetch('/mypage/bookmarks/', { headers })).json()).map((bookmark: { token_id: number }) => bookmark.token_id)).toEqual([token.id]);

      await page.click('#token-bookmark:text("Remove bookmark")');
      await page.waitForSelector('#token-bookmark:text-is("Bookmark")');
      await page.waitForSelector(`#mypage-bookmarks li[data-token-id="${token.id}"]`, { state: 'detached' });
      expect(await (await t.fetch('/mypage/bookmarks/', { headers })).json()).toEqual([]);
    });

    /** Waits for the result of an analysis other than `previous` (the job id of the result shown before). */
    const expectAnalysisShown = async (previous: string | null) => {
      await page.waitForSelector(`#dub-result:not([hidden])[data-job-id]${previous ? `:not([data-job-id="${previous}"])` : ''}`, { timeout: 30_000 });
      await page.waitForFunction(() => document.getElementById('dub-plot').naturalWidth > 0);
      const progress = (await page.locator('#dub-log li').allTextContents()).map((line) => Number.parseInt(line, 10));
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(100);
      expect(new Set(progress).size).toBeGreaterThanOrEqual(3);
      expect(await page.getAttribute('#dub-progress-bar', 'value')).toBe('100');
      const scores = await page.locator('#dub-scores tr').evaluateAll((rows) =>
        rows.map((row) => [row.getAttribute('data-score'), Number(row.querySelector('td')!.textContent)]),
      );
      expect(scores.map(([name]) => name)).toEqual(SCORE_NAMES);
      const chips = await page.locator('#dub-words .word-chip').evaluateAll((elements) =>
        elements.map((element) => ({ text: element.querySelector('.text')!.textContent, kind: element.classList[1], offset: element.querySelector('.offset')!.textContent })),
      );
      expect(chips.map((chip) => chip.text)).toEqual(token.words.map((word) => word.word));
      for (const chip of chips) {
        expect(['none', 'early', 'late', 'omission', 'mispronunciation']).toContain(chip.kind);
        if (chip.kind !== 'omission') expect(chip.offset).toMatch(/^[+−±]\d+ ms$/);
      }
      return Object.fromEntries(scores) as Record<string, number>;
    };

    it('uploads a recording file: the progress bar moves, then the scores, the words with their offsets and the pitch plot', async () => {
      await page.click('#token-dub');
      await page.waitForSelector(`#panel-dub[data-token-id="${token.id}"]`);
      await page.setInputFiles('#dub-file', clipPath);
      await page.click('#dub-upload');
      const scores = await expectAnalysisShown(null);
      expect(scores.overall).toBeGreaterThanOrEqual(80); // the actor's own clip as the take
      await shoot(page, 'dub');
    });

    it('records from the microphone (Chromium’s fake device playing the line) and analyses the recording', async () => {
      const previous = await page.getAttribute('#dub-result', 'data-job-id');
      await page.click('#dub-record');
      await page.waitForSelector('#dub-record:text("Stop")');
      await page.waitForTimeout((token.words.at(-1)!.end_time + 0.8) * 1000);
      await page.click('#dub-record');
      await page.waitForSelector('#dub-take:not([hidden])');
      await page.click('#dub-upload');
      await expectAnalysisShown(previous);
    });

    it('my page lists the dubbed line; deleting my results lets me dub it afresh', async () => {
      const headers = await headersOf(page);
      await page.click('#mypage-refresh');
      await page.waitForSelector(`#mypage-dubbed li[data-token-id="${token.id}"]:has-text("2 attempts")`);
      await shoot(page, 'mypage');
      await page.click(`#mypage-dubbed li[data-token-id="${token.id}"] button:text("Delete my results")`);
      await page.waitForSelector('#mypage-notice:text("Deleted 2 results")');
      expect(await page.locator('#mypage-dubbed li').allTextContents()).toEqual(['None yet']);
      expect(await (await t.fetch('/mypage/my-dubbed-tokens', { headers })).json()).toEqual([]);
    });

    it('video: uploads through the presigned URL, then shows the service’s engine-not-configured message', async () => {
      expected.add('503 /api/upload-video/request-process');
      await page.setInputFiles('#video-file', videoPath);
      await page.click('#video-form button[type=submit]');
      await page.waitForSelector('#video-notice:has-text("ENGINE_NOT_CONFIGURED")');
      expect(await page.textContent('#video-notice')).toMatch(/SPEECH_TO_TEXT_ENGINE/);
      expect(await page.textContent('#video-stage')).toBe('uploaded, not transcribed');
      await shoot(page, 'video');
    });

    it('voice chat: a typed turn shows the service’s engine-not-configured message for the reply', async () => {
      await page.fill('#voice-text', 'Hello there');
      await page.click('#voice-form button[type=submit]');
      await page.waitForSelector('#voice-log .reply.failed');
      expect(await page.textContent('#voice-log .you')).toBe('Hello there');
      expect(await page.textContent('#voice-log .reply')).toMatch(/^step ttot: ENGINE_NOT_CONFIGURED: .*TEXT_GENERATION_ENGINE/);
      await shoot(page, 'voice');
      await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header at the top of the whole-page picture
      await page.screenshot({ path: join(screenshots, 'console.png'), fullPage: true });
    });

    it('music: generates a track, follows the queue, plays and offers the MP3 (once the music routes exist)', async (test) => {
      const openapi = await (await t.fetch('/docs-json')).json();
      if (!openapi.paths['/music/generate-music-async/'] && !openapi.paths['/music/generate-music-async']) return test.skip();
      await page.fill('#music-lyrics', '[verse]\nOne short line to sing');
      await page.click('#music-form button[type=submit]');
      await page.waitForSelector('#music-queue li.mine');
      await page.waitForSelector('#music-track:not([hidden])', { timeout: 120_000 });
      const jobId = await page.getAttribute('#music-track', 'data-job-id');
      expect(await page.getAttribute(`#music-queue li[data-job-id="${jobId}"]`, 'data-status')).toBe('completed');
      await play(page, '#music-audio');
      await page.waitForFunction(() => document.getElementById('music-audio').currentTime > 0.2, undefined, { timeout: 10_000 });
      const download = page.waitForEvent('download');
      await page.click('#music-download');
      const file = await readFile((await (await download).path())!);
      expect(file.length).toBeGreaterThan(1000);
      expect(file.subarray(0, 3).toString('latin1') === 'ID3' || (file[0] === 0xff && (file[1]! & 0xe0) === 0xe0)).toBe(true);
      await shoot(page, 'music');
    }, 150_000);
  });

  describe('with Google (a local OIDC server), speech and chat engines on loopback', () => {
    let t: TestApp;
    let oidc: OidcTestServer;
    let speech: OpenAiSpeechServerDouble;
    let chat: VoiceEngineDouble;
    let context: BrowserContext;
    let page: Page;
    const problems: string[] = [];

    beforeAll(async () => {
      speech = await startOpenAiSpeechServer();
      chat = await startOpenAiVoiceServer();
      oidc = await startOidcServer();
      oidc.identity = { sub: 'console-sub', email: 'engines@example.com', name: 'Console User' };
      const port = await freePort();
      t = await startConsoleApp({
        ...oidc.env,
        // The redirect flow comes back to the console, which reads the tokens from the fragment.
        FRONTEND_URL: `http://127.0.0.1:${port}/console`,
        SPEECH_TO_TEXT_ENGINE: 'openai',
        STT_BASE_URL: speech.url,
        TEXT_GENERATION_ENGINE: 'openai',
        LLM_BASE_URL: chat.url,
      }, port);
      context = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
      page = await openConsole(context, t, problems, new Set());
    });
    afterEach(() => {
      expect(problems).toEqual([]);
    });
    afterAll(async () => {
      await context?.close();
      await t?.close();
      await speech?.close();
      await chat?.close();
      await oidc?.close();
    });

    it('signs in with Google: the redirect flow comes back to the console, which takes the tokens from the fragment and clears it', async () => {
      await page.click('#google-sign-in');
      await page.waitForSelector('#who:text("signed in as engines@example.com")', { timeout: 15_000 });
      expect(page.url()).toBe(`${t.baseUrl}/console`);
      expect(await page.evaluate(() => window.location.hash)).toBe('');
      const me = await (await t.fetch('/auth/me', { headers: await headersOf(page) })).json();
      expect(me).toMatchObject({ email: 'engines@example.com' });
    });

    it('video: the progress, the transcript, and SRT and VTT downloads', async () => {
      speech.expect(video.words, video.language);
      await page.setInputFiles('#video-file', videoPath);
      await page.click('#video-form button[type=submit]');
      await page.waitForSelector('#video-result:not([hidden])', { timeout: 60_000 });
      expect(await page.locator('#video-segments .text').allTextContents()).toEqual(video.sentences);
      expect(await page.getAttribute('#video-progress-bar', 'value')).toBe('100');
      for (const format of ['srt', 'vtt'] as const) {
        const download = page.waitForEvent('download');
        await page.click(`#video-${format}`);
        const subtitles = await readFile((await (await download).path())!, 'utf8');
        expect(subtitles).toContain(video.sentences[1]);
        expect(subtitles.startsWith(format === 'srt' ? '1\n00:00:0' : 'WEBVTT')).toBe(true);
      }
      await shoot(page, 'video', 'video-transcript');
    });

    it('voice chat: the reply streams in piece by piece, then its audio plays', async () => {
      // The length of the reply each time it changes.
      await page.evaluate(() => {
        const lengths: number[] = (window.replyLengths = []);
        new MutationObserver(() => {
          const reply: string = document.querySelector('#voice-log .turn:last-child .reply')?.textContent ?? '';
          if (reply.length && lengths.at(-1) !== reply.length) lengths.push(reply.length);
        }).observe(document.getElementById('voice-log'), { subtree: true, childList: true, characterData: true });
      });
      await page.fill('#voice-text', 'stream please');
      await page.click('#voice-form button[type=submit]');
      const reply = replyTo('stream please');
      await page.waitForSelector(`#voice-log .reply:text-is("${reply}")`, { timeout: 30_000 });
      const lengths: number[] = await page.evaluate(() => window.replyLengths);
      expect(lengths.length).toBeGreaterThan(2);
      expect(lengths.at(-1)).toBe(reply.length);
      // Played as it arrived, from a blob: URL (the audio route needs the bearer header).
      await page.waitForFunction(() => {
        const audio = document.querySelector('#voice-log .turn:last-child audio');
        return audio && !audio.hidden && audio.src.startsWith('blob:') && audio.duration > 0 && (audio.currentTime > 0 || audio.ended);
      }, undefined, { timeout: 15_000 });
      expect(chat.chats.at(-1)).toMatchObject({ stream: true });
      await shoot(page, 'voice', 'voice-reply');
    });

    it('voice chat: a recorded turn is recognised, answered and spoken', async () => {
      speech.expect([{ word: 'recorded', start: 0.2, end: 0.6, sentence: 0 }, { word: 'question', start: 0.6, end: 1.0, sentence: 0 }], 'en');
      await page.click('#voice-record');
      await page.waitForSelector('#voice-record:text("Stop and send")');
      await page.waitForTimeout(1500);
      await page.click('#voice-record');
      await page.waitForSelector(`#voice-log .turn:last-child .reply:text-is("${replyTo('recorded question')}")`, { timeout: 30_000 });
      expect(await page.textContent('#voice-log .turn:last-child .you')).toBe('recorded question');
      expect(speech.received.at(-1)!.duration).toBeGreaterThan(1);
    });
  });
});
