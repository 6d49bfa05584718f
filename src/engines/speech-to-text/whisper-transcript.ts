import { EngineError } from '../engine-error.js';
import type { Transcript, TranscriptSegment, TranscriptWord } from './speech-to-text.engine.js';

/** Whisper's language names (OpenAI's verbose_json sends these) → ISO 639-1. */
const LANGUAGE_CODES: Record<string, string> = {
  english: 'en', chinese: 'zh', mandarin: 'zh', cantonese: 'zh', german: 'de', spanish: 'es', castilian: 'es',
  russian: 'ru', korean: 'ko', french: 'fr', japanese: 'ja', portuguese: 'pt', turkish: 'tr', polish: 'pl',
  catalan: 'ca', valencian: 'ca', dutch: 'nl', flemish: 'nl', arabic: 'ar', swedish: 'sv', italian: 'it',
  indonesian: 'id', hindi: 'hi', finnish: 'fi', vietnamese: 'vi', hebrew: 'he', ukrainian: 'uk', greek: 'el',
  malay: 'ms', czech: 'cs', romanian: 'ro', moldavian: 'ro', moldovan: 'ro', danish: 'da', hungarian: 'hu',
  tamil: 'ta', norwegian: 'no', thai: 'th', urdu: 'ur', croatian: 'hr', bulgarian: 'bg', lithuanian: 'lt',
  latin: 'la', maori: 'mi', malayalam: 'ml', welsh: 'cy', slovak: 'sk', telugu: 'te', persian: 'fa', latvian: 'lv',
  bengali: 'bn', serbian: 'sr', azerbaijani: 'az', slovenian: 'sl', kannada: 'kn', estonian: 'et',
  macedonian: 'mk', breton: 'br', basque: 'eu', icelandic: 'is', armenian: 'hy', nepali: 'ne', mongolian: 'mn',
  bosnian: 'bs', kazakh: 'kk', albanian: 'sq', swahili: 'sw', galician: 'gl', marathi: 'mr', punjabi: 'pa',
  panjabi: 'pa', sinhala: 'si', sinhalese: 'si', khmer: 'km', shona: 'sn', yoruba: 'yo', somali: 'so',
  afrikaans: 'af', occitan: 'oc', georgian: 'ka', belarusian: 'be', tajik: 'tg', sindhi: 'sd', gujarati: 'gu',
  amharic: 'am', yiddish: 'yi', lao: 'lo', uzbek: 'uz', faroese: 'fo', 'haitian creole': 'ht', haitian: 'ht',
  pashto: 'ps', pushto: 'ps', turkmen: 'tk', nynorsk: 'nn', maltese: 'mt', sanskrit: 'sa', luxembourgish: 'lb',
  letzeburgesch: 'lb', myanmar: 'my', burmese: 'my', tibetan: 'bo', tagalog: 'tl', malagasy: 'mg',
  assamese: 'as', tatar: 'tt', lingala: 'ln', hausa: 'ha', bashkir: 'ba', javanese: 'jv', sundanese: 'su',
};
/** Whisper's own codes that are not ISO 639-1. */
const CODE_ALIASES: Record<string, string> = { jw: 'jv', yue: 'zh' };

const bad = (why: string) => new EngineError('ENGINE_BAD_RESULT', `The speech-to-text engine answered an unusable transcript: ${why}`);
const isRecord = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

/** An ISO 639-1 code from Whisper's code (`en`, python whisper) or name (`english`, OpenAI). */
export function languageCode(language: unknown): string {
  if (typeof language !== 'string' || language.trim() === '') throw bad('no language');
  const name = language.trim().toLowerCase();
  if (LANGUAGE_CODES[name]) return LANGUAGE_CODES[name];
  if (CODE_ALIASES[name]) return CODE_ALIASES[name];
  const code = name.split(/[-_]/)[0]!;
  if (/^[a-z]{2}$/.test(code)) return code;
  throw bad(`unknown language ${JSON.stringify(language.slice(0, 40))}`);
}

function readWord(raw: unknown, where: string): TranscriptWord {
  if (!isRecord(raw)) throw bad(`${where} is not an object`);
  const { word, start, end, probability } = raw;
  if (typeof word !== 'string') throw bad(`${where}.word is not a string`);
  if (!isTime(start) || !isTime(end) || end < start) throw bad(`${where} has no valid start and end`);
  if (probability !== undefined && probability !== null && (typeof probability !== 'number' || !(probability >= 0 && probability <= 1))) {
    throw bad(`${where}.probability is not between 0 and 1`);
  }
  return { word: word.trim(), start, end, probability: typeof probability === 'number' ? probability : null };
}

function readSegment(raw: unknown, index: number): TranscriptSegment & { rawWords?: unknown[] } {
  const where = `segments[${index}]`;
  if (!isRecord(raw)) throw bad(`${where} is not an object`);
  const { start, end, text, avg_logprob, no_speech_prob, words } = raw;
  if (!isTime(start) || !isTime(end) || end < start) throw bad(`${where} has no valid start and end`);
  if (typeof text !== 'string') throw bad(`${where}.text is not a string`);
  if (words !== undefined && !Array.isArray(words)) throw bad(`${where}.words is not a list`);
  return {
    id: index,
    start,
    end,
    text: text.trim(),
    ...(typeof avg_logprob === 'number' && Number.isFinite(avg_logprob) ? { avg_logprob } : {}),
    ...(typeof no_speech_prob === 'number' && Number.isFinite(no_speech_prob) ? { no_speech_prob } : {}),
    words: (words ?? []).map((word, w) => readWord(word, `${where}.words[${w}]`)),
  };
}

/** Keeps a word inside its segment (engines round word and segment edges differently). */
const clampInto = (segment: TranscriptSegment, word: TranscriptWord): TranscriptWord => {
  const start = Math.min(Math.max(word.start, segment.start), segment.end);
  return { ...word, start: round(start), end: round(Math.min(Math.max(word.end, start), segment.end)) };
};

/**
 * One transcript from either Whisper shape: python whisper's `transcribe()` (`language: "en"`, words inside each
 * segment, with probabilities) or OpenAI's `verbose_json` (`language: "english"`, `duration`, words in a top-level
 * list without probabilities, given to the segment they fall in). Anything unusable throws ENGINE_BAD_RESULT.
 */
export function normaliseWhisperTranscript(
  raw: unknown,
  engine: Transcript['engine'],
  options: { duration?: number } = {},
): Transcript {
  if (!isRecord(raw)) throw bad('not a JSON object');
  if (typeof raw.text !== 'string') throw bad('no text');
  if (raw.segments !== undefined && !Array.isArray(raw.segments)) throw bad('segments is not a list');
  if (raw.words !== undefined && !Array.isArray(raw.words)) throw bad('words is not a list');
  const language = languageCode(raw.language);
  const segments = ((raw.segments as unknown[] | undefined) ?? []).map(readSegment).sort((a, b) => a.start - b.start);
  const topLevelWords = ((raw.words as unknown[] | undefined) ?? []).map((word, w) => readWord(word, `words[${w}]`));

  if (segments.length === 0 && (topLevelWords.length > 0 || raw.text.trim() !== '')) {
    const end = Math.max(topLevelWords.at(-1)?.end ?? 0, isTime(raw.duration) ? raw.duration : 0, options.duration ?? 0);
    segments.push({ id: 0, start: topLevelWords[0]?.start ?? 0, end, text: raw.text.trim(), words: [] });
  }
  for (const word of topLevelWords) {
    const middle = (word.start + word.end) / 2;
    const segment = segments.find((candidate) => middle < candidate.end) ?? segments.at(-1)!;
    segment.words.push(word);
  }
  const normalised = segments.map((segment, id) => ({
    ...segment,
    id,
    start: round(segment.start),
    end: round(segment.end),
    words: segment.words.sort((a, b) => a.start - b.start).map((word) => clampInto(segment, word)),
  }));
  const lastEnd = normalised.at(-1)?.end ?? 0;
  const duration = options.duration ?? (isTime(raw.duration) ? raw.duration : lastEnd);
  return { text: raw.text.trim(), language, duration: round(Math.max(duration, lastEnd)), segments: normalised, engine };
}

/** Transcripts of consecutive pieces of one recording as one, each piece's times moved by its offset. */
export function joinTranscripts(pieces: Array<{ offset: number; transcript: Transcript }>, duration: number): Transcript {
  if (pieces.length === 0) throw bad('no pieces');
  const segments: TranscriptSegment[] = [];
  for (const { offset, transcript } of pieces) {
    for (const segment of transcript.segments) {
      segments.push({
        ...segment,
        id: segments.length,
        start: round(segment.start + offset),
        end: round(segment.end + offset),
        words: segment.words.map((word) => ({ ...word, start: round(word.start + offset), end: round(word.end + offset) })),
      });
    }
  }
  const languages = pieces.map(({ transcript }) => transcript.language);
  const language = languages.sort((a, b) => languages.filter((x) => x === b).length - languages.filter((x) => x === a).length)[0]!;
  return {
    text: pieces.map(({ transcript }) => transcript.text).filter(Boolean).join(' '),
    language,
    duration: round(Math.max(duration, segments.at(-1)?.end ?? 0)),
    segments,
    engine: pieces[0]!.transcript.engine,
  };
}
