import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { decodeWav } from '../../audio/wav.js';
import type { TextToSpeechEngine } from '../../text-to-speech/text-to-speech.engine.js';
import { PROJECT_DIR } from '../../../service-info.js';
import { ObjectNotFoundError, type ObjectStorage } from '../../../storage/object-storage.js';
import { cohortLanguage, COHORT_LINES, REFERENCE_VOICES } from './cohort-lines.js';
import {
  concatenateUtterances,
  marginDimensions,
  resampleTo16k,
  syntheticUtterance,
  type SyntheticReferences,
  type SyntheticUtterance,
} from './synthetic-references.js';

/** Bumped whenever the stored features would differ (features, voices, cohort lines): old entries are then ignored. */
const FORMAT = 'references-8';
const STORAGE_PREFIX = 'analysis-references';
/** Scripts kept in memory; the rest come back from storage (about 60 KB a voice for a 10 s line: 250 blocks of one float per phone). */
const MEMORY_ENTRIES = 200;
/**
 * The cohorts, made ahead and shipped (`npm run make:analysis-references`), so that not even the first analysis
 * in a language pays the 2-3 s of synthesising them; a file made for another FORMAT is simply not found.
 */
export const BUNDLED_REFERENCES_DIR = join(PROJECT_DIR, 'assets', 'analysis-references');

/** The file name of an entry, in storage and among the bundled ones. */
export const referenceFileName = (name: string) =>
  `${createHash('sha256').update(`${FORMAT}\n${REFERENCE_VOICES.join(',')}\n${name}`).digest('hex')}.bin`;
/** The entry name of a language's cohort. */
export const cohortEntryName = (cohort: string) => `cohort:${cohort}`;

/**
 * The script and the cohort lines said by eSpeak's reference voices, as features, made once per script (and
 * once per language for the cohort) and kept in memory and in object storage: the first analysis of a script
 * pays for the synthesis, the next ones only for reading.
 */
export class SyntheticReferenceLibrary {
  private readonly logger = new Logger(SyntheticReferenceLibrary.name);
  private readonly memory = new Map<string, Promise<SyntheticUtterance[]>>();

  constructor(
    private readonly speech: TextToSpeechEngine,
    private readonly storage: ObjectStorage,
  ) {}

  /**
   * undefined when the language has no cohort, or synthesis fails: the analyzer then scores against the actor alone.
   * `fresh` says the line anew, neither read from nor kept in memory and storage (the engine's warm-up); the
   * cohort is still the cached one.
   */
  async referencesFor(language: string, sentences: string[], { fresh = false } = {}): Promise<SyntheticReferences | undefined> {
    const cohort = cohortLanguage(language);
    const text = sentences.join(' ').trim();
    if (!cohort || text === '') return undefined;
    const sayLine = () => Promise.all(REFERENCE_VOICES.map(async (voice) => [await this.say(text, language, voice)]));
    try {
      const [line, streams] = await Promise.all([
        fresh ? sayLine() : this.cached(`line:${language}:${text}`, sayLine),
        this.cached(cohortEntryName(cohort), () => this.makeCohort(cohort)),
      ]);
      return { line: line.map((utterances) => utterances[0]!), cohort: streams.map((lines) => concatenateUtterances(lines)) };
    } catch (error) {
      this.logger.warn(`No synthetic references for ${language}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** The cohort lines of a language in every reference voice. */
  async makeCohort(cohort: string): Promise<SyntheticUtterance[][]> {
    return Promise.all(
      REFERENCE_VOICES.map(async (voice) => {
        const lines: SyntheticUtterance[] = [];
        for (const cohortLine of COHORT_LINES[cohort]!) lines.push(await this.say(cohortLine, cohort, voice));
        return lines;
      }),
    );
  }

  private async say(text: string, language: string, voice: string): Promise<SyntheticUtterance> {
    const synthesis = await this.speech.synthesize(text, { language, voice });
    const { samples, sampleRate } = decodeWav(synthesis.audio);
    return syntheticUtterance(resampleTo16k(samples, sampleRate));
  }

  /** Per voice, a list of utterances: from memory, else storage, else made (and stored). */
  private cached(name: string, make: () => Promise<SyntheticUtterance[][]>): Promise<SyntheticUtterance[][]> {
    const file = referenceFileName(name);
    const key = `${STORAGE_PREFIX}/${file}`;
    const memoryKey = (voice: number) => `${key}#${voice}`;
    const hit = REFERENCE_VOICES.map((_, voice) => this.memory.get(memoryKey(voice)));
    if (hit.every((entry) => entry !== undefined)) return Promise.all(hit);
    const loading = this.loadBundled(file).then(async (bundled) => bundled ?? (await this.load(key))).then(async (stored) => {
      if (stored) return stored;
      const made = await make();
      await this.storage.put(key, Readable.from(serialize(made)), { contentType: 'application/octet-stream' }).catch((error: unknown) => {
        this.logger.warn(`Could not store synthetic references: ${error instanceof Error ? error.message : String(error)}`);
      });
      return made;
    });
    REFERENCE_VOICES.forEach((_, voice) => this.remember(memoryKey(voice), loading.then((voices) => voices[voice]!)));
    loading.catch(() => REFERENCE_VOICES.forEach((_, voice) => this.memory.delete(memoryKey(voice))));
    return loading;
  }

  private remember(key: string, entry: Promise<SyntheticUtterance[]>): void {
    this.memory.set(key, entry);
    if (this.memory.size > MEMORY_ENTRIES) this.memory.delete(this.memory.keys().next().value!);
  }

  private async loadBundled(file: string): Promise<SyntheticUtterance[][] | undefined> {
    try {
      return deserialize(await readFile(join(BUNDLED_REFERENCES_DIR, file)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private async load(key: string): Promise<SyntheticUtterance[][] | undefined> {
    try {
      const { body } = await this.storage.get(key);
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      return deserialize(Buffer.concat(chunks));
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
  }
}

/** [header length (u32)] [JSON: blocks of each utterance of each voice] [float32 features, in that order]. */
export function serialize(voices: SyntheticUtterance[][]): Buffer {
  const header = Buffer.from(JSON.stringify(voices.map((utterances) => utterances.map((utterance) => utterance.blocks))));
  const features = voices.flat().map((utterance) => Buffer.from(utterance.features.buffer, utterance.features.byteOffset, utterance.features.byteLength));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([length, header, ...features]);
}

export function deserialize(buffer: Buffer): SyntheticUtterance[][] {
  const headerLength = buffer.readUInt32LE(0);
  const blocks = JSON.parse(buffer.subarray(4, 4 + headerLength).toString('utf8')) as number[][];
  const data = new Float32Array(buffer.buffer.slice(buffer.byteOffset + 4 + headerLength, buffer.byteOffset + buffer.length));
  const dimensions = marginDimensions();
  let offset = 0;
  return blocks.map((voice) =>
    voice.map((count) => {
      const features = data.slice(offset, offset + count * dimensions);
      offset += count * dimensions;
      return { features, blocks: count };
    }),
  );
}
