import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { HttpStatus, Injectable } from '@nestjs/common';
import type { EspeakNGEvent, EspeakNGModule, EspeakNGWorker } from '@echogarden/espeak-ng-emscripten';
import { encodeWav } from '../../audio/wav.js';
import {
  SpeechSynthesisError,
  TextToSpeechEngine,
  type Synthesis,
  type SynthesisOptions,
} from '../text-to-speech.engine.js';
import { splitWords, toEspeakInput } from './espeak-input.js';
import { timeWords } from './espeak-word-timings.js';

const PACKAGE = '@echogarden/espeak-ng-emscripten';
const VARIANTS_DIRECTORY = '/usr/share/espeak-ng-data/voices/!v';
// eSpeak's own limits (espeakRATE_MINIMUM, espeakRATE_MAXIMUM) and default, in words per minute.
export const MIN_RATE = 80;
export const MAX_RATE = 450;
export const DEFAULT_RATE = 175;
// eSpeak's pitch range parameter (espeakRANGE): 0 is monotone, 50 the voice's own.
const DEFAULT_INTONATION = 50;

interface LoadedEspeak {
  module: EspeakNGModule;
  worker: EspeakNGWorker;
  version: string;
  voices: { identifier: string; language: string; priority: number }[];
  variants: Set<string>;
}

/** The built-in engine: eSpeak NG compiled to WebAssembly, in process; Korean and English among its languages. */
@Injectable()
export class EspeakTextToSpeechEngine extends TextToSpeechEngine {
  readonly name = 'espeak-ng';
  private loading: Promise<LoadedEspeak> | undefined;
  // The worker is one global eSpeak instance and not re-entrant: every synthesis waits for the previous one.
  private queue: Promise<unknown> = Promise.resolve();

  async synthesize(text: string, options: SynthesisOptions): Promise<Synthesis> {
    if (text.trim() === '') throw new SpeechSynthesisError('EMPTY_TEXT', 'There is no text to speak');
    const rate = options.rate ?? DEFAULT_RATE;
    if (!Number.isFinite(rate) || rate < MIN_RATE || rate > MAX_RATE) {
      throw new SpeechSynthesisError('INVALID_RATE', `Rate must be ${MIN_RATE}-${MAX_RATE} words per minute, got ${rate}`);
    }
    const intonation = options.intonation ?? DEFAULT_INTONATION;
    if (!Number.isFinite(intonation) || intonation < 0 || intonation > 100) {
      throw new SpeechSynthesisError('INVALID_INTONATION', `Intonation must be 0-100, got ${intonation}`);
    }
    const espeak = await this.load();
    return this.serialize(() => this.speak(espeak, text, options, Math.round(rate), Math.round(intonation)));
  }

  private speak(espeak: LoadedEspeak, text: string, options: SynthesisOptions, rate: number, intonation: number): Synthesis {
    const voice = this.voiceName(espeak, options);
    if (espeak.worker.set_voice(voice) !== 0) {
      throw new SpeechSynthesisError('UNSUPPORTED_VOICE', `eSpeak NG has no voice '${voice}'`);
    }
    espeak.worker.set_rate(rate);
    espeak.worker.set_range(intonation);

    const input = toEspeakInput(text);
    const chunks: Int16Array[] = [];
    const events: EspeakNGEvent[] = [];
    espeak.worker.synthesize(input.markup, (samples, chunkEvents) => {
      chunks.push(samples);
      events.push(...chunkEvents);
      return false;
    });
    const samples = concat(chunks);
    const sampleRate = espeak.worker.get_samplerate();
    const duration = samples.length / sampleRate;
    if (samples.length === 0) {
      throw new SpeechSynthesisError('SYNTHESIS_FAILED', 'eSpeak NG produced no audio', HttpStatus.INTERNAL_SERVER_ERROR);
    }

    const phonemeCounts = new Map<string, number>();
    const words = timeWords({
      words: splitWords(text),
      events,
      sourceIndex: input.sourceIndex,
      duration,
      phonemeCount: (word) => {
        if (!phonemeCounts.has(word)) phonemeCounts.set(word, this.phonemeCount(espeak, word));
        return phonemeCounts.get(word)!;
      },
    });
    return {
      audio: encodeWav(samples, sampleRate),
      contentType: 'audio/wav',
      sampleRate,
      duration,
      words,
      engine: { name: this.name, version: espeak.version },
    };
  }

  /** 'ko', 'en-US', 'en-gb' → the eSpeak voice listing that language first; the variant is appended as '+f3'. */
  private voiceName(espeak: LoadedEspeak, options: SynthesisOptions): string {
    const language = options.language.trim().toLowerCase().replaceAll('_', '-');
    const primary = language.split('-')[0]!;
    const match = [language, primary]
      .map((tag) => espeak.voices.filter((voice) => voice.language === tag).sort((a, b) => a.priority - b.priority)[0])
      .find((voice) => voice !== undefined);
    if (!match) {
      throw new SpeechSynthesisError('UNSUPPORTED_VOICE', `eSpeak NG has no voice for language '${options.language}'`);
    }
    if (options.voice === undefined) return match.identifier;
    const variant = options.voice.replace(/^\+/, '');
    // eSpeak accepts an unknown variant silently and speaks with the plain voice, so check the list ourselves.
    if (!espeak.variants.has(variant)) {
      throw new SpeechSynthesisError('UNSUPPORTED_VOICE', `eSpeak NG has no voice variant '${options.voice}'`);
    }
    return `${match.identifier}+${variant}`;
  }

  private phonemeCount(espeak: LoadedEspeak, word: string): number {
    const pointer = espeak.worker.text_to_phonemes(word, 1).ptr;
    const heap = espeak.module.HEAPU8;
    const end = heap.indexOf(0, pointer);
    const phonemes = Buffer.from(heap.subarray(pointer, end)).toString('utf8');
    espeak.module._free(pointer);
    // '_' separates phonemes, ' ' words, '|' clauses; '(en)' marks a switch of language, not a sound.
    return phonemes.split(/[_\s|]+/).filter((phoneme) => phoneme !== '' && !/^\(.*\)$/.test(phoneme)).length;
  }

  private load(): Promise<LoadedEspeak> {
    this.loading ??= this.initialize().catch((error: unknown) => {
      this.loading = undefined;
      throw new SpeechSynthesisError(
        'SYNTHESIS_FAILED',
        `eSpeak NG failed to start: ${error instanceof Error ? error.message : String(error)}`,
        HttpStatus.INTERNAL_SERVER_ERROR,
      );
    });
    return this.loading;
  }

  private async initialize(): Promise<LoadedEspeak> {
    const { default: initializeModule } = await import('@echogarden/espeak-ng-emscripten');
    const module = await initializeModule();
    const worker = new module.eSpeakNGWorker();
    const packageJson = createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`);
    const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
    const voices = worker
      .list_voices()
      .flatMap((voice) => voice.languages.map((language) => ({ identifier: voice.identifier, ...language })))
      .map(({ identifier, name, priority }) => ({ identifier, language: name.toLowerCase(), priority }));
    const variants = new Set(module.FS.readdir(VARIANTS_DIRECTORY).filter((name) => !name.startsWith('.')));
    return { module, worker, version, voices, variants };
  }

  private serialize<T>(job: () => T): Promise<T> {
    const result = this.queue.then(job);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function concat(chunks: Int16Array[]): Int16Array {
  const samples = new Int16Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    samples.set(chunk, offset);
    offset += chunk.length;
  }
  return samples;
}
