// CPU time of the built-in dubbing analysis (analyzeDubbing) for a 10 s clip against a copy of itself delayed by
// 300 ms, with the script's synthetic references cached (goal: under 0.5 s), median of several runs; decoding is
// not counted. Then the first analysis of a script, references not yet made (synthesis of the script and the
// cohort, eSpeak's start included; goal: under 2 s), and the cost of each stage.
// Run: npx nest build && node bench/analysis-cpu.mjs
import { decodeAudio } from '../dist/src/engines/audio/decode-audio.js';
import { alignUtterances, listen, WARP_FACTORS } from '../dist/src/engines/speech-analysis/builtin/utterance.js';
import { actorMargin, analyzeDubbing, prepareReference } from '../dist/src/engines/speech-analysis/builtin/dubbing-analyzer.js';
import { trackPitch } from '../dist/src/engines/speech-analysis/builtin/pitch.js';
import { EspeakTextToSpeechEngine } from '../dist/src/engines/text-to-speech/espeak/espeak-text-to-speech.engine.js';
import { SyntheticReferenceLibrary } from '../dist/src/engines/speech-analysis/builtin/synthetic-reference-library.js';
import { MARGIN_WARP_FACTORS, marginFeatures, pronunciationMargin } from '../dist/src/engines/speech-analysis/builtin/synthetic-references.js';
import { LocalObjectStorage } from '../dist/src/storage/local-object-storage.js';
import { UrlSigner } from '../dist/src/storage/url-signer.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const SAMPLE_RATE = 16_000;
const TEXT =
  'The quick brown fox jumps over the lazy dog near the river bank. ' +
  'I never thought I would see you again after all these years. ' +
  'Please remember to close the window before you leave the house tonight.';

// The first analysis of a script: its references are synthesized and stored. The language's cohort is made once
// per deployment (then read from storage); it is measured apart, eSpeak's start included.
const scratch = mkdtempSync(join(tmpdir(), 'bench-analysis-'));
const storage = new LocalObjectStorage(scratch, new UrlSigner('bench-secret-bench-secret-bench'), 'http://localhost', 900);
const speech = new EspeakTextToSpeechEngine();
const cpuMs = (since) => {
  const cpu = process.cpuUsage(since);
  return (cpu.user + cpu.system) / 1000;
};
const library = new SyntheticReferenceLibrary(speech, storage);
let started = process.cpuUsage();
await library.referencesFor('en', ['Good morning.']);
const cohortCpuMs = cpuMs(started);
started = process.cpuUsage();
const synthetic = await library.referencesFor('en', [TEXT]);
const referencesCpuMs = cpuMs(started);
// The next process: references read back from storage.
started = process.cpuUsage();
await new SyntheticReferenceLibrary(speech, storage).referencesFor('en', [TEXT]);
const readCpuMs = cpuMs(started);

const synthesis = await speech.synthesize(TEXT, { language: 'en' });
const reference = await decodeAudio(synthesis.audio);
const recording = new Float32Array(reference.length + 0.3 * SAMPLE_RATE);
recording.set(reference, 0.3 * SAMPLE_RATE);
const words = synthesis.words.map((word, index) => ({ scriptWordId: index + 1, ...word }));
// The first analysis of a token also measures its clip against the references (kept in memory after).
const input = { reference, recording, sampleRate: SAMPLE_RATE, words, synthetic };

/** CPU (user + system, every thread of the process) and wall milliseconds of one call. */
function measure(job) {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = job();
  const cpu = process.cpuUsage(cpuBefore);
  return { result, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - wallBefore };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => `${value.toFixed(1)} ms`.padStart(10);

const first = measure(() => analyzeDubbing(input));
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
console.log('first analysis of a script (its references not yet made):');
console.log(`  the script in 2 voices: CPU ${ms(referencesCpuMs)}; the analysis itself (cold JIT, the clip's margin included): CPU ${ms(first.cpuMs)}; total ${ms(referencesCpuMs + first.cpuMs)} in a fresh process`);
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
console.log(`  once per deployment and language: eSpeak's start and the cohort (${synthetic.cohort[0].lineStarts.length} lines × 2 voices), CPU ${ms(cohortCpuMs)}`);
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
