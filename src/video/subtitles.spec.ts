import { describe, expect, it } from 'vitest';
import { toSrt, toVtt } from './subtitles.js';

const segment = (id: number, start: number, end: number, text: string) => ({ id, start, end, text, words: [] });

describe('subtitles', () => {
  const segments = [segment(0, 0, 1.5, 'Hello world.'), segment(1, 3661.25, 3663.004, 'An hour later --> still\n\ntalking'), segment(2, 4000, 4001, '  ')];

  it('writes SubRip cues, numbered, with comma milliseconds', () => {
    expect(toSrt(segments)).toBe('1\n00:00:00,000 --> 00:00:01,500\nHello world.\n\n2\n01:01:01,250 --> 01:01:03,004\nAn hour later -> still\ntalking\n');
  });

  it('writes WebVTT with its header and dot milliseconds', () => {
    expect(toVtt(segments)).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello world.\n\n01:01:01.250 --> 01:01:03.004\nAn hour later -> still\ntalking\n');
  });

  it('never lets a cue start before the previous one ended', () => {
    expect(toSrt([segment(0, 0, 2, 'a'), segment(1, 1.5, 3, 'b')])).toContain('00:00:02,000 --> 00:00:03,000\nb');
  });
});
