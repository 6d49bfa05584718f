// Compiles src/ and ormconfig.ts into dist/ with SWC (the compiler the tests already use), one file per file, in
// about a second; type checking is `npm run typecheck` (part of `npm test`). `npm start` runs it only when a
// source is newer than the last build, so a restart does not compile at all.
import { transformFile } from '@swc/core';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'dist');
const STAMP = join(OUT, '.build-stamp');
const SOURCES = ['src', 'ormconfig.ts'];

// As tsconfig.json: legacy decorators with their type metadata (Nest's injection, TypeORM and class-validator
// read it), ES2023, ES modules.
const options = {
  sourceMaps: true,
  module: { type: 'es6' },
  jsc: {
    target: 'es2022',
    keepClassNames: true,
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
  },
};

async function sourceFiles(path) {
  const info = await stat(path);
  if (!info.isDirectory()) return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [{ path, mtime: info.mtimeMs }] : [];
  const entries = await readdir(path);
  return (await Promise.all(entries.map((entry) => sourceFiles(join(path, entry))))).flat();
}

const files = (await Promise.all(SOURCES.map((source) => sourceFiles(join(ROOT, source))))).flat();
const built = await stat(STAMP).then((info) => info.mtimeMs, () => 0);
const newest = Math.max(...files.map((file) => file.mtime), (await stat(join(ROOT, 'package-lock.json'))).mtimeMs);

if (process.argv.includes('--if-stale') && built > newest) {
  process.exit(0);
}

const started = Date.now();
await rm(OUT, { recursive: true, force: true });
await Promise.all(
  files
    .filter((file) => !file.path.endsWith('.spec.ts'))
    .map(async ({ path }) => {
      const target = join(OUT, relative(ROOT, path)).replace(/\.ts$/, '.js');
      const { code, map } = await transformFile(path, { ...options, filename: path, sourceFileName: relative(dirname(target), path) });
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
      if (map) await writeFile(`${target}.map`, map);
    }),
);
await writeFile(STAMP, new Date().toISOString());
console.log(`built dist/ from ${files.length} files in ${Date.now() - started} ms`);
