import type { TranscriptSegment } from '../engines/speech-to-text/speech-to-text.engine.js';

const clock = (seconds: number, separator: ',' | '.') => {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
};

/** Cue text never holds an empty line (it would end the cue) nor, in VTT, the `-->` arrow. */
const cueText = (text: string) => text.replace(/\r?\n\s*\r?\n/g, '\n').replace(/-->/g, '->').trim();

/** Segments with text, in time order, none starting before the previous ended (players expect that). */
function cues(segments: TranscriptSegment[]) {
  let previousEnd = 0;
  return [...segments]
    .sort((a, b) => a.start - b.start)
    .filter((segment) => segment.text.trim() !== '')
    .map((segment) => {
      const start = Math.max(segment.start, previousEnd);
      const end = Math.max(segment.end, start);
      previousEnd = end;
      return { start, end, text: cueText(segment.text) };
    });
}

/** SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`. */
export function toSrt(segments: TranscriptSegment[]): string {
  return cues(segments)
    .map((cue, index) => `${index + 1}\n${clock(cue.start, ',')} --> ${clock(cue.end, ',')}\n${cue.text}\n`)
    .join('\n');
}

/** WebVTT: the `WEBVTT` header, then cues with `HH:MM:SS.mmm`. */
export function toVtt(segments: TranscriptSegment[]): string {
  return ['WEBVTT\n', ...cues(segments).map((cue) => `${clock(cue.start, '.')} --> ${clock(cue.end, '.')}\n${cue.text}\n`)].join('\n');
}
