import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError } from '../../engine-error.js';
import type { StereoPcm } from './render.js';

export const MP3_KBPS = 128;
// Interleaved 16-bit samples handed to ffmpeg a piece at a time, so progress can be told and nothing is copied whole.
const FRAMES_PER_PIECE = 44_100;

/**
 * Constant-bitrate stereo MP3 of the PCM, by LAME inside the ffmpeg that ships in its npm package (the analyzer's
 * decoder): native code in another process, about twice as fast as lamejs and off the event loop. Bit-exact flags
 * keep encoder and version tags out, so the same samples give the same bytes.
 */
export async function encodeMp3(pcm: StereoPcm, signal: AbortSignal, onProgress?: (fraction: number) => void): Promise<Buffer> {
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 's16le', '-ar', String(pcm.sampleRate), '-ac', '2', '-i', 'pipe:0'];
  args.push('-c:a', 'libmp3lame', '-b:a', `${MP3_KBPS}k`, '-fflags', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1', '-f', 'mp3', 'pipe:1');
  const child = spawn(ffmpeg.path, args, { stdio: ['pipe', 'pipe', 'pipe'], signal });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const closed = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });

  const frames = pcm.left.length;
  function* pieces() {
    for (let start = 0; start < frames; start += FRAMES_PER_PIECE) {
      const end = Math.min(frames, start + FRAMES_PER_PIECE);
      const piece = new Int16Array((end - start) * 2);
      for (let i = start, j = 0; i < end; i++, j += 2) {
        piece[j] = toInt16(pcm.left[i]!);
        piece[j + 1] = toInt16(pcm.right[i]!);
      }
      onProgress?.(end / frames);
      yield Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    }
  }
  try {
    await pipeline(Readable.from(pieces()), child.stdin);
    const code = await closed;
    if (code !== 0) throw new EngineError('ENGINE_FAILED', `MP3 encoding failed: ${stderr.trim().split('\n').at(-1) ?? `ffmpeg exited with ${code}`}`);
  } catch (error) {
    signal.throwIfAborted();
    throw error;
  }
  return Buffer.concat(chunks);
}

const toInt16 = (sample: number) => Math.round(Math.max(-1, Math.min(1, sample)) * 32767);
