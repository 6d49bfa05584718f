import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, encodeWav } from '../../src/engines/audio/wav.js';
import { EspeakTextToSpeechEngine } from '../../src/engines/text-to-speech/espeak/espeak-text-to-speech.engine.js';

/** A word the test media says, where it says it (seconds from the start of the video). */
export interface SpokenWord {
  word: string;
  start: number;
  end: number;
  sentence: number;
}

export interface SpokenVideo {
  mp4: Buffer;
  /** Seconds of audio. */
  duration: number;
  words: SpokenWord[];
  sentences: string[];
  language: string;
}

export function runFfmpeg(args: string[], input?: Buffer): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg.path, ['-hide_banner', '-nostdin', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve({ stdout: Buffer.concat(out), stderr }) : reject(new Error(`ffmpeg ${code}: ${stderr.slice(-500)}`))));
  });
}

/**
 * Sentences spoken by the built-in text-to-speech engine, one after another with a second of silence between
 * them, muxed with a black picture into an MP4 (its index at the end, as cameras write it). The word timings are
 * the synthesiser's own, so the test knows what is said when.
 */
export async function spokenVideo(sentences: string[], language = 'en'): Promise<SpokenVideo> {
  const tts = new EspeakTextToSpeechEngine();
  const gap = 1.0;
  const words: SpokenWord[] = [];
  const parts: Int16Array[] = [];
  let sampleRate = 0;
  let at = 0.5;
  parts.push(new Int16Array(0));
  for (const [index, sentence] of sentences.entries()) {
    const synthesis = await tts.synthesize(sentence, { language });
    const wav = decodeWav(synthesis.audio);
    sampleRate = wav.sampleRate;
    if (parts[0]!.length === 0) parts[0] = new Int16Array(Math.round(0.5 * sampleRate));
    for (const word of synthesis.words) words.push({ word: word.text, start: at + word.start, end: at + word.end, sentence: index });
    parts.push(wav.samples, new Int16Array(Math.round(gap * sampleRate)));
    at += wav.samples.length / sampleRate + gap;
  }
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const samples = new Int16Array(total);
  let offset = 0;
  for (const part of parts) (samples.set(part, offset), (offset += part.length));

  const dir = await mkdtemp(join(tmpdir(), 'yousync-video-media-'));
  try {
    await writeFile(join(dir, 'speech.wav'), encodeWav(samples, sampleRate));
    const duration = total / sampleRate;
    await runFfmpeg([
      '-loglevel', 'error',
      '-f', 'lavfi', '-i', `color=c=black:s=64x48:r=5:d=${duration.toFixed(3)}`,
      '-i', join(dir, 'speech.wav'),
      '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-b:a', '64k', '-shortest',
      join(dir, 'video.mp4'),
    ]);
    return { mp4: await readFile(join(dir, 'video.mp4')), duration, words, sentences, language };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What an audio file holds, as ffmpeg reads it: codec line, sample rate, channels, decoded duration. */
export async function describeAudio(bytes: Buffer): Promise<{ sampleRate: number; channels: number; duration: number; codec: string }> {
  const { stdout, stderr } = await runFfmpeg(['-i', 'pipe:0', '-f', 'f32le', '-acodec', 'pcm_f32le', 'pipe:1'], bytes);
  const stream = /Stream #0:0.*?: Audio: (\w+).*?, (\d+) Hz, (mono|stereo)/.exec(stderr);
  if (!stream) throw new Error(`no audio stream: ${stderr.slice(-300)}`);
  const sampleRate = Number(stream[2]);
  const channels = stream[3] === 'mono' ? 1 : 2;
  return { codec: stream[1]!, sampleRate, channels, duration: stdout.length / 4 / channels / sampleRate };
}
