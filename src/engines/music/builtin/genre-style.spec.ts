import { describe, expect, it } from 'vitest';
import { styleForGenre } from './genre-style.js';

describe(styleForGenre.name, () => {
  it.each([
    ['발라드', 'ballad', 70, 'major'],
    ['ballad', 'ballad', 70, 'major'],
    ['댄스', 'dance', 120, 'major'],
    ['EDM', 'edm', 128, 'minor'],
    ['일렉트로닉', 'edm', 128, 'minor'],
    ['록', 'rock', 120, 'major'],
    ['hip-hop', 'hip-hop', 90, 'minor'],
    ['힙합', 'hip-hop', 90, 'minor'],
    ['rap', 'hip-hop', 90, 'minor'],
    ['재즈', 'jazz', 120, 'major'],
    ['lo-fi', 'lo-fi', 80, 'major'],
    ['로파이', 'lo-fi', 80, 'major'],
    ['K-POP', 'k-pop', 118, 'major'],
    ['케이팝', 'k-pop', 118, 'major'],
  ])('reads %s as %s at %i BPM in %s', (text, genre, bpm, mode) => {
    expect(styleForGenre(text)).toMatchObject({ genre, bpm, mode });
  });

  it('falls back to pop at 100 BPM in C major for words it does not know', () => {
    expect(styleForGenre('something else entirely')).toMatchObject({ genre: 'pop', bpm: 100, key: 0, mode: 'major' });
  });

  it('takes the genre named first as the base', () => {
    expect(styleForGenre('rock jazz').genre).toBe('rock');
    expect(styleForGenre('재즈 록').genre).toBe('jazz');
  });

  it('makes a sad K-POP minor in the relative minor of its key and slower', () => {
    const kpop = styleForGenre('K-POP');
    const sad = styleForGenre('sad K-POP');
    expect(sad).toMatchObject({ genre: 'k-pop', mode: 'minor', key: (kpop.key + 9) % 12, bpm: Math.round(kpop.bpm * 0.9) });
    expect(styleForGenre('슬픈 케이팝')).toEqual(sad);
  });

  it('makes an exciting genre major and faster, a calm one slower with softer drums', () => {
    expect(styleForGenre('신나는 EDM')).toMatchObject({ mode: 'major', key: 0, bpm: 141, moods: ['energetic'] });
    expect(styleForGenre('잔잔한 발라드')).toMatchObject({ genre: 'ballad', bpm: 60, drumLevel: 0.5 });
    expect(styleForGenre('happy')).toMatchObject({ genre: 'pop', bpm: 110, mode: 'major' });
  });

  it('lets the mood named first set the mode', () => {
    expect(styleForGenre('sad but happy pop').mode).toBe('minor');
    expect(styleForGenre('happy but sad pop').mode).toBe('major');
  });

  it('puts the piano on the chords and the lead when it is named', () => {
    expect(styleForGenre('sad piano ballad')).toMatchObject({ genre: 'ballad', chords: 'piano', lead: 'piano', mode: 'minor', bpm: 63 });
    expect(styleForGenre('피아노 록')).toMatchObject({ genre: 'rock', chords: 'piano' });
  });

  it('does not read a genre inside another word', () => {
    expect(styleForGenre('popular rocket').genre).toBe('pop');
    expect(styleForGenre('popular rocket').bpm).toBe(100);
  });
});
