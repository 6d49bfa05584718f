import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

/** The module a file belongs to: its folder under src/ (engines/<capability> for an engine). */
export const moduleOf = (file: string) => {
  const parts = relative(SRC, file).split('/');
  if (parts.length === 1) return '(root)';
  return parts[0] === 'engines' && parts.length > 2 ? `engines/${parts[1]}` : parts[0]!;
};

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g;

/** Relative imports in a file's source, resolved to .ts paths. */
const importsOf = (file: string, source: string) =>
  [...source.matchAll(IMPORT)].map((match) => resolve(dirname(file), match[1]!).replace(/\.js$/, '.ts'));

/**
 * A module's tables are its own: another module reaches them through the services (and DTO types) the module
 * exports, never through its entity classes. Entities may name another module's entity for a foreign key, and
 * the list of every entity (database/entities.ts) names them all.
 */
export function entityImportViolations(file: string, source = readFileSync(file, 'utf8')): string[] {
  if (file.endsWith('.entity.ts') || relative(SRC, file) === 'database/entities.ts') return [];
  return importsOf(file, source)
      .filter((target) => target.endsWith('.entity.ts') && moduleOf(target) !== moduleOf(file))
    .map((target) => `${relative(SRC, file)} imports ${relative(SRC, target)}`);
}

describe('module boundaries', () => {
  it("no module imports another module's entity", () => {
    expect(sourceFiles(SRC).flatMap((file) => entityImportViolations(file))).toEqual([]);
  });

  it('the rule catches such an import, and allows the same module, exported services and entity relations', () => {
    const probe = (path: string, source: string) => entityImportViolations(join(SRC, path), source);
    expect(probe('mypage/probe.ts', "import { TokenEntity } from '../catalog/token.entity.js';")).toHaveLength(1);
    expect(probe('mypage/probe.ts', "import type { TokenEntity } from '../catalog/token.entity.js';")).toHaveLength(1);
    expect(probe('mypage/probe.ts', "import { BookmarkEntity } from './bookmark.entity.js';")).toEqual([]);
    expect(probe('mypage/probe.ts', "import { TokensService } from '../catalog/tokens.service.js';")).toEqual([]);
    expect(probe('mypage/probe.entity.ts', "import { TokenEntity } from '../catalog/token.entity.js';")).toEqual([]);
  });
});
