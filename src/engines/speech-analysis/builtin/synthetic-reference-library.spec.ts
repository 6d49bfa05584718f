import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStorage } from '../../../storage/local-object-storage.js';
import { UrlSigner } from '../../../storage/url-signer.js';
import { EspeakTextToSpeechEngine } from '../../text-to-speech/espeak/espeak-text-to-speech.engine.js';
import type { SynthesisOptions } from '../../text-to-speech/text-to-speech.engine.js';
import { COHORT_LINES, REFERENCE_VOICES } from './cohort-lines.js';
import { SyntheticReferenceLibrary } from './synthetic-reference-library.js';

/** The real eSpeak engine, counting what it is asked to say. */
class CountingEspeak extends EspeakTextToSpeechEngine {
  said: Array<{ text: string; voice?: string }> = [];
  override synthesize(text: string, options: SynthesisOptions) {
    this.said.push({ text, voice: options.voice });
    return super.synthesize(text, options);
  }
}

describe(SyntheticReferenceLibrary.name, () => {
  let root: string;
  let storage: LocalObjectStorage;
  const speech = new CountingEspeak();

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'references-'));
    storage = new LocalObjectStorage(root, new UrlSigner('secret-secret-secret-secret-secret'), 'http://localhost', 900);
    speech.said = [];
  });

  it('says the script and the cohort in every reference voice once, stores them, and a new library reads them back', async () => {
    const sut = new SyntheticReferenceLibrary(speech, storage);

    const made = (await sut.referencesFor('en-US', ['Hello there.', 'How are you?']))!;

    expect(made.line).toHaveLength(REFERENCE_VOICES.length);
    expect(made.cohort).toHaveLength(REFERENCE_VOICES.length);
    expect(made.cohort[0]!.lineStarts).toHaveLength(COHORT_LINES.en!.length);
    expect(speech.said.filter((call) => call.text === 'Hello there. How are you?').map((call) => call.voice)).toEqual([...REFERENCE_VOICES]);
    expect(speech.said).toHaveLength(REFERENCE_VOICES.length * (1 + COHORT_LINES.en!.length));
    expect(await readdir(join(root, 'objects', 'analysis-references')), 'the script and the cohort').toHaveLength(2);

    speech.said = [];
    const again = await new SyntheticReferenceLibrary(speech, storage).referencesFor('en-US', ['Hello there.', 'How are you?']);

    expect(speech.said).toEqual([]);
    expect(again).toEqual(made);
  }, 60_000);

  it('keeps a script in memory: the second analysis neither synthesizes nor reads storage', async () => {
    const sut = new SyntheticReferenceLibrary(speech, storage);
    const first = await sut.referencesFor('ko', ['안녕하세요.']);
    speech.said = [];

    const second = await sut.referencesFor('ko', ['안녕하세요.']);

    expect(speech.said).toEqual([]);
    expect(second!.line[0]!.features).toBe(first!.line[0]!.features);
  }, 60_000);

  it('has nothing for a language without a cohort', async () => {
    expect(await new SyntheticReferenceLibrary(speech, storage).referencesFor('fr', ['Bonjour.'])).toBeUndefined();
    expect(speech.said).toEqual([]);
  });
});
