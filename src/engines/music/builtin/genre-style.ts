export type Genre = 'pop' | 'ballad' | 'dance' | 'edm' | 'rock' | 'hip-hop' | 'jazz' | 'lo-fi' | 'k-pop';
export type Mood = 'energetic' | 'sad' | 'calm';
export type Mode = 'major' | 'minor';
export type DrumPattern = 'ballad' | 'four-on-the-floor' | 'pop' | 'rock' | 'boom-bap' | 'swing';
export type BassInstrument = 'electric-bass' | 'synth-bass' | 'sub-bass' | 'upright-bass';
export type BassPattern = 'sustained' | 'pop' | 'off-beat' | 'eighths' | 'syncopated' | 'walking';
export type ChordInstrument = 'piano' | 'electric-piano' | 'pad' | 'synth-stab' | 'power-guitar' | 'guitar';
export type ChordPattern = 'arpeggio' | 'block' | 'stabs' | 'eighths' | 'comping' | 'sustained' | 'strum';
export type LeadInstrument = 'soft-lead' | 'square-lead' | 'saw-lead' | 'piano';

/** Everything the genre text decides about a track; the seed and the lyrics decide the rest. */
export interface MusicStyle {
  genre: Genre;
  moods: Mood[];
  bpm: number;
  /** Pitch class of the tonic, 0 = C. */
  key: number;
  mode: Mode;
  drums: DrumPattern;
  /** 1 as the genre has it; lower for calm moods. */
  drumLevel: number;
  bass: BassInstrument;
  bassPattern: BassPattern;
  chords: ChordInstrument;
  chordPattern: ChordPattern;
  lead: LeadInstrument;
  /** Chords with their seventh (jazz, lo-fi). */
  sevenths: boolean;
  /** Off-beat eighths played late, in triplet feel. */
  swing: boolean;
  /** Beats per sung syllable slot: eighths, sixteenths for rap. */
  syllableBeats: number;
}

type GenreStyle = Omit<MusicStyle, 'genre' | 'moods' | 'drumLevel'>;

const GENRES: Record<Genre, { words: string[]; style: GenreStyle }> = {
  pop: {
    words: ['pop', '팝', '가요'],
    style: { bpm: 100, key: 0, mode: 'major', drums: 'pop', bass: 'electric-bass', bassPattern: 'pop', chords: 'piano', chordPattern: 'block', lead: 'square-lead', sevenths: false, swing: false, syllableBeats: 0.5 },
  },
  ballad: {
    words: ['ballad', '발라드'],
    style: { bpm: 70, key: 3, mode: 'major', drums: 'ballad', bass: 'electric-bass', bassPattern: 'sustained', chords: 'piano', chordPattern: 'arpeggio', lead: 'soft-lead', sevenths: false, swing: false, syllableBeats: 0.5 },
  },
  dance: {
    words: ['dance', 'disco', '댄스', '디스코'],
    style: { bpm: 120, key: 5, mode: 'major', drums: 'four-on-the-floor', bass: 'synth-bass', bassPattern: 'off-beat', chords: 'synth-stab', chordPattern: 'stabs', lead: 'square-lead', sevenths: false, swing: false, syllableBeats: 0.5 },
  },
  edm: {
    words: ['edm', 'electronic', 'electro', 'techno', 'house', '일렉트로닉', '일렉', '이디엠', '테크노', '하우스'],
    style: { bpm: 128, key: 9, mode: 'minor', drums: 'four-on-the-floor', bass: 'synth-bass', bassPattern: 'off-beat', chords: 'pad', chordPattern: 'stabs', lead: 'saw-lead', sevenths: false, swing: false, syllableBeats: 0.5 },
  },
  rock: {
    words: ['rock', '록', '락', '밴드'],
    style: { bpm: 120, key: 4, mode: 'major', drums: 'rock', bass: 'electric-bass', bassPattern: 'eighths', chords: 'power-guitar', chordPattern: 'eighths', lead: 'saw-lead', sevenths: false, swing: false, syllableBeats: 0.5 },
  },
  'hip-hop': {
    words: ['hip-hop', 'hiphop', 'hip hop', 'rap', 'trap', '힙합', '랩', '트랩'],
    style: { bpm: 90, key: 2, mode: 'minor', drums: 'boom-bap', bass: 'sub-bass', bassPattern: 'syncopated', chords: 'electric-piano', chordPattern: 'sustained', lead: 'square-lead', sevenths: true, swing: false, syllableBeats: 0.25 },
  },
  jazz: {
    words: ['jazz', 'swing', 'bossa', '재즈', '스윙'],
    style: { bpm: 120, key: 10, mode: 'major', drums: 'swing', bass: 'upright-bass', bassPattern: 'walking', chords: 'electric-piano', chordPattern: 'comping', lead: 'soft-lead', sevenths: true, swing: true, syllableBeats: 0.5 },
  },
  'lo-fi': {
    words: ['lo-fi', 'lofi', 'lo fi', 'chillhop', '로파이', '로-파이', '로우파이'],
    style: { bpm: 80, key: 5, mode: 'major', drums: 'boom-bap', bass: 'sub-bass', bassPattern: 'syncopated', chords: 'electric-piano', chordPattern: 'sustained', lead: 'soft-lead', sevenths: true, swing: true, syllableBeats: 0.5 },
  },
  'k-pop': {
    words: ['k-pop', 'kpop', 'k pop', '케이팝', '케이-팝', '아이돌', 'idol'],
    style: { bpm: 118, key: 7, mode: 'major', drums: 'pop', bass: 'synth-bass', bassPattern: 'pop', chords: 'synth-stab', chordPattern: 'stabs', lead: 'saw-lead', sevenths: false, swing: false, syllableBeats: 0.5 },
  },
};

const MOODS: Record<Mood, { words: string[]; tempo: number; mode?: Mode }> = {
  energetic: {
    words: ['exciting', 'excited', 'upbeat', 'happy', 'energetic', 'bright', 'cheerful', 'fun', '신나는', '신난', '신나게', '경쾌한', '밝은', '행복한', '즐거운', '활기찬'],
    tempo: 1.1,
    mode: 'major',
  },
  sad: {
    words: ['sad', 'melancholy', 'melancholic', 'dark', 'gloomy', 'lonely', '슬픈', '슬프게', '우울한', '어두운', '쓸쓸한', '애절한'],
    tempo: 0.9,
    mode: 'minor',
  },
  calm: {
    words: ['calm', 'chill', 'peaceful', 'relaxing', 'quiet', 'soft', 'gentle', '잔잔한', '차분한', '평화로운', '조용한', '편안한'],
    tempo: 0.85,
  },
};

const INSTRUMENTS: { words: string[]; chords: ChordInstrument; chordPattern: ChordPattern; lead?: LeadInstrument }[] = [
  { words: ['piano', '피아노'], chords: 'piano', chordPattern: 'arpeggio', lead: 'piano' },
  { words: ['guitar', 'acoustic', '기타', '어쿠스틱'], chords: 'guitar', chordPattern: 'strum' },
];

const MIN_BPM = 60;
const MAX_BPM = 180;

/**
 * The style a genre text asks for. Rules, applied in this order (see README.md):
 * 1. The genre word that comes first in the text is the base (tempo, key, mode, drums, bass, chords, lead); none: pop.
 * 2. An instrument word (piano, guitar) replaces the chord instrument (piano also the lead).
 * 3. Each mood present scales the tempo (energetic ×1.1, sad ×0.9, calm ×0.85; calm also halves the drums); the
 *    mood word that comes first and has a mode sets it, moving to the relative major or minor of the base key.
 * 4. The tempo is rounded and kept within 60-180 BPM.
 */
export function styleForGenre(text: string): MusicStyle {
  const normalized = ` ${text.toLowerCase().replace(/[_/,.!?·+&]+/g, ' ').replace(/\s+/g, ' ')} `;
  const genre =
    earliest(Object.entries(GENRES).map(([name, { words }]) => ({ value: name as Genre, at: position(normalized, words) }))) ?? 'pop';
  const style: MusicStyle = { genre, moods: [], drumLevel: 1, ...GENRES[genre].style };

  const instrument = earliest(INSTRUMENTS.map((entry) => ({ value: entry, at: position(normalized, entry.words) })));
  if (instrument) {
    style.chords = instrument.chords;
    style.chordPattern = instrument.chordPattern;
    if (instrument.lead) style.lead = instrument.lead;
  }

  const moods = (Object.keys(MOODS) as Mood[])
    .map((mood) => ({ value: mood, at: position(normalized, MOODS[mood].words) }))
    .filter((found) => found.at >= 0)
    .sort((a, b) => a.at - b.at);
  let bpm = style.bpm;
  for (const { value: mood } of moods) {
    style.moods.push(mood);
    bpm *= MOODS[mood].tempo;
  }
  if (style.moods.includes('calm')) style.drumLevel = 0.5;
  const mode = moods.map(({ value }) => MOODS[value].mode).find((found) => found !== undefined);
  if (mode && mode !== style.mode) {
    style.key = (style.key + (mode === 'minor' ? 9 : 3)) % 12;
    style.mode = mode;
  }
  style.bpm = Math.min(MAX_BPM, Math.max(MIN_BPM, Math.round(bpm)));
  return style;
}

/** Where the first of the words stands in the text as a whole word (Korean words may carry particles), or -1. */
function position(text: string, words: string[]): number {
  const found = words
    .map((word) => {
      const hangul = /[\uac00-\ud7a3]/.test(word);
      const at = hangul ? text.indexOf(word) : text.search(new RegExp(`(?<=[\\s(\\[])${escape(word)}(?=[\\s)\\]])`));
      return at;
    })
    .filter((at) => at >= 0);
  return found.length > 0 ? Math.min(...found) : -1;
}

function earliest<T>(candidates: { value: T; at: number }[]): T | undefined {
  const found = candidates.filter((candidate) => candidate.at >= 0).sort((a, b) => a.at - b.at);
  return found[0]?.value;
}

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}
