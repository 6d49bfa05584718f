import { SAMPLE_RATE } from './spectrogram.js';

/**
 * Sounds that are not a voice, generated so that the speech detector is calibrated and tested on them (the
 * specs and bench/analyzer-quality.mjs): noise of three colours, two sound effects, a hum and two kinds of music.
 * Deterministic: each uses its own seeded generator.
 */
export const NON_SPEECH_SOUNDS = {
  'white noise': (seconds: number) => whiteNoise(seconds),
  'pink noise': (seconds: number) => pinkNoise(seconds),
  'brown noise': (seconds: number) => brownNoise(seconds),
  knocking: (seconds: number) => knocking(seconds),
  siren: (seconds: number) => siren(seconds),
  'mains hum': (seconds: number) => mainsHum(seconds),
  'plucked melody': (seconds: number) => pluckedMelody(seconds),
  'string pad': (seconds: number) => stringPad(seconds),
} satisfies Record<string, (seconds: number) => Float32Array>;

export type NonSpeechSound = keyof typeof NON_SPEECH_SOUNDS;

/** Uniform in [-1, 1), a linear congruential generator: the same sound on every run. */
function uniform(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 30 - 1;
  };
}

const samples = (seconds: number) => new Float32Array(Math.round(seconds * SAMPLE_RATE));

export function whiteNoise(seconds: number, amplitude = 0.3, seed = 1): Float32Array {
  const random = uniform(seed);
  return samples(seconds).map(() => amplitude * random());
}

/** Paul Kellet's filter: white noise made -3 dB per octave. */
export function pinkNoise(seconds: number, amplitude = 0.3, seed = 2): Float32Array {
  const random = uniform(seed);
  const b = [0, 0, 0, 0, 0, 0, 0];
  return samples(seconds).map(() => {
    const white = random();
    b[0] = 0.99886 * b[0]! + white * 0.0555179;
    b[1] = 0.99332 * b[1]! + white * 0.0750759;
    b[2] = 0.969 * b[2]! + white * 0.153852;
    b[3] = 0.8665 * b[3]! + white * 0.3104856;
    b[4] = 0.55 * b[4]! + white * 0.5329522;
    b[5] = -0.7616 * b[5]! - white * 0.016898;
    const pink = b[0]! + b[1]! + b[2]! + b[3]! + b[4]! + b[5]! + b[6]! + white * 0.5362;
    b[6] = white * 0.115926;
    return 0.33 * amplitude * pink;
  });
}

/** Leaky integration of white noise: -6 dB per octave, the rumble of wind or traffic. */
export function brownNoise(seconds: number, amplitude = 0.3, seed = 3): Float32Array {
  const random = uniform(seed);
  let level = 0;
  const sound = samples(seconds).map(() => (level = 0.998 * level + 0.05 * random()));
  const peak = sound.reduce((max, value) => Math.max(max, Math.abs(value)), 1e-9);
  return sound.map((value) => (amplitude * value) / peak);
}

/** Knocks on a door: decaying bursts at irregular intervals of 0.2-0.7 s. */
function knocking(seconds: number, seed = 4): Float32Array {
  const random = uniform(seed);
  const sound = samples(seconds);
  for (let at = 0.1; at < seconds - 0.2; at += 0.45 + 0.25 * random()) {
    const start = Math.round(at * SAMPLE_RATE);
    for (let n = 0; n < 0.12 * SAMPLE_RATE && start + n < sound.length; n++) {
      sound[start + n] += 0.6 * random() * Math.exp(-n / (0.02 * SAMPLE_RATE)) + 0.4 * Math.sin((2 * Math.PI * 180 * n) / SAMPLE_RATE) * Math.exp(-n / (0.03 * SAMPLE_RATE));
    }
  }
  return sound;
}

function siren(seconds: number): Float32Array {
  let phase = 0;
  return samples(seconds).map((_, n) => {
    phase += (2 * Math.PI * (700 + 300 * Math.sin((2 * Math.PI * 0.8 * n) / SAMPLE_RATE))) / SAMPLE_RATE;
    return 0.2 * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.3 * Math.sin(3 * phase));
  });
}

function mainsHum(seconds: number): Float32Array {
  const random = uniform(9);
  return samples(seconds).map((_, n) => {
    const t = n / SAMPLE_RATE;
    return 0.1 * Math.sin(2 * Math.PI * 100 * t) + 0.08 * Math.sin(2 * Math.PI * 200 * t) + 0.05 * Math.sin(2 * Math.PI * 300 * t) + 0.05 * random();
  });
}

const C_MAJOR = [0, 2, 4, 5, 7, 9, 11, 12];

/** A piano-like melody, four notes a second, with a bass note every bar. */
function pluckedMelody(seconds: number, seed = 5): Float32Array {
  const random = uniform(seed);
  const sound = samples(seconds);
  const pluck = (hz: number, start: number, length: number, decay: number, gain: number, harmonics: number) => {
    for (let n = 0; n < length * SAMPLE_RATE && start + n < sound.length; n++) {
      let value = 0;
      for (let harmonic = 1; harmonic <= harmonics; harmonic++) value += Math.sin((2 * Math.PI * hz * harmonic * n) / SAMPLE_RATE) / harmonic;
      sound[start + n] += gain * Math.exp(-n / (decay * SAMPLE_RATE)) * value;
    }
  };
  for (let note = 0; note * 0.25 < seconds - 0.5; note++) {
    const start = Math.round(note * 0.25 * SAMPLE_RATE);
    pluck(261.6 * 2 ** (C_MAJOR[Math.floor((random() + 1) * 4) % 8]! / 12), start, 0.6, 0.25, 0.12, 6);
    if (note % 4 === 0) pluck(65.4 * 2 ** (C_MAJOR[Math.floor((random() + 1) * 4) % 8]! / 12), start, 1, 0.5, 0.15, 2);
  }
  return sound;
}

/** Sustained chords with a slight vibrato, changing every second. */
function stringPad(seconds: number): Float32Array {
  const chords = [[0, 4, 7], [5, 9, 12], [7, 11, 14], [0, 4, 7]];
  return samples(seconds).map((_, n) => {
    const t = n / SAMPLE_RATE;
    let value = 0;
    for (const semitones of chords[Math.floor(t) % chords.length]!) {
      const hz = 220 * 2 ** (semitones / 12) * (1 + 0.003 * Math.sin(2 * Math.PI * 5 * t));
      for (let harmonic = 1; harmonic <= 4; harmonic++) value += Math.sin(2 * Math.PI * hz * harmonic * t) / (harmonic * harmonic);
    }
    return 0.08 * value;
  });
}
