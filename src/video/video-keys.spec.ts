import { describe, expect, it } from 'vitest';
import { assertValidObjectKey } from '../storage/object-storage.js';
import { isVideoKeyOf, isVideoOrAudioType, sanitiseFilename, videoKeyFor } from './video-keys.js';

const USER = '6f1c1a52-3c1e-4a55-9a55-0d7e1d2f9b10';

describe('video keys', () => {
  it("follows seed 003's shape", () => {
    const key = videoKeyFor(null, 'example.mp4', new Date('2025-09-11T14:30:20Z'));
    expect(key).toMatch(/^videos\/anonymous\/20250911_143020_[0-9a-f]{8}_example\.mp4$/);
    expect(videoKeyFor(USER, 'a.mp4')).toMatch(new RegExp(`^videos/${USER}/\\d{8}_\\d{6}_[0-9a-f]{8}_a\\.mp4$`));
  });

  it('sanitises file names: no path, no control characters, no dot names, bounded', () => {
    expect(sanitiseFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitiseFilename('..\\..\\boot.ini')).toBe('boot.ini');
    expect(sanitiseFilename('..')).toBe('video');
    expect(sanitiseFilename('/')).toBe('video');
    expect(sanitiseFilename('my\u0000 clip\n(1).mp4')).toBe('my_clip_1_.mp4');
    expect(sanitiseFilename('녹화 영상.mov')).toBe('녹화_영상.mov');
    expect(sanitiseFilename('.hidden')).toBe('hidden');
    const long = sanitiseFilename(`${'가'.repeat(300)}.webm`);
    expect(Array.from(long)).toHaveLength(100);
    expect(long.endsWith('.webm')).toBe(true);
  });

  it('every key it makes is a valid storage key inside its owner prefix', () => {
    for (const name of ['../x', 'a/../../b', '\u0000', '...', 'x'.repeat(5000), 'ok.mp4']) {
      const key = videoKeyFor(USER, name);
      expect(() => assertValidObjectKey(key)).not.toThrow();
      expect(isVideoKeyOf(key, USER)).toBe(true);
      expect(isVideoKeyOf(key, null)).toBe(false);
    }
  });

  it('recognises only keys of the caller', () => {
    const anonymous = videoKeyFor(null, 'a.mp4');
    expect(isVideoKeyOf(anonymous, null)).toBe(true);
    expect(isVideoKeyOf(anonymous, USER)).toBe(false);
    for (const key of [`videos/${USER}/../anonymous/x`, `videos/anonymous/20250911_143020_abcdef12_../../x`, 'recordings/x', `${anonymous}/..`]) {
      expect(isVideoKeyOf(key, null), key).toBe(false);
    }
  });

  it('takes video and audio media types only', () => {
    expect(['video/mp4', 'video/quicktime', 'audio/mpeg', 'audio/webm;codecs=opus', 'VIDEO/MP4'].every(isVideoOrAudioType)).toBe(true);
    expect(['text/plain', 'application/octet-stream', 'image/png', 'video/', 'video/mp4\r\nx: y', 'video/mp4/../x'].some(isVideoOrAudioType)).toBe(false);
  });
});
