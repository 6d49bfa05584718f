import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoCatalogSeeder } from '../src/catalog/demo/demo-catalog.seeder.js';
import { decodeWav } from '../src/engines/audio/wav.js';
import { multipart } from './support/audio.js';
import { eventually, http, signIn, startTestApp, type TestApp } from './support/test-app.js';

interface Word { word: string; start_time: number; end_time: number }
interface Script { text: string; start_time: number; end_time: number; words: Word[] }

describe('demo catalog (synthesised by the built-in engine)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await t.get(DemoCatalogSeeder).seed();
  });
  afterAll(() => t?.close());

  const allTokens = async () => (await (await t.fetch('/tokens?limit=100')).json()).items as Array<{ id: number; language: string; tags: string[] }>;

  it('has at least ten tokens in Korean and English, all tagged synthetic', async () => {
    const tokens = await allTokens();
    expect(tokens.length).toBeGreaterThanOrEqual(10);
    expect(new Set(tokens.map((token) => token.language))).toEqual(new Set(['ko', 'en']));
    expect(tokens.every((token) => token.tags.includes('synthetic'))).toBe(true);
    const actors = await (await t.fetch('/actors?q=Haneul')).json();
    expect(actors.items.map((actor: { name: string }) => actor.name)).toEqual(['김하늘']);
  });

  it('every clip is valid audio as long as its token, and every word lies inside its clip and its script', async () => {
    for (const { id } of await allTokens()) {
      const token = await (await t.fetch(`/tokens/${id}`)).json();
      const audio = await http(`${t.baseUrl}${token.audio_url}`);
      expect(audio.status).toBe(200);
      const wav = decodeWav(Buffer.from(await audio.arrayBuffer()));
      const duration = wav.samples.length / wav.sampleRate;
      expect(Math.abs(duration - (token.end_time - token.start_time)), `token ${id} duration`).toBeLessThan(0.001);
      const peak = wav.samples.reduce((max, sample) => Math.max(max, Math.abs(sample)), 0);
      expect(peak, `token ${id} is not silent`).toBeGreaterThan(1000);

      expect(token.scripts.length).toBeGreaterThan(0);
      for (const script of token.scripts as Script[]) {
        expect(script.words.length).toBe(script.text.split(/\s+/).length);
        for (const word of script.words) {
          expect(word.start_time, `${word.word} in token ${id}`).toBeGreaterThanOrEqual(script.start_time);
          expect(word.end_time).toBeGreaterThanOrEqual(word.start_time);
          expect(word.end_time).toBeLessThanOrEqual(script.end_time);
          expect(word.end_time).toBeLessThanOrEqual(duration);
        }
      }
    }
  });

  it("every clip, uploaded as a take of its own line, is judged speech and scores as the actor's own reading", async () => {
    const dubber = await signIn(t, 'demo-dubber@example.com');
    for (const { id } of await allTokens()) {
      const token = await (await t.fetch(`/tokens/${id}`)).json();
      const clip = Buffer.from(await (await http(`${t.baseUrl}${token.audio_url}`)).arrayBuffer());
      const accepted = await (
        await t.fetch(`/tokens/${id}/upload-audio`, { method: 'POST', body: multipart('file', 'take.wav', clip), headers: dubber.headers })
      ).json();
      const done = await eventually(async () => {
        const state = await (await t.fetch(`/tokens/analysis-result/${accepted.job_id}`, { headers: dubber.headers })).json();
        return ['completed', 'failed'].includes(state.status) ? state : undefined;
      }, 30_000, `analysis of token ${id}`);
      expect(done.error ?? null, `token ${id} (${token.language}): ${JSON.stringify(done.error)}`).toBeNull();
      expect(done.result.overall, `token ${id}`).toBeGreaterThanOrEqual(80);
    }
  }, 180_000);

  it("every token's source video is its own film's trailer", async () => {
    for (const { id } of await allTokens()) {
      const token = await (await t.fetch(`/tokens/${id}`)).json();
      expect(token.url?.title, `token ${id}`).toBe(`${token.title} (demo trailer)`);
    }
  });

  it('is found by Korean text search', async () => {
    const found = await (await t.fetch(`/tokens?q=${encodeURIComponent('산책')}`)).json();
    expect(found.total).toBe(1);
  });

  it('seeding again changes nothing', async () => {
    const before = await allTokens();
    expect(await t.get(DemoCatalogSeeder).seed()).toEqual({ created: 0, existing: before.length });
    expect(await allTokens()).toEqual(before);
  });
});
