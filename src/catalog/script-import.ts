import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import type { ImportScriptsDto } from './dto/catalog-input.dto.js';

// Floating-point slack when comparing times from JSON (one microsecond).
const EPSILON = 1e-6;

export interface ImportedScript {
  order: number;
  text: string;
  startTime: number;
  endTime: number;
  words: Array<{ order: number; word: string; startTime: number; endTime: number; probability: number | null }>;
}

export class ScriptImportError extends DomainError {
  constructor(readonly problems: string[]) {
    super('INVALID_SCRIPT_IMPORT', `The scripts were not imported: ${problems.join('; ')}`, HttpStatus.BAD_REQUEST);
  }
}

const span = (start: number, end: number) => `${start.toFixed(3)}-${end.toFixed(3)} s`;

/**
 * Checks a Whisper-style transcript as a whole against the clip it describes: every segment inside the clip and
 * after the previous one, every word inside its segment and after the previous word. Returns the scripts to
 * store, or throws listing every problem (so nothing is stored).
 */
export function validateScriptImport(body: ImportScriptsDto, clipDuration: number): ImportedScript[] {
  const problems: string[] = [];
  const scripts: ImportedScript[] = [];
  let previousEnd = 0;
  body.segments.forEach((segment, index) => {
    const where = `segments[${index}]`;
    if (segment.end <= segment.start) problems.push(`${where} ends (${segment.end}) before it starts (${segment.start})`);
    if (segment.end > clipDuration + EPSILON) {
      problems.push(`${where} ${span(segment.start, segment.end)} runs past the end of the clip (${clipDuration.toFixed(3)} s)`);
    }
    if (segment.start < previousEnd - EPSILON) {
      problems.push(`${where} ${span(segment.start, segment.end)} overlaps the segment before it (ending ${previousEnd.toFixed(3)} s)`);
    }
    previousEnd = Math.max(previousEnd, segment.end);

    let previousWordEnd = segment.start;
    const words = (segment.words ?? []).map((word, wordIndex) => {
      const at = `${where}.words[${wordIndex}] ("${word.word}")`;
      if (word.end < word.start) problems.push(`${at} ends before it starts`);
      if (word.start < segment.start - EPSILON || word.end > segment.end + EPSILON) {
        problems.push(`${at} ${span(word.start, word.end)} lies outside its segment ${span(segment.start, segment.end)}`);
      }
      if (word.start < previousWordEnd - EPSILON) problems.push(`${at} overlaps the word before it`);
      previousWordEnd = Math.max(previousWordEnd, word.end);
      return { order: wordIndex, word: word.word, startTime: word.start, endTime: word.end, probability: word.probability ?? null };
    });
    scripts.push({ order: index, text: segment.text, startTime: segment.start, endTime: segment.end, words });
  });
  if (problems.length > 0) throw new ScriptImportError(problems.slice(0, 20));
  return scripts;
}
