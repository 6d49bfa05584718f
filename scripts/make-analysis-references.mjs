// Makes the built-in analyzer's cohort references ahead (the cohort lines of each language said by the reference
// voices, as features) and writes them to assets/analysis-references/, which the service reads before synthesising.
// Run after changing the cohort lines, the voices or the features (and bump FORMAT): npm run make:analysis-references
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COHORT_LINES } from '../dist/src/engines/speech-analysis/builtin/cohort-lines.js';
import {
  BUNDLED_REFERENCES_DIR,
  cohortEntryName,
  referenceFileName,
  serialize,
  SyntheticReferenceLibrary,
} from '../dist/src/engines/speech-analysis/builtin/synthetic-reference-library.js';
import { EspeakTextToSpeechEngine } from '../dist/src/engines/text-to-speech/espeak/espeak-text-to-speech.engine.js';

const library = new SyntheticReferenceLibrary(new EspeakTextToSpeechEngine(), undefined);
mkdirSync(BUNDLED_REFERENCES_DIR, { recursive: true });
for (const file of readdirSync(BUNDLED_REFERENCES_DIR)) rmSync(join(BUNDLED_REFERENCES_DIR, file));
for (const cohort of Object.keys(COHORT_LINES)) {
  const started = performance.now();
  const bytes = serialize(await library.makeCohort(cohort));
  const file = referenceFileName(cohortEntryName(cohort));
  writeFileSync(join(BUNDLED_REFERENCES_DIR, file), bytes);
  console.log(`${cohort}: ${file}, ${(bytes.length / 1024).toFixed(0)} KiB, made in ${(performance.now() - started).toFixed(0)} ms`);
}
