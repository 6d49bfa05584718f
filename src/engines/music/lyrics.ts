/** One section of a song: a YuE-style tag and its lines. */
export interface LyricsSection {
  /** Lower-case tag without brackets: verse, chorus, bridge, intro, outro, pre-chorus, ... */
  tag: string;
  lines: string[];
}

const TAG = /^\s*\[([A-Za-z][A-Za-z0-9 _-]{0,30})\]\s*$/;

/**
 * Lyrics as sections. With YuE-style tags (`[verse]`, `[chorus]`, ... on a line of their own) each tag opens a
 * section; without, every blank-line paragraph is one, named verse and chorus in turn (a paragraph that repeats
 * an earlier one word for word is that section again). Empty sections are dropped.
 */
export function parseLyrics(text: string): LyricsSection[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const tagged = lines.some((line) => TAG.test(line));
  const sections: LyricsSection[] = [];
  if (tagged) {
    let current: LyricsSection | undefined;
    for (const line of lines) {
      const tag = TAG.exec(line);
      if (tag) {
        current = { tag: tag[1]!.trim().toLowerCase().replace(/[\s_]+/g, '-'), lines: [] };
        sections.push(current);
      } else if (line.trim() !== '') {
        current ??= sections[sections.push({ tag: 'verse', lines: [] }) - 1];
        current!.lines.push(line.trim());
      }
    }
  } else {
    const paragraphs = text
      .replace(/\r\n?/g, '\n')
      .split(/\n\s*\n/)
      .map((paragraph) => paragraph.split('\n').map((line) => line.trim()).filter(Boolean))
      .filter((paragraph) => paragraph.length > 0);
    const seen = new Map<string, string>();
    let verse = 0;
    for (const paragraph of paragraphs) {
      const key = paragraph.join('\n');
      const tag = seen.get(key) ?? (verse++ % 2 === 0 ? 'verse' : 'chorus');
      seen.set(key, tag);
      sections.push({ tag, lines: paragraph });
    }
  }
  return sections.filter((section) => section.lines.length > 0);
}

/**
 * The lyrics as YuE's infer.py reads them: `[tag]` then the lines, sections separated by a blank line. Its
 * split_lyrics matches `\[(\w+)\]` and drops a section whose tag has a dash, so `pre-chorus` is written `pre_chorus`.
 */
export function toYueLyrics(sections: LyricsSection[]): string {
  return sections.map((section) => `[${section.tag.replace(/\W/g, '_')}]\n${section.lines.join('\n')}`).join('\n\n') + '\n';
}
