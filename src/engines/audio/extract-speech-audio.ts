import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../engine-error.js';

/** What speech recognisers resample to anyway: 16 kHz mono. MP3 at 32 kb/s is 4,000 bytes a second. */
export const SPEECH_SAMPLE_RATE = 16_000;
const SPEECH_BITRATE_BYTES_PER_SECOND = 4_000;
/** ffmpeg demuxers of video and audio files (MP4/MOV/M4A, Matroska/WebM, AVI, FLV, MPEG-TS/PS, Ogg, MP3, WAV, FLAC, AAC, ASF/WMV). */
const MEDIA_CONTAINERS = 'mov,matroska,avi,flv,mpegts,mpegps,mpeg,mpegvideo,ogg,mp3,wav,flac,aac,asf';

export interface AudioPiece {
  path: string;
  /** Seconds from the start of the media. */
  offset: number;
  duration: number;
  bytes: number;
}

export interface ExtractedSpeechAudio {
  pieces: AudioPiece[];
  /** Seconds. */
  duration: number;
}

/**
 * The first audio stream of a video (or audio) file as 16 kHz mono MP3, cut into consecutive pieces of at most
 * `maxPieceBytes` each (a speech server's upload limit), written into `dir`. `input` is a path or an http(s) URL:
 * ffmpeg reads it itself (with range requests, so an MP4 whose index is at its end works) and nothing passes
 * through this process's memory.
 */
export async function extractSpeechAudio(
  input: string,
  dir: string,
  options: { maxPieceBytes: number; signal?: AbortSignal },
): Promise<ExtractedSpeechAudio> {
  // A tenth of headroom: MP3 frames do not end exactly on the cut.
  const pieceSeconds = Math.max(1, Math.floor((options.maxPieceBytes * 0.9) / SPEECH_BITRATE_BYTES_PER_SECOND));
  const list = join(dir, 'pieces.csv');
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    // Only this input and real media containers: an uploaded playlist (HLS, concat) could otherwise make ffmpeg
    // read local files or fetch other URLs.
    '-protocol_whitelist', /^https?:\/\//.test(input) ? 'http,https,tcp,tls' : 'file',
    '-format_whitelist', MEDIA_CONTAINERS,
    '-i', input,
    '-map', '0:a:0', '-vn', '-sn', '-dn',
    '-ac', '1', '-ar', String(SPEECH_SAMPLE_RATE), '-c:a', 'libmp3lame', '-b:a', '32k',
    '-f', 'segment', '-segment_time', String(pieceSeconds), '-segment_list', list, '-segment_list_type', 'csv',
    '-reset_timestamps', '1',
    join(dir, 'piece-%04d.mp3'),
  ];
  const child = spawn(ffmpeg.path, args, { stdio: ['ignore', 'ignore', 'pipe'], signal: options.signal });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (options.signal?.aborted) throw options.signal.reason;
  if (code !== 0) {
    const reason = stderr.trim().split('\n').at(-1) || `ffmpeg exited with ${code}`;
    throw new EngineError('AUDIO_UNREADABLE', `No audio could be read from the video: ${reason.replace(/https?:\/\/\S+/g, '<url>')}`);
  }

  const pieces: AudioPiece[] = [];
  for (const line of (await readFile(list, 'utf8')).split('\n').filter(Boolean)) {
    const [name, start, end] = line.split(',');
    const path = join(dir, name!);
    const { size } = await stat(path);
    if (size > options.maxPieceBytes) {
      throw new EngineError('AUDIO_UNREADABLE', `A piece of the audio came out at ${size} bytes, over ${options.maxPieceBytes}`);
    }
    pieces.push({ path, offset: Number(start), duration: Number(end) - Number(start), bytes: size });
  }
  if (pieces.length === 0) throw new EngineError('AUDIO_UNREADABLE', 'The video has no audio');
  const last = pieces.at(-1)!;
  return { pieces, duration: last.offset + last.duration };
}
