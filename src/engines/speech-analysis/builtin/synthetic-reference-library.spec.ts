import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStorage } from '../../../storage/local-object-storage.js';
import { UrlSigner } from '../../../storage/url-signer.js';
import { CountingEspeak } from '../../../../test/support/counting-espeak.js';
import { COHORT_LINES, REFERENCE_VOICES } from './cohort-lines.js';
import { marginDimensions } from './synthetic-references.js';
import {
  BUNDLED_REFERENCES_DIR,
  cohortEntryName,
  deserialize,
  referenceFileName,
  SyntheticReferenceLibrary,
} from './synthetic-reference-library.js';

describe(SyntheticReferenceLibrary.name, () => {
  let root: string;
  let storage: LocalObjectStorage;
  const speech = new CountingEspeak();

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'references-'));
    storage = new LocalObjectStorage(root, new UrlSigner('secret-secret-secret-secret-secret'), 'http://localhost', 900);
    speech.said = [];
  });

  it('says the script in every reference voice once, takes the cohort from the shipped files, stores the script, and a new library reads it back', async () => {
    const sut = new SyntheticReferenceLibrary(speech, storage);

    const made = (await sut.referencesFor('en-US', ['Hello there.', 'How are you?']))!;

    expect(made.line).toHaveLength(REFERENCE_VOICES.length);
    expect(made.cohort).toHaveLength(REFERENCE_VOICES.length);
    expect(made.cohort[0]!.lineStarts).toHaveLength(COHORT_LINES.en!.length);
    expect(speech.said.map((call) => [call.text, call.voice])).toEqual(REFERENCE_VOICES.map((voice) => ['Hello there. How are you?', voice]));
    expect(await readdir(join(root, 'objects', 'analysis-references')), 'the script only').toHaveLength(1);

    speech.said = [];
    const again = await new SyntheticReferenceLibrary(speech, storage).referencesFor('en-US', ['Hello there.', 'How are you?']);

    expect(speech.said).toEqual([]);
    expect(again).toEqual(made);
  }, 60_000);

  it.each(Object.keys(COHORT_LINES))('ships the %s cohort, made for the current format (npm run make:analysis-references)', async (cohort) => {
    const bytes = await readFile(join(BUNDLED_REFERENCES_DIR, referenceFileName(cohortEntryName(cohort))));
    const voices = deserialize(bytes);
    expect(voices).toHaveLength(REFERENCE_VOICES.length);
    for (const utterances of voices) {
      expect(utterances).toHaveLength(COHORT_LINES[cohort]!.length);
      for (const utterance of utterances) expect(utterance.features.length).toBe(utterance.blocks * marginDimensions());
    }
  });

  it('makes the cohort itself when no file was shipped for it, and the shipped one matches what it makes', async () => {
    const sut = new SyntheticReferenceLibrary(speech, storage);
    const made = await sut.makeCohort('ko');
    expect(speech.said).toHaveLength(REFERENCE_VOICES.length * COHORT_LINES.ko!.length);
    const shipped = deserialize(await readFile(join(BUNDLED_REFERENCES_DIR, referenceFileName(cohortEntryName('ko')))));
    // eSpeak's voices vary a little from call to call: the same lines, about the same length each.
    for (const [voice, utterances] of shipped.entries()) {
      for (const [line, utterance] of utterances.entries()) expect(Math.abs(utterance.blocks - made[voice]![line]!.blocks)).toBeLessThanOrEqual(2);
    }
  }, 60_000);

  it('keeps a script in memory: the second analysis neither synthesizes nor reads storage', async () => {
    const sut = new SyntheticReferenceLibrary(speech, storage);
    const first = await sut.referencesFor('ko', ['안녕하세요.']);
    speech.said = [];

    const second = await sut.referencesFor('ko', ['안녕하세요.']);

    expect(speech.said).toEqual([]);
    expect(second!.line[0]!.features).toBe(first!.line[0]!.features);
  }, 60_000);

  it('says a fresh line every time, keeping it neither in memory nor in storage, and does not disturb the cached one', async () => {
    const sut = new SyntheticReferenceLibrary(speech, storage);
    const cached = await sut.referencesFor('en', ['Good night.']);
    speech.said = [];

    await sut.referencesFor('en', ['Good night.'], { fresh: true });
    await sut.referencesFor('en', ['Good evening.'], { fresh: true });

    expect(speech.said.map((call) => call.text)).toEqual([...REFERENCE_VOICES.map(() => 'Good night.'), ...REFERENCE_VOICES.map(() => 'Good evening.')]);
    expect(await readdir(join(root, 'objects', 'analysis-references')), 'the cached line only').toHaveLength(1);
    speech.said = [];
    expect((await sut.referencesFor('en', ['Good night.']))!.line[0]!.features).toBe(cached!.line[0]!.features);
    expect(speech.said).toEqual([]);
  }, 60_000);

  it('has nothing for a language without a cohort', async () => {
    expect(await new SyntheticReferenceLibrary(speech, storage).referencesFor('fr', ['Bonjour.'])).toBeUndefined();
    expect(speech.said).toEqual([]);
  });
});
