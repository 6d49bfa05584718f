import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export const ANALYSIS_SAMPLE_RATE = 16_000;

export class AudioDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AudioDecodeError';
  }
}

export interface DecodeOptions {
  sampleRate?: number;
  /** Refuse audio longer than this (seconds); decoding stops there. */
  maxSeconds?: number;
  signal?: AbortSignal;
}

/**
 * Any audio ffmpeg reads (wav, mp3, m4a/aac, ogg/opus, webm, flac…) as mono float PCM at 16 kHz (by default).
 * ffmpeg ships inside its npm package (@ffmpeg-installer), so nothing is installed on the machine.
 */
export async function decodeAudio(input: Readable | Buffer, options: DecodeOptions = {}): Promise<Float32Array> {
  const sampleRate = options.sampleRate ?? ANALYSIS_SAMPLE_RATE;
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', 'pipe:0', '-vn', '-ac', '1', '-ar', String(sampleRate)];
  if (options.maxSeconds) args.push('-t', String(options.maxSeconds));
  args.push('-f', 'f32le', 'pipe:1');
  const child = spawn(ffmpeg.path, args, { stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal });

  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  // ffmpeg may stop reading early (-t, or a broken file): that is not our error.
  child.stdin.on('error', () => undefined);
  if (Buffer.isBuffer(input)) child.stdin.end(input);
  else input.on('error', () => child.kill('SIGKILL')).pipe(child.stdin);

  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new AudioDecodeError(`the audio could not be decoded: ${stderr.trim().split('\n').at(-1) ?? `ffmpeg exited with ${code}`}`);
  const bytes = Buffer.concat(chunks);
  // Copy into an aligned buffer: Buffer.concat may start at an odd offset of its pool.
  const samples = new Float32Array(bytes.length >> 2);
  new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length << 2));
  return samples;
}
