import type { SniffedType } from './file-upload.js';

/**
 * Audio a browser or phone records or a user may have: WAV, MP3, M4A/AAC, Ogg (Opus/Vorbis), WebM, FLAC.
 * WebM and MP4 are detected by container, so their video flavours are accepted too (MediaRecorder writes
 * audio-only WebM/MP4 that sniff as video/*); decoding later rejects files without an audio stream.
 */
const AUDIO_TYPES = new Set([
  'audio/wav',
  'audio/x-wav',
  'audio/vnd.wave',
  'audio/mpeg',
  'audio/mp4',
  'audio/x-m4a',
  'audio/aac',
  'audio/aacp',
  'audio/ogg',
  'audio/opus',
  'audio/webm',
  'video/webm',
  'video/mp4',
  'audio/flac',
  'audio/x-flac',
]);

export const AUDIO_DESCRIPTION = 'audio (wav, mp3, m4a/aac, ogg/opus, webm or flac)';

export const isAudio = (type: SniffedType | undefined) => !!type && AUDIO_TYPES.has(type.mime);
