import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalObjectStorage } from '../../../storage/local-object-storage.js';
import { UrlSigner } from '../../../storage/url-signer.js';
import { CountingEspeak } from '../../../../test/support/counting-espeak.js';
import { SpeechSynthesisError } from '../../text-to-speech/text-to-speech.engine.js';
import * as analyzer from './dubbing-analyzer.js';
import { BuiltinSpeechAnalysisEngine } from './builtin-speech-analysis.engine.js';
import { REFERENCE_VOICES } from './cohort-lines.js';
import { SyntheticReferenceLibrary } from './synthetic-reference-library.js';

vi.mock('./dubbing-analyzer.js', { spy: true });

describe(`${BuiltinSpeechAnalysisEngine.name} warm-up`, () => {
  let root: string;
  let storage: LocalObjectStorage;
  const speech = new CountingEspeak();

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'warm-up-'));
    storage = new LocalObjectStorage(root, new UrlSigner('secret-secret-secret-secret-secret'), 'http://localhost', 900);
    speech.said = [];
    vi.clearAllMocks();
  });
  afterEach(() => vi.restoreAllMocks());

  it('analyses a line said in two voices against its fresh synthetic references, and stores nothing', async () => {
    const logged = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const sut = new BuiltinSpeechAnalysisEngine(storage, new SyntheticReferenceLibrary(speech, storage), { warmUpWith: speech });

    await sut.warmUp();

    const line = speech.said[0]!.text;
    expect(speech.said.map((call) => call.text)).toEqual(Array(2 + REFERENCE_VOICES.length).fill(line));
    expect(new Set(speech.said.map((call) => call.voice)).size, 'the actor, the dubber and the reference voices').toBe(4);
    expect(analyzer.analyzeDubbing).toHaveBeenCalledTimes(1);
    const [input] = vi.mocked(analyzer.analyzeDubbing).mock.calls[0]!;
    expect(input.synthetic?.line).toHaveLength(REFERENCE_VOICES.length);
    expect(input.actorMargin).toEqual(expect.any(Number));
    expect(await readdir(root), 'nothing stored').toEqual([]);
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^Analysis warmed up in \d+ ms \(process CPU \d+ ms\)$/));
  }, 60_000);

  it('does nothing without a speech engine to warm up with (ANALYSIS_WARM_UP=false, or no jobs in this process)', async () => {
    await new BuiltinSpeechAnalysisEngine(storage, new SyntheticReferenceLibrary(speech, storage)).warmUp();

    expect(speech.said).toEqual([]);
    expect(analyzer.analyzeDubbing).not.toHaveBeenCalled();
  });

  it('never rejects: a warm-up that fails is logged, and the service goes on', async () => {
    const warned = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const broken = new CountingEspeak();
    vi.spyOn(broken, 'synthesize').mockRejectedValue(new SpeechSynthesisError('SYNTHESIS_FAILED', 'eSpeak NG failed to start: out of memory'));

    await expect(new BuiltinSpeechAnalysisEngine(storage, undefined, { warmUpWith: broken }).warmUp()).resolves.toBeUndefined();

    expect(warned).toHaveBeenCalledWith('Analysis warm-up failed (the first take will be slower): eSpeak NG failed to start: out of memory');
  });
});
