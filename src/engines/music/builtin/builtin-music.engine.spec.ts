import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { spawn } from 'node:child_process';
import { buffer } from 'node:stream/consumers';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../../audio/decode-audio.js';
import { EspeakTextToSpeechEngine } from '../../text-to-speech/espeak/espeak-text-to-speech.engine.js';
import type { MusicRequest } from '../music.engine.js';
import { BuiltinMusicEngine } from './builtin-music.engine.js';
import { styleForGenre } from './genre-style.js';

const VERSE = '[verse]\n여름이 왔네 햇살이 빛나네\n바다로 가자 우리 함께';
const CHORUS = '[chorus]\nI never thought I would see you again\nwalking alone in the summer rain';
const ONSET_RATE = 22_050;
const HOP = 128;
const WINDOW = 512;

const request = (overrides: Partial<MusicRequest> = {}): MusicRequest => ({
  jobId: 'job-1',
  genre: 'K-POP',
  lyrics: VERSE,
  seed: 42,
  signal: new AbortController().signal,
  progress: async () => undefined,
  ...overrides,
});

/**
 * Tempo from the audio: an onset-strength envelope (rise of the log energy of the pre-emphasized signal, frames of
 * 23 ms every 5.8 ms), its autocorrelation over the lags of 60-180 BPM. A beat-periodic track also correlates at
 * two and three beats (its bars), as strongly or more: the beat is the fastest such metrical peak (lag a half or a
 * third of the strongest's) that reaches 60% of it.
 */
async function estimateTempo(mp3: Buffer): Promise<number> {
  const samples = await decodeAudio(mp3, { sampleRate: ONSET_RATE });
  const frames = Math.floor((samples.length - WINDOW) / HOP);
  const energy = new Float64Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    for (let i = Math.max(1, frame * HOP); i < frame * HOP + WINDOW; i++) sum += (samples[i]! - samples[i - 1]!) ** 2;
    energy[frame] = Math.log(1 + 1000 * sum);
  }
  const onset = energy.map((value, frame) => (frame === 0 ? 0 : Math.max(0, value - energy[frame - 1]!)));
  const mean = onset.reduce((sum, value) => sum + value, 0) / frames;
  const correlation = (lag: number) => {
    let sum = 0;
    for (let frame = 0; frame + lag < frames; frame++) sum += (onset[frame]! - mean) * (onset[frame + lag]! - mean);
    return sum / (frames - lag);
  };
  const framesPerMinute = (60 * ONSET_RATE) / HOP;
  const shortest = Math.floor(framesPerMinute / 180);
  const longest = Math.ceil(framesPerMinute / 60);
  const scores = new Map<number, number>();
  for (let lag = shortest - 1; lag <= longest + 1; lag++) scores.set(lag, correlation(lag));
  const peaks: number[] = [];
  for (let lag = shortest; lag <= longest; lag++) {
    if (scores.get(lag)! > scores.get(lag - 1)! && scores.get(lag)! >= scores.get(lag + 1)!) peaks.push(lag);
  }
  const strongest = peaks.reduce((best, lag) => (scores.get(lag)! > scores.get(best)! ? lag : best));
  const beat =
    peaks
      .filter((lag) => scores.get(lag)! >= 0.6 * scores.get(strongest)!)
      .filter((lag) => [1, 2, 3].some((ratio) => Math.abs((strongest / lag) - ratio) < 0.03 * ratio))
      .sort((a, b) => a - b)[0] ?? strongest;
  const [before, at, after] = [scores.get(beat - 1)!, scores.get(beat)!, scores.get(beat + 1)!];
  const refined = beat + (before - after) / (2 * (before - 2 * at + after));
  return framesPerMinute / refined;
}

/** What ffmpeg reports of the MP3's audio stream. */
async function probe(mp3: Buffer): Promise<{ codec: string; sampleRate: number; channels: string }> {
  const child = spawn(ffmpeg.path, ['-hide_banner', '-i', 'pipe:0', '-f', 'null', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
  child.stdin.end(mp3);
  const stderr = (await buffer(child.stderr)).toString();
  const stream = /Audio: (\w+)[^,]*, (\d+) Hz, (\w+)/.exec(stderr);
  if (!stream) throw new Error(`ffmpeg found no audio stream: ${stderr}`);
  return { codec: stream[1]!, sampleRate: Number(stream[2]), channels: stream[3]! };
}

describe(BuiltinMusicEngine.name, () => {
  let sut: BuiltinMusicEngine;
  const generate = async (overrides: Partial<MusicRequest> = {}) => {
    const track = await sut.generate(request(overrides));
    return { ...track, bytes: await buffer(track.audio) };
  };

  beforeAll(() => {
    sut = new BuiltinMusicEngine(new EspeakTextToSpeechEngine());
  });

  it.each([
    ['발라드', 70],
    ['신나는 EDM', 141],
    ['댄스', 120],
  ])('plays %s at its tempo, as estimated from the audio (target %i BPM)', async (genre, bpm) => {
    expect(styleForGenre(genre).bpm).toBe(bpm);

    const track = await generate({ genre, lyrics: `${VERSE}\n\n${CHORUS}` });

    expect(Math.abs((await estimateTempo(track.bytes)) - bpm)).toBeLessThanOrEqual(3);
  }, 120_000);

  it('gives the same bytes for the same genre, lyrics and seed, other bytes for another seed', async () => {
    const first = await generate({ seed: 7 });
    const again = await generate({ seed: 7 });
    const other = await generate({ seed: 8 });

    expect(again.bytes.equals(first.bytes)).toBe(true);
    expect(other.bytes.equals(first.bytes)).toBe(false);
    expect(first.engine).toEqual({ name: 'builtin', version: expect.any(String) });
  }, 120_000);

  it('makes a longer track of longer lyrics, an MP3 of 44.1 kHz stereo that ffmpeg decodes to its stated length', async () => {
    const short = await generate({ lyrics: VERSE });
    const long = await generate({ lyrics: `${VERSE}\n\n${CHORUS}\n\n${VERSE}\n\n${CHORUS}` });

    expect(await probe(long.bytes)).toEqual({ codec: 'mp3', sampleRate: 44_100, channels: 'stereo' });
    const decodedSeconds = (await decodeAudio(long.bytes, { sampleRate: 8_000 })).length / 8_000;
    expect(decodedSeconds).toBeGreaterThan(long.durationSeconds - 0.1);
    expect(decodedSeconds).toBeLessThan(long.durationSeconds + 0.2);
    // Four times the lines; the intro, outro and ring-out are the same for both.
    expect(long.durationSeconds).toBeGreaterThan(short.durationSeconds * 2);
  }, 120_000);

  it('reports progress a few times, rising, ending in encoding', async () => {
    const reports: [number, string][] = [];
    await generate({ progress: async (percent, stage) => void reports.push([percent, stage]) });

    expect(reports.length).toBeGreaterThanOrEqual(4);
    expect(reports.length).toBeLessThanOrEqual(25);
    expect(reports.map(([percent]) => percent)).toEqual([...reports.map(([percent]) => percent)].sort((a, b) => a - b));
    expect(new Set(reports.map(([, stage]) => stage))).toEqual(new Set(['composing', 'singing', 'rendering', 'encoding']));
  }, 120_000);

  it('stops with the abort reason when the signal is aborted before or during generation', async () => {
    const before = new AbortController();
    const reason = new Error('cancelled by the user');
    before.abort(reason);
    await expect(sut.generate(request({ signal: before.signal }))).rejects.toBe(reason);

    const during = new AbortController();
    const deadline = new Error('deadline');
    const stages: string[] = [];
    const generation = sut.generate(
      request({
        signal: during.signal,
        progress: async (_percent, stage) => {
          stages.push(stage);
          if (stage === 'rendering') during.abort(deadline);
        },
      }),
    );
    await expect(generation).rejects.toBe(deadline);
    expect(stages).not.toContain('encoding');
  }, 120_000);
});
