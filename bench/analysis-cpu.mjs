// CPU time of the built-in dubbing analysis (analyzeDubbing) for a 10 s clip against a copy of itself delayed by
// 300 ms, with the script's synthetic references cached (goal: under 0.5 s), median of several runs; decoding is
// not counted. Then the first analysis of a script, references not yet made (the script said in the reference
// voices, the clip's margin, the analysis; goal: under 2 s), each as a fresh process's first work, cold and after
// the engine's start-up warm-up; then in a process that has analysed before; and the cost of each stage.
// Run: npx nest build && node bench/analysis-cpu.mjs
import { decodeAudio } from '../dist/src/engines/audio/decode-audio.js';
import { alignUtterances, listen, WARP_FACTORS } from '../dist/src/engines/speech-analysis/builtin/utterance.js';
import { actorMargin, analyzeDubbing, prepareReference } from '../dist/src/engines/speech-analysis/builtin/dubbing-analyzer.js';
import { trackPitch } from '../dist/src/engines/speech-analysis/builtin/pitch.js';
import { EspeakTextToSpeechEngine } from '../dist/src/engines/text-to-speech/espeak/espeak-text-to-speech.engine.js';
import { SyntheticReferenceLibrary } from '../dist/src/engines/speech-analysis/builtin/synthetic-reference-library.js';
import { BuiltinSpeechAnalysisEngine } from '../dist/src/engines/speech-analysis/builtin/builtin-speech-analysis.engine.js';
import { MARGIN_WARP_FACTORS, marginFeatures, pronunciationMargin } from '../dist/src/engines/speech-analysis/builtin/synthetic-references.js';
import { LocalObjectStorage } from '../dist/src/storage/local-object-storage.js';
import { UrlSigner } from '../dist/src/storage/url-signer.js';
import { Logger } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const SAMPLE_RATE = 16_000;
const TEXT =
  'The quick brown fox jumps over the lazy dog near the river bank. ' +
  'I never thought I would see you again after all these years. ' +
  'Please remember to close the window before you leave the house tonight.';

const cpuMs = (since) => {
  const cpu = process.cpuUsage(since);
  return (cpu.user + cpu.system) / 1000;
};
const scratch = mkdtempSync(join(tmpdir(), 'bench-analysis-'));
const storage = new LocalObjectStorage(scratch, new UrlSigner('bench-secret-bench-secret-bench'), 'http://localhost', 900);
const speech = new EspeakTextToSpeechEngine();

/** CPU (user + system, every thread of the process) and wall milliseconds of one call. */
function measure(job) {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = job();
  const cpu = process.cpuUsage(cpuBefore);
  return { result, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - wallBefore };
}

/** The token's clip (eSpeak's default voice) and a take of it 300 ms late. */
async function takeOf(text, synthetic) {
  const synthesis = await speech.synthesize(text, { language: 'en' });
  const reference = await decodeAudio(synthesis.audio);
  const recording = new Float32Array(reference.length + 0.3 * SAMPLE_RATE);
  recording.set(reference, 0.3 * SAMPLE_RATE);
  const words = synthesis.words.map((word, index) => ({ scriptWordId: index + 1, ...word }));
  return { reference, recording, sampleRate: SAMPLE_RATE, words, synthetic };
}

// A child process measures the first analysis of a script, its references not yet made, as a fresh process's
// first work: with --warm after the engine's start-up warm-up (ANALYSIS_WARM_UP, the default), else cold.
if (process.argv[2] === '--first') {
  Logger.overrideLogger(false);
  const library = new SyntheticReferenceLibrary(speech, storage);
  let started = process.cpuUsage();
  if (process.argv[3] === '--warm') await new BuiltinSpeechAnalysisEngine(storage, library, { warmUpWith: speech }).warmUp();
  const warmUpCpuMs = cpuMs(started);
  // eSpeak's start and the cohort (read from the shipped file): once per process, and part of the warm-up.
  started = process.cpuUsage();
  await library.referencesFor('en', ['Good morning.']);
  const startCpuMs = cpuMs(started);
  started = process.cpuUsage();
  const synthetic = await library.referencesFor('en', [TEXT]);
  const referencesCpuMs = cpuMs(started);
  const input = await takeOf(TEXT, synthetic);
  // The analysis itself, the clip's preparation and margin included (kept in memory after).
  const analysisCpuMs = measure(() => analyzeDubbing(input)).cpuMs;
  console.log(JSON.stringify({ warmUpCpuMs, startCpuMs, referencesCpuMs, analysisCpuMs }));
  rmSync(scratch, { recursive: true, force: true });
  process.exit(0);
}

const FIRST_RUNS = Number(process.env.BENCH_FIRST_RUNS ?? 3);
const firstRuns = { cold: [], warm: [] };
for (let run = 0; run < FIRST_RUNS; run++) {
  for (const kind of ['cold', 'warm']) {
    const args = [fileURLToPath(import.meta.url), '--first', ...(kind === 'warm' ? ['--warm'] : [])];
    const { stdout } = await promisify(execFile)(process.execPath, args);
    firstRuns[kind].push(JSON.parse(stdout.trim().split('\n').at(-1)));
  }
}

const library = new SyntheticReferenceLibrary(speech, storage);
const synthetic = await library.referencesFor('en', [TEXT]);
// The next process: references read back from storage.
let started = process.cpuUsage();
await new SyntheticReferenceLibrary(speech, storage).referencesFor('en', [TEXT]);
const readCpuMs = cpuMs(started);
const input = await takeOf(TEXT, synthetic);
const { reference, recording, words } = input;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => `${value.toFixed(1)} ms`.padStart(10);

// Cached, as the engine keeps them per clip: the script's references, the clip's margin, the clip analysed.
const prepared = prepareReference(reference);
const cached = { ...input, reference: prepared, actorMargin: actorMargin(prepared, synthetic) };
for (let warmup = 0; warmup < 2; warmup++) analyzeDubbing(cached);
const runs = [];
for (let run = 0; run < RUNS; run++) {
  const stages = {};
  const started = performance.now();
  const measured = measure(() => analyzeDubbing(cached, (stage) => (stages[stage] = performance.now())));
  runs.push({ ...measured, aligningMs: stages.scoring - started, scoringMs: started + measured.wallMs - stages.scoring });
}
const { result } = runs[0];
const offsets = result.words.map((word) => word.offset_ms);

console.log(`clip ${(reference.length / SAMPLE_RATE).toFixed(2)} s, recording ${(recording.length / SAMPLE_RATE).toFixed(2)} s, ${words.length} words; node ${process.version}`);
console.log(`analyzeDubbing, references and the analysed clip cached, median of ${RUNS} runs:`);
const cpu = runs.map((run) => run.cpuMs);
console.log(`  CPU  ${ms(median(cpu))}   (min ${Math.min(...cpu).toFixed(1)}, max ${Math.max(...cpu).toFixed(1)})   goal < 500 ms`);
console.log(`  wall ${ms(median(runs.map((run) => run.wallMs)))}`);
console.log(`  wall by stage: aligning ${ms(median(runs.map((run) => run.aligningMs)))}, scoring ${ms(median(runs.map((run) => run.scoringMs)))}`);
console.log(`  result: overall ${result.overall}, timing ${result.timing}, pronunciation ${result.pronunciation}, word offsets ${Math.min(...offsets)}…${Math.max(...offsets)} ms`);
console.log(`first analysis of a script (its references not yet made), each a fresh process's first work, median of ${FIRST_RUNS} processes:`);
const spread = (values) => `${ms(median(values))} (${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)})`;
for (const [kind, label] of [
  ['cold', 'cold (ANALYSIS_WARM_UP=false, or a take that comes before the warm-up ends)'],
  ['warm', "after the engine's start-up warm-up (the default where jobs run)"],
]) {
  const measured = firstRuns[kind];
  console.log(`  ${label}:`);
  console.log(
    `    the script in 2 voices ${spread(measured.map((run) => run.referencesCpuMs))}; the analysis itself, the clip's margin included ${spread(measured.map((run) => run.analysisCpuMs))}`,
  );
  console.log(`    total CPU ${spread(measured.map((run) => run.referencesCpuMs + run.analysisCpuMs))}   goal < 2000 ms`);
}
console.log(`  the warm-up itself, at start-up after the service listens: CPU ${spread(firstRuns.warm.map((run) => run.warmUpCpuMs))}`);
console.log(`  eSpeak's start and the cohort (read from the shipped file), once per process, cold: CPU ${spread(firstRuns.cold.map((run) => run.startCpuMs))}`);
// The first analysis of another script in the same process, as a running service meets a new line: its references
// made, its clip analysed and measured against them, then the take analysed.
const OTHER_TEXT =
  'Sometimes the bravest thing you can do is to stay where you are and wait for the morning. ' +
  'We have exactly ten minutes to get out of here before the storm arrives at the harbour.';
const otherSynthesis = await speech.synthesize(OTHER_TEXT, { language: 'en' });
const otherClip = await decodeAudio(otherSynthesis.audio);
const otherTake = new Float32Array(otherClip.length + 0.3 * SAMPLE_RATE);
otherTake.set(otherClip, 0.3 * SAMPLE_RATE);
started = process.cpuUsage();
const otherReferences = await library.referencesFor('en', [OTHER_TEXT]);
const otherPrepared = prepareReference(otherClip);
analyzeDubbing({
  reference: otherPrepared,
  recording: otherTake,
  sampleRate: SAMPLE_RATE,
  words: otherSynthesis.words.map((word, index) => ({ scriptWordId: index + 1, ...word })),
  synthetic: otherReferences,
  actorMargin: actorMargin(otherPrepared, otherReferences),
});
const warmFirstCpuMs = cpuMs(started);
console.log(`  a new script in a process that has analysed before (${(otherClip.length / SAMPLE_RATE).toFixed(1)} s clip): CPU ${ms(warmFirstCpuMs)}   goal < 2000 ms`);
console.log(`  a new process reading the script's references back from storage: CPU ${ms(readCpuMs)}`);

const steps = {
  'spectrogram + speech detection (both signals)': () => [listen(reference), listen(recording)],
};
const [referenceUtterance, recordingUtterance] = steps['spectrogram + speech detection (both signals)']();
Object.assign(steps, {
  [`cepstra + coarse DTW × ${WARP_FACTORS.length} warps + fine DTW`]: () => alignUtterances(referenceUtterance, recordingUtterance),
  'cepstra + coarse and fine DTW, one warp (no VTLN)': () => alignUtterances(referenceUtterance, recordingUtterance, [1]),
  [`pronunciation margin: ${MARGIN_WARP_FACTORS.length} warps × 2 voices × (script + ${synthetic.cohort[0].lineStarts.length} cohort windows)`]: () =>
    pronunciationMargin(marginFeatures(recordingUtterance), synthetic),
  'pitch (YIN at 8 kHz, both signals)': () => [
    trackPitch(reference, referenceUtterance.activity.speech),
    trackPitch(recording, recordingUtterance.activity.speech),
  ],
});
console.log('stages, median CPU of the same runs:');
for (const [name, step] of Object.entries(steps)) {
  step();
  const cpu = Array.from({ length: RUNS }, () => measure(step).cpuMs);
  console.log(`  ${name.padEnd(56)} ${ms(median(cpu))}`);
}
rmSync(scratch, { recursive: true, force: true });
