import { HttpStatus } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { decodeWav } from '../../audio/wav.js';
import { EngineError } from '../../engine-error.js';
import type { TextToSpeechEngine } from '../../text-to-speech/text-to-speech.engine.js';
import type { Composition, SungNote } from './composition.js';
import { SAMPLE_RATE, trackSamples } from './render.js';
import { isKorean } from './syllables.js';

// The voice's own pitch when eSpeak speaks on one note is found in the audio, searched between these.
const MIN_VOICE_HZ = 50;
// The eSpeak variant without roughness, flutter or echo: the others vary from call to call (eSpeak's own random
// jitter and state), and the same request must give the same bytes.
const SINGING_VOICE = 'Storm';
const MAX_VOICE_HZ = 400;
const NOTE_GAP = 0.92;
const EDGE_SECONDS = 0.01;

/**
 * The lyrics sung: each line spoken by the text-to-speech engine on one note (intonation 0), cut into its
 * words by the engine's word timings and each word into equal parts, one per syllable; each part is moved to
 * its melody note's pitch and stretched to its length by pitch-synchronous overlap-add (TD-PSOLA). Returns
 * the voice, mono at SAMPLE_RATE, as long as the track.
 */
export async function singLyrics(
  textToSpeech: TextToSpeechEngine,
  composition: Composition,
  signal: AbortSignal,
  onProgress?: (fraction: number) => void,
): Promise<Float32Array> {
  const voice = new Float32Array(trackSamples(composition));
  const secondsPerBeat = 60 / composition.bpm;
  for (let line = 0; line < composition.lines.length; line++) {
    await nextTurn();
    signal.throwIfAborted();
    const text = composition.lines[line]!;
    const notes = composition.sung.filter((note) => note.line === line);
    const spoken = await speak(textToSpeech, text);
    const period = SAMPLE_RATE / voicePitch(spoken.samples);
    const marks = pitchMarks(spoken.samples, period);
    for (const [word, wordNotes] of groupBy(notes, (note) => note.word)) {
      const span = spoken.words[word];
      if (!span) continue;
      const [start, end] = trimSilence(spoken.samples, Math.round(span.start * SAMPLE_RATE), Math.round(span.end * SAMPLE_RATE));
      const part = (end - start) / wordNotes.length;
      wordNotes.forEach((note, index) => {
        const from = Math.round(start + index * part);
        const to = Math.round(start + (index + 1) * part);
        singSyllable(voice, spoken.samples, marks, period, from, to, note, secondsPerBeat);
      });
    }
    onProgress?.((line + 1) / composition.lines.length);
  }
  normalizePeak(voice);
  return voice;
}

async function speak(textToSpeech: TextToSpeechEngine, text: string) {
  try {
    const synthesis = await textToSpeech.synthesize(text, { language: isKorean(text) ? 'ko' : 'en', voice: SINGING_VOICE, intonation: 0 });
    const wav = decodeWav(synthesis.audio);
    return { samples: resample(wav.samples, wav.sampleRate), words: synthesis.words };
  } catch (failure) {
    throw new EngineError(
      'SYNTHESIS_FAILED',
      `The voice could not sing "${text}": ${(failure as Error).message}`,
      false,
      HttpStatus.INTERNAL_SERVER_ERROR,
    );
  }
}

/** Linear interpolation to SAMPLE_RATE, as floats in [-1, 1]. */
function resample(samples: Int16Array, sampleRate: number): Float32Array {
  const ratio = sampleRate / SAMPLE_RATE;
  const out = new Float32Array(Math.floor(samples.length / ratio));
  for (let i = 0; i < out.length; i++) {
    const position = i * ratio;
    const index = Math.floor(position);
    const fraction = position - index;
    const next = samples[Math.min(index + 1, samples.length - 1)]!;
    out[i] = (samples[index]! * (1 - fraction) + next * fraction) / 32768;
  }
  return out;
}

/** The fundamental of a monotone voice: autocorrelation of its loudest frames, the median over them. */
function voicePitch(samples: Float32Array): number {
  const window = Math.round(0.03 * SAMPLE_RATE);
  const frames: { start: number; energy: number }[] = [];
  for (let start = 0; start + window * 2 < samples.length; start += window) {
    let energy = 0;
    for (let i = start; i < start + window; i += 4) energy += samples[i]! ** 2;
    frames.push({ start, energy });
  }
  const loudest = frames.sort((a, b) => b.energy - a.energy).slice(0, 7);
  const pitches = loudest.map(({ start }) => {
    let best = { score: -Infinity, lag: SAMPLE_RATE / 100 };
    // Every other sample is enough to find the lag; the lags are all tried.
    for (let lag = Math.floor(SAMPLE_RATE / MAX_VOICE_HZ); lag <= Math.ceil(SAMPLE_RATE / MIN_VOICE_HZ); lag++) {
      let product = 0;
      let energy = 0;
      for (let i = start; i < start + window; i += 2) {
        product += samples[i]! * samples[i + lag]!;
        energy += samples[i + lag]! ** 2;
      }
      const score = product / Math.sqrt(energy + 1e-9);
      if (score > best.score) best = { score, lag };
    }
    return SAMPLE_RATE / best.lag;
  });
  return pitches.sort((a, b) => a - b)[Math.floor(pitches.length / 2)] ?? 100;
}

/** One mark per glottal pulse: the peak of each period, each searched about one period after the previous. */
function pitchMarks(samples: Float32Array, period: number): Int32Array {
  const marks: number[] = [];
  let mark = peak(samples, 0, Math.ceil(period));
  while (mark < samples.length) {
    marks.push(mark);
    const next = peak(samples, Math.round(mark + 0.85 * period), Math.round(mark + 1.15 * period));
    mark = Math.max(next, mark + 1);
  }
  return Int32Array.from(marks);
}

function peak(samples: Float32Array, from: number, to: number): number {
  let best = from;
  for (let i = from; i < Math.min(to, samples.length); i++) if (samples[i]! > samples[best]!) best = i;
  return best;
}

/** Narrows [start, end) to where the voice is: eSpeak's word spans include the pause after the word. */
function trimSilence(samples: Float32Array, start: number, end: number): [number, number] {
  const block = Math.round(0.005 * SAMPLE_RATE);
  const level = (from: number) => {
    let sum = 0;
    for (let i = from; i < Math.min(from + block, samples.length); i++) sum = Math.max(sum, Math.abs(samples[i]!));
    return sum;
  };
  let loudest = 0;
  for (let i = start; i < end; i += block) loudest = Math.max(loudest, level(i));
  const threshold = loudest * 0.08;
  let from = start;
  while (from + block < end && level(from) < threshold) from += block;
  let to = end;
  while (to - block > from && level(to - block) < threshold) to -= block;
  return to - from > block * 4 ? [from, to] : [start, end];
}

/**
 * TD-PSOLA: grains two source periods long, centred on the pitch marks, laid one target period apart; the first
 * consonant-like part of the syllable keeps its speed, the rest is stretched (or squeezed) over the note.
 */
function singSyllable(
  voice: Float32Array,
  source: Float32Array,
  marks: Int32Array,
  period: number,
  from: number,
  to: number,
  note: SungNote,
  secondsPerBeat: number,
) {
  const start = Math.round(note.time * secondsPerBeat * SAMPLE_RATE);
  const length = Math.round(note.duration * NOTE_GAP * secondsPerBeat * SAMPLE_RATE);
  const targetPeriod = SAMPLE_RATE / (440 * 2 ** ((note.pitch - 69) / 12));
  const half = Math.round(period);
  const sourceLength = Math.max(1, to - from);
  const onsetSource = Math.min(0.3 * sourceLength, 0.06 * SAMPLE_RATE);
  const onsetTarget = Math.min(onsetSource, 0.3 * length);
  const edge = Math.round(EDGE_SECONDS * SAMPLE_RATE);
  const window = Float32Array.from({ length: 2 * half }, (_, index) => 0.5 - 0.5 * Math.cos((Math.PI * index) / half));

  for (let t = 0; t < length; t += targetPeriod) {
    const position =
      t < onsetTarget
        ? from + (onsetSource * t) / onsetTarget
        : from + onsetSource + ((t - onsetTarget) / Math.max(1, length - onsetTarget)) * (sourceLength - onsetSource);
    const centre = marks[nearest(marks, position)]!;
    const at = start + Math.round(t);
    const first = Math.max(-half, -at, -centre);
    const last = Math.min(half, voice.length - at, source.length - centre);
    for (let k = first; k < last; k++) {
      const fromStart = at + k - start;
      const fade = fromStart < edge - half || fromStart > length - edge ? Math.min(1, (fromStart + half) / edge, (length - fromStart) / edge) : 1;
      if (fade > 0) voice[at + k]! += source[centre + k]! * window[k + half]! * fade;
    }
  }
}

function nearest(marks: Int32Array, position: number): number {
  let low = 0;
  let high = marks.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (marks[middle]! < position) low = middle + 1;
    else high = middle;
  }
  return low > 0 && position - marks[low - 1]! < marks[low]! - position ? low - 1 : low;
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function normalizePeak(samples: Float32Array) {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]!));
  if (peak === 0) return;
  for (let i = 0; i < samples.length; i++) samples[i]! /= peak;
}
