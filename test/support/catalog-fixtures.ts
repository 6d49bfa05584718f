import { DemoCatalogSeeder } from '../../src/catalog/demo/demo-catalog.seeder.js';
import { http, type TestApp } from './test-app.js';

export interface FixtureToken {
  id: number;
  clip: Buffer;
  words: Array<{ id: number; word: string; start_time: number; end_time: number }>;
}

/** The demo catalog (synthesised clips with word timings) loaded into the app; returns its first tokens. */
export async function demoTokens(t: TestApp, language: 'ko' | 'en' = 'ko'): Promise<FixtureToken[]> {
  await t.get(DemoCatalogSeeder).seed();
  const { items } = await (await t.fetch(`/tokens?language=${language}&limit=100`)).json();
  return Promise.all(
    (items as Array<{ id: number }>).map(async ({ id }) => {
      const token = await (await t.fetch(`/tokens/${id}`)).json();
      const clip = Buffer.from(await (await http(`${t.baseUrl}${token.audio_url}`)).arrayBuffer());
      return { id, clip, words: token.scripts.flatMap((script: { words: FixtureToken['words'] }) => script.words) };
    }),
  );
}
