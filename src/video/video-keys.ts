import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';

export const ANONYMOUS = 'anonymous';

/** `video/*` or `audio/*`, with parameters at most (`audio/webm;codecs=opus`). */
const MEDIA_TYPE = /^(video|audio)\/[a-z0-9][a-z0-9.+-]{0,80}(\s*;\s*[a-z0-9-]{1,40}=("?)[a-z0-9.+,=-]{1,80}\3)*$/i;
export const isVideoOrAudioType = (type: string) => MEDIA_TYPE.test(type);

const MAX_FILENAME = 100;

/**
 * The file name as it is kept in a key: its last path segment only, letters and digits of any script, `.`, `_`
 * and `-` (everything else, control characters and spaces included, becomes `_`), no leading dots, at most 100
 * characters with the extension kept. Never empty, never `.` or `..`.
 */
export function sanitiseFilename(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  let clean = base
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^[._-]+/, '');
  const characters = Array.from(clean);
  if (characters.length > MAX_FILENAME) {
    const extension = Array.from(extname(clean)).slice(0, 16);
    clean = [...characters.slice(0, MAX_FILENAME - extension.length), ...extension].join('');
  }
  return clean || 'video';
}

const stamp = (date: Date) => {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}_${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
};

/** `videos/<user id or anonymous>/<yyyyMMdd_HHmmss>_<8 hex>_<sanitised filename>` (seed 003), UTC. */
export const videoKeyFor = (ownerId: string | null, filename: string, now = new Date()) =>
  `videos/${ownerId ?? ANONYMOUS}/${stamp(now)}_${randomBytes(4).toString('hex')}_${sanitiseFilename(filename)}`;

const VIDEO_KEY = /^videos\/([^/]+)\/\d{8}_\d{6}_[0-9a-f]{8}_[\p{L}\p{N}._-]{1,116}$/u;

/** Whether `key` is a key videoKeyFor gave this caller (null: anonymous); nothing outside that prefix is. */
export function isVideoKeyOf(key: string, ownerId: string | null): boolean {
  const match = VIDEO_KEY.exec(key);
  return !!match && match[1] === (ownerId ?? ANONYMOUS);
}
