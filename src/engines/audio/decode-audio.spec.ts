import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AudioDecodeError, decodeAudio } from './decode-audio.js';
import { encodeWav } from './wav.js';

const tone = (seconds: number, sampleRate: number, frequency = 440) =>
  Int16Array.from({ length: Math.round(seconds * sampleRate) }, (_, i) => Math.round(10_000 * Math.sin((2 * Math.PI * frequency * i) / sampleRate)));

describe(decodeAudio.name, () => {
  it('resamples a WAV to 16 kHz mono float, keeping its duration and level', async () => {
    const sut = await decodeAudio(encodeWav(tone(1.5, 22_050), 22_050));
    expect(sut.length).toBeGreaterThan(16_000 * 1.5 - 50);
    expect(sut.length).toBeLessThan(16_000 * 1.5 + 50);
    const peak = sut.reduce((max, sample) => Math.max(max, Math.abs(sample)), 0);
    expect(peak).toBeGreaterThan(0.25);
    expect(peak).toBeLessThan(0.35);
  });

  it('reads compressed formats from a stream (Ogg Opus made by ffmpeg)', async () => {
    const wav = encodeWav(tone(1, 48_000), 48_000);
    const opus = execFileSync(ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-i', 'pipe:0', '-c:a', 'libopus', '-f', 'ogg', 'pipe:1'], { input: wav });
    const sut = await decodeAudio(Readable.from([opus]));
    expect(Math.abs(sut.length - 16_000)).toBeLessThan(400);
  });

  it('stops at maxSeconds', async () => {
    const sut = await decodeAudio(encodeWav(tone(3, 16_000), 16_000), { maxSeconds: 1 });
    expect(sut.length).toBe(16_000);
  });

  it('fails with a clear error on bytes that are not audio', async () => {
    await expect(decodeAudio(Buffer.from('this is not audio at all'))).rejects.toBeInstanceOf(AudioDecodeError);
  });
});
