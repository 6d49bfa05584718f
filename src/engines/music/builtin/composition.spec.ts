import { describe, expect, it } from 'vitest';
import { parseLyrics } from '../lyrics.js';
import { compose, type Composition } from './composition.js';
import { styleForGenre, type MusicStyle } from './genre-style.js';
import { splitSyllables } from './syllables.js';

const LYRICS = `[verse]
여름이 왔네 햇살이 빛나네
바다로 가자 우리 함께

[chorus]
오늘 밤은 춤을 춰요
별빛 아래 노래해요

[verse]
I never thought I would see you again
walking alone in the summer rain

[chorus]
오늘 밤은 춤을 춰요
별빛 아래 노래해요`;

const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const NATURAL_MINOR = [0, 2, 3, 5, 7, 8, 10];
const HARMONIC_MINOR_SEVENTH = 11;

const pitchClasses = (composition: Composition, style: MusicStyle) =>
  new Set(composition.events.filter((event) => event.track !== 'drums').map((event) => (((event.pitch - style.key) % 12) + 12) % 12));

describe(compose.name, () => {
  it.each(['sad', '슬픈 발라드', 'EDM', 'hip-hop', 'sad K-POP', '우울한 재즈'])(
    'keeps every melody, chord and bass note of a minor genre (%s) in the minor scale of its key',
    (genre) => {
      const style = styleForGenre(genre);
      expect(style.mode).toBe('minor');
      for (const seed of [1, 2, 3, 4]) {
        const used = pitchClasses(compose(parseLyrics(LYRICS), style, seed), style);
        expect([...used].filter((pitchClass) => ![...NATURAL_MINOR, HARMONIC_MINOR_SEVENTH].includes(pitchClass))).toEqual([]);
        expect(used.has(3)).toBe(true);
      }
    },
  );

  it.each(['happy', '신나는 댄스', '발라드', 'rock', 'jazz', 'lo-fi', 'K-POP'])(
    'keeps every melody, chord and bass note of a major genre (%s) in the major scale of its key',
    (genre) => {
      const style = styleForGenre(genre);
      expect(style.mode).toBe('major');
      for (const seed of [1, 2, 3, 4]) {
        const used = pitchClasses(compose(parseLyrics(LYRICS), style, seed), style);
        expect([...used].filter((pitchClass) => !MAJOR.includes(pitchClass))).toEqual([]);
        expect(used.has(4)).toBe(true);
      }
    },
  );

  it('gives the lead one note per syllable, in order, and the voice the same notes an octave down', () => {
    const composition = compose(parseLyrics(LYRICS), styleForGenre('K-POP'), 7);
    const syllables = composition.lines.flatMap((line) => splitSyllables(line));
    const lead = composition.events.filter((event) => event.track === 'lead');

    expect(lead).toHaveLength(syllables.length);
    expect(composition.sung.map((note) => note.text)).toEqual(syllables.map((syllable) => syllable.text));
    expect(composition.sung.map((note) => note.pitch + 12)).toEqual(lead.map((event) => event.pitch));
    for (let index = 1; index < lead.length; index++) expect(lead[index]!.time).toBeGreaterThan(lead[index - 1]!.time);
  });

  it('plays the chorus with the same chords and tune each time it comes back', () => {
    const composition = compose(parseLyrics(LYRICS), styleForGenre('발라드'), 3);
    const [first, second] = composition.sections.filter((section) => section.tag === 'chorus').map((section) => section.start);
    const bars = 4;
    const slice = (start: number) =>
      composition.events
        .filter((event) => event.track !== 'drums' && event.time >= start && event.time < start + bars * 4)
        .map((event) => ({ ...event, time: event.time - start }));

    expect(slice(second!)).toEqual(slice(first!));
    expect(slice(first!).some((event) => event.track === 'lead')).toBe(true);
  });

  it('plays the verse with other chords than the chorus', () => {
    const composition = compose(parseLyrics(LYRICS), styleForGenre('pop'), 3);
    const [verse, chorus] = composition.sections.filter((section) => section.tag !== 'intro').map((section) => section.start);
    const bassLine = (start: number) =>
      composition.events.filter((event) => event.track === 'bass' && event.time >= start && event.time < start + 16).map((event) => event.pitch);
    expect(bassLine(chorus!)).not.toEqual(bassLine(verse!));
  });

  it('makes the song longer in proportion to the lyrics', () => {
    const style = styleForGenre('pop');
    const short = compose(parseLyrics('[verse]\n여름이 왔네 햇살이 빛나네\n바다로 가자 우리 함께'), style, 1);
    const long = compose(parseLyrics(LYRICS), style, 1);
    const framing = 4 * 4;

    expect(long.beats - framing).toBe(4 * (short.beats - framing));
  });

  it('is the same song for the same seed and another for another seed', () => {
    const style = styleForGenre('lo-fi');
    expect(compose(parseLyrics(LYRICS), style, 5)).toEqual(compose(parseLyrics(LYRICS), style, 5));
    expect(compose(parseLyrics(LYRICS), style, 6).events).not.toEqual(compose(parseLyrics(LYRICS), style, 5).events);
  });
});
