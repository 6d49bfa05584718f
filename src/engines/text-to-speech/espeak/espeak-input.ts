const ZERO_WIDTH_SPACE = '\u200b';
const SSML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** A word of the input text and where it sits, in code points (eSpeak counts text positions in code points). */
export interface ScriptWord {
  text: string;
  start: number;
  end: number;
}

export interface EspeakInput {
  /** What eSpeak is given: its synthesize() reads SSML and [[phoneme]] notation, so both are neutralised. */
  markup: string;
  /** For each code point of markup, the index of the input code point it stands for. */
  sourceIndex: number[];
}

export function splitWords(text: string): ScriptWord[] {
  const words: ScriptWord[] = [];
  let current: ScriptWord | undefined;
  let index = 0;
  for (const char of text) {
    if (/\s/u.test(char)) {
      current = undefined;
    } else if (current) {
      current.text += char;
      current.end = index + 1;
    } else {
      current = { text: char, start: index, end: index + 1 };
      words.push(current);
    }
    index++;
  }
  return words;
}

export function toEspeakInput(text: string): EspeakInput {
  let markup = '';
  const sourceIndex: number[] = [];
  let previous = '';
  let index = 0;
  for (const char of text) {
    // '[[' would switch eSpeak to phoneme input; a zero-width space between the brackets is not spoken.
    const replacement = previous === '[' && char === '[' ? ZERO_WIDTH_SPACE + char : (SSML_ESCAPES[char] ?? char);
    markup += replacement;
    sourceIndex.push(...Array.from(replacement, () => index));
    previous = char;
    index++;
  }
  return { markup, sourceIndex };
}
