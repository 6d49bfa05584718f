import { describe, expect, it } from 'vitest';
import { parseLyrics, toYueLyrics } from './lyrics.js';

describe(parseLyrics.name, () => {
  it('opens a section at each YuE-style tag and keeps the lines under it', () => {
    const sections = parseLyrics('[Verse]\n여름이 왔네\n햇살이 빛나네\n\n[chorus]\n바다로 가자\n\n[Pre Chorus]\nla la');
    expect(sections).toEqual([
      { tag: 'verse', lines: ['여름이 왔네', '햇살이 빛나네'] },
      { tag: 'chorus', lines: ['바다로 가자'] },
      { tag: 'pre-chorus', lines: ['la la'] },
    ]);
  });

  it('makes blank-line paragraphs sections, a repeated paragraph the same section again', () => {
    const sections = parseLyrics('one\ntwo\n\nhook line\n\nthree\n\nhook line');
    expect(sections.map((section) => section.tag)).toEqual(['verse', 'chorus', 'verse', 'chorus']);
    expect(sections[3]!.lines).toEqual(['hook line']);
  });

  it('treats lines before the first tag as a verse and drops empty sections', () => {
    expect(parseLyrics('hello\n[chorus]\n\n[verse]\nworld')).toEqual([
      { tag: 'verse', lines: ['hello'] },
      { tag: 'verse', lines: ['world'] },
    ]);
  });

  it('writes the sections back in the layout infer.py reads', () => {
    expect(toYueLyrics(parseLyrics('a\nb\n\nc'))).toBe('[verse]\na\nb\n\n[chorus]\nc\n');
  });

  it("writes tags YuE's split_lyrics matches (word characters only)", () => {
    expect(toYueLyrics(parseLyrics('[Pre Chorus]\nla la\n[chorus]\noh'))).toBe('[pre_chorus]\nla la\n\n[chorus]\noh\n');
  });
});
