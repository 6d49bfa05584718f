import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));
// Codes are UPPER_SNAKE string literals; configuration and the database launcher name variables, not codes.
const SKIPPED_DIRS = new Set(['config', 'database']);
const NOT_CODES = new Set(['WHEN_REQUIRED']);

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sources(join(dir, entry.name));
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [readFileSync(join(dir, entry.name), 'utf8')] : [];
  });

describe('error codes', () => {
  const readme = readFileSync(join(SRC, '..', 'README.md'), 'utf8');
  const documented = new Map<string, string>();
  for (const [, codes, status] of readme.matchAll(/^\| ((?:`[A-Z_]+`(?:, )?)+) \| (\d{3}) \|/gm)) {
    for (const [, code] of codes!.matchAll(/`([A-Z_]+)`/g)) {
      expect(documented.has(code!), `${code} is listed twice`).toBe(false);
      documented.set(code!, status!);
    }
  }

  it('every code raised in the source is in the README, with one status', () => {
    const text = sources(SRC).join('\n');
    const codes = new Set([
      ...[...text.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)].map((match) => match[1]!),
      ...[...text.matchAll(/(?:Error\(|code: )'([A-Z]{4,})'/g)].map((match) => match[1]!),
    ]);
    const undocumented = [...codes].filter((code) => !NOT_CODES.has(code) && !documented.has(code) && !readme.includes(`\`${code}\``));
    expect(undocumented).toEqual([]);
    expect(documented.size).toBeGreaterThan(40);
  });
});
