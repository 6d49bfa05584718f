import { Mp3Encoder } from '@breezystack/lamejs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { StereoPcm } from './render.js';

export const MP3_KBPS = 128;
// 1152 samples make one MP3 frame; encode some frames at a time, letting the event loop run in between.
const FRAMES_PER_CHUNK = 48;
const CHUNK = 1152 * FRAMES_PER_CHUNK;

/** Constant-bitrate stereo MP3 of the PCM (lamejs, pure JavaScript): the same samples give the same bytes. */
export async function encodeMp3(pcm: StereoPcm, signal: AbortSignal, onProgress?: (fraction: number) => void): Promise<Buffer> {
  const encoder = new Mp3Encoder(2, pcm.sampleRate, MP3_KBPS);
  const left = toInt16(pcm.left);
  const right = toInt16(pcm.right);
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < left.length; offset += CHUNK) {
    parts.push(encoder.encodeBuffer(left.subarray(offset, offset + CHUNK), right.subarray(offset, offset + CHUNK)));
    onProgress?.(offset / left.length);
    await nextTurn();
    signal.throwIfAborted();
  }
  parts.push(encoder.flush());
  return Buffer.concat(parts.map((part) => Buffer.from(part.buffer, part.byteOffset, part.byteLength)));
}

function toInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32767);
  return out;
}
