import { setImmediate as nextTurn } from 'node:timers/promises';
import { DRUM, type Composition, type NoteEvent, type Track } from './composition.js';
import type { MusicStyle } from './genre-style.js';

export const SAMPLE_RATE = 44_100;
/** Seconds after the last bar for notes and reverb to ring out. */
export const TAIL_SECONDS = 1.5;
const PEAK = 0.89;
// Work at most this long before letting the event loop run (other requests, the abort signal).
const SLICE_MS = 40;

export interface StereoPcm {
  sampleRate: number;
  left: Float32Array;
  right: Float32Array;
}

export interface RenderOptions {
  seed: number;
  signal: AbortSignal;
  /** The sung voice, mono at SAMPLE_RATE, from the start of the track. */
  voice?: Float32Array;
  /** 0-1 as the notes are played. */
  onProgress?(fraction: number): void;
}

export function trackSamples(composition: Composition): number {
  return Math.ceil((composition.beats * 60) / composition.bpm * SAMPLE_RATE + TAIL_SECONDS * SAMPLE_RATE);
}

/** Plays the note events with the style's instruments, adds the voice and a room, and normalizes the peak. */
export async function renderTrack(composition: Composition, style: MusicStyle, options: RenderOptions): Promise<StereoPcm> {
  const length = trackSamples(composition);
  const mix: Mix = { left: new Float32Array(length), right: new Float32Array(length), send: new Float32Array(length) };
  const noise = new Noise(options.seed);
  const drums = new Map<number, Float32Array>();
  const scratch = new Scratch();
  const secondsPerBeat = 60 / composition.bpm;
  let sliceStarted = performance.now();

  for (let index = 0; index < composition.events.length; index++) {
    if (performance.now() - sliceStarted > SLICE_MS) {
      await nextTurn();
      options.signal.throwIfAborted();
      options.onProgress?.(index / composition.events.length);
      sliceStarted = performance.now();
    }
    const event = composition.events[index]!;
    const start = Math.round(event.time * secondsPerBeat * SAMPLE_RATE);
    const duration = Math.max(1, Math.round(event.duration * secondsPerBeat * SAMPLE_RATE));
    if (event.track === 'drums') {
      if (!drums.has(event.pitch)) drums.set(event.pitch, drumSound(event.pitch, noise));
      const sound = drums.get(event.pitch)!;
      const { gain, pan, send } = drumMix(event.pitch);
      addMono(mix, sound, start, event.velocity * gain, pan, send);
    } else {
      playNote(mix, event, style, start, duration, noise, scratch);
    }
  }

  if (options.voice) {
    const voice = options.voice;
    for (let i = 0; i < Math.min(voice.length, length); i++) {
      const sample = voice[i]! * VOICE_GAIN;
      mix.left[i]! += sample;
      mix.right[i]! += sample;
      mix.send[i]! += sample * 0.25;
    }
  }
  await nextTurn();
  options.signal.throwIfAborted();
  addReverb(mix);
  normalize(mix.left, mix.right);
  return { sampleRate: SAMPLE_RATE, left: mix.left, right: mix.right };
}

interface Mix {
  left: Float32Array;
  right: Float32Array;
  /** Mono send to the reverb. */
  send: Float32Array;
}

const VOICE_GAIN = 0.8;
const TRACK_MIX: Record<Exclude<Track, 'drums'>, { gain: number; send: number }> = {
  lead: { gain: 0.22, send: 0.3 },
  chords: { gain: 0.16, send: 0.35 },
  bass: { gain: 0.45, send: 0 },
};

function addMono(mix: Mix, sound: Float32Array, start: number, gain: number, pan: number, send: number) {
  const [left, right] = panGains(pan);
  const end = Math.min(sound.length, mix.left.length - start);
  for (let i = 0; i < end; i++) {
    const sample = sound[i]! * gain;
    mix.left[start + i]! += sample * left;
    mix.right[start + i]! += sample * right;
    mix.send[start + i]! += sample * send;
  }
}

/** Constant-power pan: -1 left, 0 centre, 1 right. */
function panGains(pan: number): [number, number] {
  const angle = ((pan + 1) * Math.PI) / 4;
  return [Math.cos(angle) * Math.SQRT2, Math.sin(angle) * Math.SQRT2];
}

const TABLE_SIZE = 4096;
const SINE = Float32Array.from({ length: TABLE_SIZE + 1 }, (_, index) => Math.sin((2 * Math.PI * index) / TABLE_SIZE));

/** sin(2π·phase) for a phase in cycles, from a table. */
function sine(phase: number): number {
  const position = (phase - Math.floor(phase)) * TABLE_SIZE;
  return SINE[position | 0]!;
}

function frequency(pitch: number): number {
  return 440 * 2 ** ((pitch - 69) / 12);
}

/** One-pole low-pass coefficient for a cutoff in Hz. */
function lowPass(cutoff: number): number {
  return 1 - Math.exp((-2 * Math.PI * cutoff) / SAMPLE_RATE);
}

function playNote(mix: Mix, event: NoteEvent, style: MusicStyle, start: number, duration: number, noise: Noise, scratch: Scratch) {
  const { gain, send } = TRACK_MIX[event.track as Exclude<Track, 'drums'>];
  const instrument = event.track === 'lead' ? style.lead : event.track === 'chords' ? style.chords : style.bass;
  const sound = INSTRUMENTS[instrument](frequency(event.pitch), duration, noise, scratch.take);
  // Chord notes spread a little by pitch; the rest sit in the centre.
  const pan = event.track === 'chords' ? Math.max(-0.5, Math.min(0.5, (event.pitch - 62) / 16)) : 0;
  addMono(mix, sound, start, gain * event.velocity, pan, send);
}

/** Plays a note of `duration` samples into a zeroed scratch buffer (`take(length)`), returning the part it used. */
type Instrument = (frequency: number, duration: number, noise: Noise, take: (length: number) => Float32Array) => Float32Array;

const RELEASE = Math.round(0.08 * SAMPLE_RATE);

/** Exponential decay from 1 with time constant `tau` seconds, cut by a linear release after `duration` samples. */
function envelope(out: Float32Array, duration: number, tau: number, attack = 0.004) {
  const attackSamples = Math.max(1, Math.round(attack * SAMPLE_RATE));
  const decay = Math.exp(-1 / (tau * SAMPLE_RATE));
  let level = 1;
  for (let i = 0; i < out.length; i++) {
    const rise = i < attackSamples ? i / attackSamples : 1;
    const fall = i < duration ? 1 : Math.max(0, 1 - (i - duration) / RELEASE);
    out[i]! *= level * rise * fall;
    level *= decay;
  }
  return out;
}

function additive(out: Float32Array, frequency: number, partials: number[], tau: number): Float32Array {
  partials.forEach((amplitude, index) => {
    const harmonic = index + 1;
    if (frequency * harmonic > SAMPLE_RATE / 2.5) return;
    const step = ((frequency * harmonic * (1 + 0.0004 * harmonic * harmonic)) / SAMPLE_RATE) * TABLE_SIZE;
    const decay = Math.exp(-harmonic / (tau * SAMPLE_RATE));
    let level = amplitude;
    let position = 0;
    for (let i = 0; i < out.length; i++) {
      out[i]! += SINE[position | 0]! * level;
      position += step;
      if (position >= TABLE_SIZE) position -= TABLE_SIZE;
      level *= decay;
    }
  });
  return out;
}

function saw(out: Float32Array, frequency: number, detune: number, cutoff: number): Float32Array {
  const length = out.length;
  const steps = [frequency / SAMPLE_RATE, (frequency * (1 + detune)) / SAMPLE_RATE];
  const coefficient = lowPass(cutoff);
  let a = 0;
  let b = 0.37;
  let filtered = 0;
  for (let i = 0; i < length; i++) {
    const raw = a + b - 1;
    filtered += coefficient * (raw - filtered);
    out[i] = filtered;
    a += steps[0]!;
    if (a >= 1) a -= 1;
    b += steps[1]!;
    if (b >= 1) b -= 1;
  }
  return out;
}

const INSTRUMENTS: Record<MusicStyle['chords'] | MusicStyle['bass'] | MusicStyle['lead'], Instrument> = {
  piano: (frequency, duration, _noise, take) => {
    const tau = Math.min(2, Math.max(0.35, 1.1 * Math.sqrt(261 / frequency)));
    const length = Math.min(duration + RELEASE, Math.round(4 * tau * SAMPLE_RATE));
    return envelope(additive(take(length), frequency, [1, 0.5, 0.25, 0.12, 0.06], tau), duration, 10, 0.002);
  },
  'electric-piano': (frequency, duration, _noise, take) => {
    const length = Math.min(duration + RELEASE, Math.round(3 * SAMPLE_RATE));
    const out = take(length);
    const step = frequency / SAMPLE_RATE;
    const indexDecay = Math.exp(-1 / (0.3 * SAMPLE_RATE));
    let index = 0.35;
    let phase = 0;
    for (let i = 0; i < length; i++) {
      out[i] = sine(phase + index * sine(phase)) + 0.15 * sine(phase * 2);
      phase += step;
      index *= indexDecay;
    }
    return envelope(out, duration, 1.4);
  },
  pad: (frequency, duration, _noise, take) => {
    return envelope(saw(take(duration + 3 * RELEASE), frequency, 0.006, 1800), duration + 2 * RELEASE, 8, 0.12);
  },
  'synth-stab': (frequency, duration, _noise, take) => envelope(saw(take(duration + RELEASE), frequency, 0.008, 3000), duration, 0.18),
  'power-guitar': (frequency, duration, _noise, take) => {
    const out = saw(take(duration + RELEASE), frequency, 0.004, 2500);
    for (let i = 0; i < out.length; i++) out[i] = Math.tanh(out[i]! * 4) * 0.6;
    return envelope(out, duration, 1.5);
  },
  guitar: (frequency, duration, noise, take) => {
    const length = Math.min(duration + RELEASE * 3, Math.round(2.5 * SAMPLE_RATE));
    const period = Math.max(2, Math.round(SAMPLE_RATE / frequency));
    const line = new Float32Array(period);
    for (let i = 0; i < period; i++) line[i] = noise.next();
    const out = take(length);
    let previous = 0;
    for (let i = 0; i < length; i++) {
      const position = i % period;
      const current = line[position]!;
      line[position] = 0.497 * (current + previous);
      previous = current;
      out[i] = current;
    }
    return envelope(out, duration + 2 * RELEASE, 10, 0.001);
  },
  'electric-bass': (frequency, duration, _noise, take) => envelope(additive(take(duration + RELEASE), frequency, [1, 0.35, 0.12], 0.9), duration, 10),
  'synth-bass': (frequency, duration, _noise, take) => envelope(saw(take(duration + RELEASE), frequency, 0.003, 700), duration, 0.5, 0.003),
  'sub-bass': (frequency, duration, _noise, take) => {
    const out = additive(take(duration + RELEASE), frequency, [1, 0.15], 3);
    for (let i = 0; i < out.length; i++) out[i] = Math.tanh(out[i]! * 1.5);
    return envelope(out, duration, 1.2, 0.006);
  },
  'upright-bass': (frequency, duration, _noise, take) => envelope(additive(take(duration + RELEASE), frequency, [1, 0.25, 0.08], 0.45), duration, 10, 0.01),
  'soft-lead': (frequency, duration, _noise, take) => vibrato(take(duration + RELEASE), frequency, duration, (phase) => 1 - 4 * Math.abs(phase - 0.5), 3000),
  'square-lead': (frequency, duration, _noise, take) => vibrato(take(duration + RELEASE), frequency, duration, (phase) => (phase < 0.5 ? 0.6 : -0.6), 2500),
  'saw-lead': (frequency, duration, _noise, take) => vibrato(take(duration + RELEASE), frequency, duration, (phase) => 2 * phase - 1, 3500),
};

/** A sustained lead: the wave (of a phase in [0, 1)) through a low-pass, a vibrato after 150 ms, soft edges. */
function vibrato(out: Float32Array, frequency: number, duration: number, wave: (phase: number) => number, cutoff: number): Float32Array {
  const length = out.length;
  const step = frequency / SAMPLE_RATE;
  const vibratoStep = 5.5 / SAMPLE_RATE;
  const onset = 0.15 * SAMPLE_RATE;
  const coefficient = lowPass(cutoff);
  let phase = 0;
  let vibratoPhase = 0;
  let filtered = 0;
  for (let i = 0; i < length; i++) {
    filtered += coefficient * (wave(phase) - filtered);
    out[i] = filtered;
    const depth = i < onset ? 0 : Math.min(1, (i - onset) / onset) * 0.005;
    phase += step * (1 + depth * sine(vibratoPhase));
    if (phase >= 1) phase -= 1;
    vibratoPhase += vibratoStep;
  }
  return envelope(out, duration, 10, 0.02);
}

function drumMix(pitch: number): { gain: number; pan: number; send: number } {
  switch (pitch) {
    case DRUM.kick:
      return { gain: 0.9, pan: 0, send: 0 };
    case DRUM.snare:
    case DRUM.clap:
      return { gain: 0.5, pan: 0, send: 0.2 };
    case DRUM.rim:
      return { gain: 0.35, pan: -0.1, send: 0.2 };
    case DRUM.crash:
    case DRUM.ride:
      return { gain: 0.16, pan: -0.3, send: 0.1 };
    default:
      return { gain: 0.18, pan: 0.3, send: 0 };
  }
}

/** Each drum is synthesized once per track and replayed at the hit's velocity, as a drum machine does. */
function drumSound(pitch: number, noise: Noise): Float32Array {
  const seconds = (value: number) => Math.round(value * SAMPLE_RATE);
  switch (pitch) {
    case DRUM.kick: {
      const out = new Float32Array(seconds(0.45));
      let phase = 0;
      for (let i = 0; i < out.length; i++) {
        const t = i / SAMPLE_RATE;
        out[i] = sine(phase) * Math.exp(-t / 0.22) + (i < 80 ? noise.next() * 0.3 * (1 - i / 80) : 0);
        phase += (48 + 110 * Math.exp(-t / 0.03)) / SAMPLE_RATE;
      }
      return out;
    }
    case DRUM.snare:
    case DRUM.clap: {
      const clap = pitch === DRUM.clap;
      const out = new Float32Array(seconds(0.3));
      let previous = 0;
      let phase = 0;
      for (let i = 0; i < out.length; i++) {
        const t = i / SAMPLE_RATE;
        const white = noise.next();
        const bright = white - previous;
        previous = white;
        const burst = clap ? (t < 0.03 ? Math.exp(-(t % 0.01) / 0.003) : Math.exp(-(t - 0.03) / 0.08)) : Math.exp(-t / 0.1);
        out[i] = bright * 0.6 * burst + (clap ? 0 : sine(phase) * 0.5 * Math.exp(-t / 0.05));
        phase += 185 / SAMPLE_RATE;
      }
      return out;
    }
    case DRUM.rim: {
      const out = new Float32Array(seconds(0.08));
      let phase = 0;
      for (let i = 0; i < out.length; i++) {
        const t = i / SAMPLE_RATE;
        out[i] = (sine(phase) * 0.7 + noise.next() * 0.3) * Math.exp(-t / 0.015);
        phase += 820 / SAMPLE_RATE;
      }
      return out;
    }
    default: {
      const tau = pitch === DRUM.closedHat ? 0.03 : pitch === DRUM.openHat ? 0.18 : pitch === DRUM.ride ? 0.45 : 0.8;
      const out = new Float32Array(seconds(Math.min(2.5, tau * 5)));
      let previous = 0;
      let metal = 0;
      for (let i = 0; i < out.length; i++) {
        const white = noise.next();
        const bright = white - previous;
        previous = white;
        const ring = pitch === DRUM.ride ? 0.3 * (sine(metal) + sine(metal * 1.48)) : 0;
        metal += 3200 / SAMPLE_RATE;
        out[i] = (bright * 0.5 + ring) * Math.exp(-i / (tau * SAMPLE_RATE));
      }
      return out;
    }
  }
}

// Freeverb-like: parallel damped combs into series all-passes, the right channel's delays a little longer.
const COMBS = [1557, 1617, 1491, 1422];
const ALL_PASSES = [556, 441, 341];
const STEREO_SPREAD = 23;

function addReverb(mix: Mix) {
  for (const [channel, spread] of [[mix.left, 0], [mix.right, STEREO_SPREAD]] as const) {
    const wet = new Float32Array(mix.send.length);
    for (const delay of COMBS) {
      const size = delay + spread;
      const line = new Float32Array(size);
      let position = 0;
      let damped = 0;
      for (let i = 0; i < wet.length; i++) {
        const out = line[position]!;
        damped = out * 0.7 + damped * 0.3;
        line[position] = mix.send[i]! + damped * 0.8;
        wet[i]! += out * 0.25;
        if (++position === size) position = 0;
      }
    }
    for (const delay of ALL_PASSES) {
      const size = delay + spread;
      const line = new Float32Array(size);
      let position = 0;
      for (let i = 0; i < wet.length; i++) {
        const buffered = line[position]!;
        const input = wet[i]!;
        line[position] = input + buffered * 0.5;
        wet[i] = buffered - input;
        if (++position === size) position = 0;
      }
    }
    for (let i = 0; i < wet.length; i++) channel[i]! += wet[i]! * 0.5;
  }
}

function normalize(left: Float32Array, right: Float32Array) {
  let peak = 1e-9;
  for (let i = 0; i < left.length; i++) peak = Math.max(peak, Math.abs(left[i]!), Math.abs(right[i]!));
  const gain = PEAK / peak;
  for (let i = 0; i < left.length; i++) {
    left[i]! *= gain;
    right[i]! *= gain;
  }
}

/** One buffer reused for every note, so playing a note allocates nothing. */
class Scratch {
  private buffer = new Float32Array(SAMPLE_RATE * 4);
  readonly take = (length: number): Float32Array => {
    if (length > this.buffer.length) this.buffer = new Float32Array(length);
    const part = this.buffer.subarray(0, length);
    part.fill(0);
    return part;
  };
}

/** Deterministic white noise in [-1, 1) (xorshift32), seeded per track. */
class Noise {
  private state: number;
  constructor(seed: number) {
    this.state = (seed ^ 0x9e3779b9) >>> 0 || 1;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 2147483648 - 1;
  }
}
