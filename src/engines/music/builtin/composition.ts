import type { LyricsSection } from '../lyrics.js';
import type { MusicStyle } from './genre-style.js';
import { seededRandom, type Random } from './random.js';
import { splitSyllables } from './syllables.js';

export type Track = 'lead' | 'chords' | 'bass' | 'drums';

/** One note to play. Times in beats from the start of the track; drum pitches are General MIDI percussion keys. */
export interface NoteEvent {
  track: Track;
  time: number;
  duration: number;
  /** MIDI note number. */
  pitch: number;
  /** 0-1. */
  velocity: number;
}

/** A syllable of the lyrics on its melody note, for the voice. */
export interface SungNote {
  /** Index into Composition.lines. */
  line: number;
  /** Index of the word in its line (whitespace-separated). */
  word: number;
  text: string;
  time: number;
  duration: number;
  /** MIDI note the voice sings: the lead's note an octave down. */
  pitch: number;
}

export interface Composition {
  bpm: number;
  beatsPerBar: number;
  bars: number;
  /** Beats of the whole track; the audio adds a release tail. */
  beats: number;
  events: NoteEvent[];
  /** The lyrics lines in the order they are sung. */
  lines: string[];
  sung: SungNote[];
  /** Where each section starts, in beats (for progress and abort checks). */
  sections: { tag: string; start: number }[];
}

export const DRUM = { kick: 36, rim: 37, snare: 38, clap: 39, closedHat: 42, openHat: 46, crash: 49, ride: 51 } as const;

const BEATS_PER_BAR = 4;
const INTRO_BARS = 2;
const OUTRO_BARS = 2;
const BREATH_SLOTS = 2;
const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const NATURAL_MINOR = [0, 2, 3, 5, 7, 8, 10];
const VOICING_LOW = 57;

/** A chord as scale degrees from its root; `harmonic` raises the minor's seventh degree (the major V in minor). */
interface Chord {
  degree: number;
  harmonic?: boolean;
}

type SectionKind = 'verse' | 'pre-chorus' | 'chorus' | 'bridge';

// Two candidate progressions per section kind and mode, one chord a bar; the seed picks one for the whole song.
const PROGRESSIONS: Record<'major' | 'minor', Record<SectionKind, Chord[][]>> = {
  major: {
    verse: [chords(0, 4, 5, 3), chords(0, 5, 3, 4)],
    'pre-chorus': [chords(1, 2, 3, 4), chords(3, 4, 2, 5)],
    chorus: [chords(3, 4, 2, 5), chords(5, 3, 0, 4)],
    bridge: [chords(5, 2, 3, 4), chords(1, 4, 0, 5)],
  },
  minor: {
    verse: [chords(0, 5, 2, 6), chords(0, 3, 6, 2)],
    'pre-chorus': [[{ degree: 3 }, { degree: 4 }, { degree: 5 }, { degree: 4, harmonic: true }], chords(5, 6, 3, 4)],
    chorus: [chords(5, 6, 0, 0), [{ degree: 5 }, { degree: 2 }, { degree: 6 }, { degree: 4, harmonic: true }]],
    bridge: [chords(3, 0, 5, 6), [{ degree: 5 }, { degree: 3 }, { degree: 0 }, { degree: 4, harmonic: true }]],
  },
};

function chords(...degrees: number[]): Chord[] {
  return degrees.map((degree) => ({ degree }));
}

/**
 * The song as note events: two bars of intro, then each lyrics line on its own phrase of bars (2 bars per 16
 * syllable slots, breath included), each section cycling its kind's chord progression, then two bars of outro.
 */
export function compose(sections: LyricsSection[], style: MusicStyle, seed: number): Composition {
  const random = seededRandom(seed);
  const progressions = Object.fromEntries(
    Object.entries(PROGRESSIONS[style.mode]).map(([kind, candidates]) => [kind, random.pick(candidates)]),
  ) as Record<SectionKind, Chord[]>;
  const scale = new Scale(style);
  const events: NoteEvent[] = [];
  const sung: SungNote[] = [];
  const lines: string[] = [];
  const sectionStarts: { tag: string; start: number }[] = [];
  const slotsPerBar = BEATS_PER_BAR / style.syllableBeats;

  let bar = 0;
  const playBars = (count: number, progression: Chord[], options: { fill: boolean; crash: boolean }) => {
    for (let index = 0; index < count; index++) {
      const chord = progression[index % progression.length]!;
      const start = (bar + index) * BEATS_PER_BAR;
      addChords(events, scale, style, chord, start);
      addBass(events, scale, style, chord, start, index);
      addDrums(events, style, start, { fill: options.fill && index === count - 1, crash: options.crash && index === 0 });
    }
    bar += count;
  };

  sectionStarts.push({ tag: 'intro', start: 0 });
  playBars(INTRO_BARS, progressions.verse, { fill: true, crash: false });

  const phrases = sections.flatMap((section) => section.lines.map((line) => ({ section, line, syllables: splitSyllables(line) })));
  const sungPhrases = phrases.filter((phrase) => phrase.syllables.length > 0);
  for (const section of sections) {
    const kind = sectionKind(section.tag);
    const progression = progressions[kind];
    const sectionPhrases = sungPhrases.filter((phrase) => phrase.section === section);
    if (sectionPhrases.length === 0) continue;
    sectionStarts.push({ tag: section.tag, start: bar * BEATS_PER_BAR });
    const sectionBar = bar;
    for (const phrase of sectionPhrases) {
      const phraseBars = 2 * Math.ceil((phrase.syllables.length + BREATH_SLOTS) / (2 * slotsPerBar));
      const lineIndex = lines.push(phrase.line) - 1;
      // The melody depends on the words and the chords under them, so a repeated chorus sings the same tune.
      const melodyRandom = seededRandom(seed ^ hash(`${kind}\n${phrase.line}`));
      const barChords = Array.from({ length: phraseBars }, (_, index) => progression[(bar - sectionBar + index) % progression.length]!);
      const notes = melody(phrase.syllables.length, phraseBars * slotsPerBar, barChords, scale, style, melodyRandom, kind);
      notes.forEach((note, index) => {
        const time = bar * BEATS_PER_BAR + note.slot * style.syllableBeats;
        const duration = note.slots * style.syllableBeats;
        events.push({ track: 'lead', time, duration: duration * 0.9, pitch: note.pitch, velocity: index === 0 || note.slot % 2 === 0 ? 0.8 : 0.65 });
        const syllable = phrase.syllables[index]!;
        sung.push({ line: lineIndex, word: syllable.word, text: syllable.text, time, duration, pitch: note.pitch - 12 });
      });
      playBars(phraseBars, barChords, { fill: phrase === sectionPhrases.at(-1), crash: bar === sectionBar });
    }
  }
  if (lines.length === 0) {
    sectionStarts.push({ tag: 'instrumental', start: bar * BEATS_PER_BAR });
    playBars(8, progressions.verse, { fill: true, crash: true });
  }

  sectionStarts.push({ tag: 'outro', start: bar * BEATS_PER_BAR });
  const start = bar * BEATS_PER_BAR;
  const tonic: Chord = { degree: 0 };
  for (const pitch of scale.voicing(tonic, style.sevenths)) {
    events.push({ track: 'chords', time: start, duration: OUTRO_BARS * BEATS_PER_BAR, pitch, velocity: 0.6 });
  }
  events.push({ track: 'bass', time: start, duration: OUTRO_BARS * BEATS_PER_BAR, pitch: scale.bass(tonic, 0), velocity: 0.8 });
  events.push({ track: 'drums', time: start, duration: 1, pitch: DRUM.kick, velocity: style.drumLevel });
  events.push({ track: 'drums', time: start, duration: 4, pitch: DRUM.crash, velocity: 0.7 * style.drumLevel });
  bar += OUTRO_BARS;

  events.sort((a, b) => a.time - b.time || a.pitch - b.pitch);
  return { bpm: style.bpm, beatsPerBar: BEATS_PER_BAR, bars: bar, beats: bar * BEATS_PER_BAR, events, lines, sung, sections: sectionStarts };
}

function sectionKind(tag: string): SectionKind {
  if (/chorus|hook|refrain/.test(tag)) return tag.startsWith('pre') ? 'pre-chorus' : 'chorus';
  if (/bridge|break/.test(tag)) return 'bridge';
  return 'verse';
}

/** Pitches of the key: scale degree → MIDI, the melody around the tonic of octave 4, chords above middle C. */
export class Scale {
  private readonly steps: number[];
  readonly tonic: number;
  constructor(private readonly style: MusicStyle) {
    this.steps = style.mode === 'major' ? MAJOR : NATURAL_MINOR;
    this.tonic = 60 + (style.key > 5 ? style.key - 12 : style.key);
  }

  /** MIDI note of a scale degree (any integer; 7 is the tonic an octave up). */
  pitch(degree: number, harmonic = false): number {
    const octave = Math.floor(degree / 7);
    const step = degree - octave * 7;
    const raised = harmonic && this.style.mode === 'minor' && step === 6 ? 1 : 0;
    return this.tonic + octave * 12 + this.steps[step]! + raised;
  }

  chordDegrees(chord: Chord, sevenths: boolean): number[] {
    const degrees = [chord.degree, chord.degree + 2, chord.degree + 4];
    if (sevenths) degrees.push(chord.degree + 6);
    return degrees;
  }

  /** The chord's tones in close position within the octave from A3, so chords move smoothly. */
  voicing(chord: Chord, sevenths: boolean): number[] {
    return this.chordDegrees(chord, sevenths)
      .map((degree) => this.pitch(degree, chord.harmonic))
      .map((pitch) => VOICING_LOW + ((((pitch - VOICING_LOW) % 12) + 12) % 12))
      .sort((a, b) => a - b);
  }

  /** A bass note of the chord: 0 root, 4 fifth, 7 octave, other scale steps above the root. */
  bass(chord: Chord, step: number): number {
    const pitch = this.pitch(chord.degree + step, chord.harmonic);
    const root = this.pitch(chord.degree, chord.harmonic);
    const base = 36 + ((((root - 36) % 12) + 12) % 12);
    return base + (pitch - root);
  }
}

interface MelodyNote {
  slot: number;
  slots: number;
  pitch: number;
}

/**
 * A tune for `count` syllables over `slotCount` slots: one slot each, the room left over lengthening the last
 * syllable and some on the beat; a random walk on the scale that lands on a chord tone on every beat and at the end.
 */
function melody(count: number, slotCount: number, barChords: Chord[], scale: Scale, style: MusicStyle, random: Random, kind: SectionKind): MelodyNote[] {
  const slotsPerBar = BEATS_PER_BAR / style.syllableBeats;
  const slotsPerBeat = 1 / style.syllableBeats;
  const lengths = new Array<number>(count).fill(1);
  let spare = slotCount - BREATH_SLOTS - count;
  if (spare > 0 && count > 0) {
    const last = Math.min(spare, 3);
    lengths[count - 1]! += last;
    spare -= last;
  }
  for (let attempt = 0; spare > 0 && attempt < 4 * count; attempt++) {
    const index = random.int(count);
    if (lengths[index]! < 3) {
      lengths[index]!++;
      spare--;
    }
  }
  const offset = spare > 0 ? Math.min(spare, random.int(3)) : 0;

  const center = kind === 'chorus' ? 4 : 2;
  let degree = center + random.int(3) - 1;
  const notes: MelodyNote[] = [];
  let slot = offset;
  lengths.forEach((length, index) => {
    const chord = barChords[Math.min(barChords.length - 1, Math.floor(slot / slotsPerBar))]!;
    const step = random.pick([-2, -1, -1, 0, 1, 1, 2]) + (degree < center - 2 ? 1 : degree > center + 3 ? -1 : 0);
    degree = Math.max(-2, Math.min(9, degree + step));
    if (slot % slotsPerBeat === 0 || index === count - 1) degree = nearestChordTone(degree, chord, scale);
    notes.push({ slot, slots: length, pitch: scale.pitch(degree, chord.harmonic) });
    slot += length;
  });
  return notes;
}

function nearestChordTone(degree: number, chord: Chord, scale: Scale): number {
  const tones = scale.chordDegrees(chord, false).map((tone) => ((tone % 7) + 7) % 7);
  for (const distance of [0, 1, -1, 2, -2, 3, -3]) {
    const candidate = degree + distance;
    if (tones.includes(((candidate % 7) + 7) % 7)) return candidate;
  }
  return degree;
}

// Per-bar patterns: [beat, length in beats, bass step] for the bass, [beat, length] for the chords.
const BASS_PATTERNS: Record<MusicStyle['bassPattern'], [number, number, number][]> = {
  sustained: [[0, 2, 0], [2, 2, 4]],
  pop: [[0, 1.5, 0], [1.5, 0.5, 0], [2, 1.5, 0], [3.5, 0.5, 4]],
  'off-beat': [[0.5, 0.45, 0], [1.5, 0.45, 0], [2.5, 0.45, 0], [3.5, 0.45, 7]],
  eighths: Array.from({ length: 8 }, (_, index) => [index / 2, 0.45, 0] as [number, number, number]),
  syncopated: [[0, 1.5, 0], [1.75, 0.25, 0], [2.5, 1, 4], [3.5, 0.5, 7]],
  walking: [[0, 1, 0], [1, 1, 2], [2, 1, 4], [3, 1, 5]],
};

const CHORD_PATTERNS: Record<Exclude<MusicStyle['chordPattern'], 'arpeggio'>, [number, number][]> = {
  block: [[0, 1.5], [1.5, 2.5]],
  stabs: [[0.5, 0.3], [1.5, 0.3], [2.5, 0.3], [3.5, 0.3]],
  eighths: Array.from({ length: 8 }, (_, index) => [index / 2, 0.45] as [number, number]),
  comping: [[0, 0.6], [1.5, 0.4], [2.5, 1]],
  sustained: [[0, 4]],
  strum: [[0, 1], [1, 0.5], [1.5, 1], [2.5, 0.5], [3, 1]],
};

function addChords(events: NoteEvent[], scale: Scale, style: MusicStyle, chord: Chord, start: number) {
  const voicing = scale.voicing(chord, style.sevenths);
  if (style.chordPattern === 'arpeggio') {
    const order = [0, 1, 2, 1, voicing.length - 1, 1, 2, 1].map((index) => voicing[Math.min(index, voicing.length - 1)]!);
    order[4] = voicing[0]! + 12;
    order.forEach((pitch, index) => events.push({ track: 'chords', time: start + index / 2, duration: 1.5, pitch, velocity: index % 2 === 0 ? 0.6 : 0.45 }));
    events.push({ track: 'chords', time: start, duration: 4, pitch: voicing[0]! - 12, velocity: 0.5 });
    return;
  }
  for (const [beat, length] of CHORD_PATTERNS[style.chordPattern]) {
    const time = start + swung(beat, style);
    const strum = style.chordPattern === 'strum' ? 0.02 : 0;
    voicing.forEach((pitch, index) => events.push({ track: 'chords', time: time + index * strum, duration: length, pitch, velocity: beat === 0 ? 0.6 : 0.5 }));
  }
}

function addBass(events: NoteEvent[], scale: Scale, style: MusicStyle, chord: Chord, start: number, barIndex: number) {
  BASS_PATTERNS[style.bassPattern].forEach(([beat, length, step], index) => {
    // The walking bass walks down on every other bar, so it does not climb the same stairs each bar.
    const walkStep = style.bassPattern === 'walking' && barIndex % 2 === 1 ? [7, 6, 4, 2][index]! : step;
    events.push({ track: 'bass', time: start + swung(beat, style), duration: length, pitch: scale.bass(chord, walkStep), velocity: beat === 0 ? 0.9 : 0.75 });
  });
}

// Sixteen steps a bar per drum; X accent, x hit, o soft.
const DRUM_PATTERNS: Record<MusicStyle['drums'], Partial<Record<keyof typeof DRUM, string>>> = {
  ballad: { kick: 'X.......X.......', rim: '....x.......x...', closedHat: 'x...x...x...x...' },
  'four-on-the-floor': { kick: 'X...X...X...X...', clap: '....x.......x...', openHat: '..x...x...x...x.', closedHat: 'o.o.o.o.o.o.o.o.' },
  pop: { kick: 'X.....x.X.......', snare: '....X.......X...', closedHat: 'x.o.x.o.x.o.x.o.' },
  rock: { kick: 'X.......X.x.....', snare: '....X.......X...', closedHat: 'x.x.x.x.x.x.x.x.' },
  'boom-bap': { kick: 'X......x..X.....', snare: '....X.......X...', closedHat: 'x.o.x.o.x.o.x.o.' },
  swing: { kick: 'o...o...o...o...', ride: 'x...x.xx....x.xx', closedHat: '....x.......x...' },
};

const LEVELS: Record<string, number> = { X: 1, x: 0.75, o: 0.4 };

function addDrums(events: NoteEvent[], style: MusicStyle, start: number, options: { fill: boolean; crash: boolean }) {
  for (const [drum, pattern] of Object.entries(DRUM_PATTERNS[style.drums])) {
    [...pattern].forEach((mark, step) => {
      if (mark === '.' || (options.fill && step >= 12 && drum !== 'kick')) return;
      const time = start + swung(step / 4, style);
      events.push({ track: 'drums', time, duration: 0.25, pitch: DRUM[drum as keyof typeof DRUM], velocity: LEVELS[mark]! * style.drumLevel });
    });
  }
  if (options.fill) {
    for (let step = 12; step < 16; step++) {
      events.push({ track: 'drums', time: start + step / 4, duration: 0.25, pitch: DRUM.snare, velocity: (0.45 + 0.1 * (step - 12)) * style.drumLevel });
    }
  }
  if (options.crash) events.push({ track: 'drums', time: start, duration: 2, pitch: DRUM.crash, velocity: 0.6 * style.drumLevel });
}

/** Off-beat eighths come a triplet late in swing; straight otherwise. */
function swung(beat: number, style: MusicStyle): number {
  if (!style.swing) return beat;
  const fraction = beat - Math.floor(beat);
  return Math.abs(fraction - 0.5) < 1e-9 ? Math.floor(beat) + 2 / 3 : beat;
}

function hash(text: string): number {
  let value = 2166136261;
  for (let index = 0; index < text.length; index++) value = Math.imul(value ^ text.charCodeAt(index), 16777619);
  return value >>> 0;
}
