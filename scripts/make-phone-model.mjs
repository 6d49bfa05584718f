// Trains the built-in analyzer's phone model (src/engines/speech-analysis/builtin/phone-posteriors.ts) and writes it
// to assets/phone-model.bin. eSpeak NG says the lines of scripts/phone-model-lines.json and the cohort lines in each
// voice below, at several rates, and reports when each phoneme starts; each 10 ms frame is labelled with its phoneme
// (stress and length marks dropped; frames outside speech are silence), and a network with one hidden layer learns the
// label from the frame's cepstra and its neighbours'. Two voices are held out to report frame accuracy on voices it
// never heard. About 2 minutes of synthesis and 4 of training on 2 cores. The training draws its samples with a fixed
// seed, but the corpus is not bit-for-bit the same from run to run (two runs here differed by 3 of 2.4 million
// frames; single voices synthesised alone were identical), so a new run makes a slightly different model: run the dev evaluation
// (npm run bench:analyzer-quality) after it. Then bump FORMAT in synthetic-reference-library.ts and run
// npm run make:analysis-references (the cohorts are stored as the model's features).
// Run: npm run make:phone-model
import { readFileSync, writeFileSync } from 'node:fs';
import initialize from '@echogarden/espeak-ng-emscripten';
import { COHORT_LINES } from '../dist/src/engines/speech-analysis/builtin/cohort-lines.js';
import { FEATURE_DIMENSIONS } from '../dist/src/engines/speech-analysis/builtin/mel-cepstrum.js';
import { PHONE_MODEL_FILE, serializePhoneModel } from '../dist/src/engines/speech-analysis/builtin/phone-posteriors.js';
import { marginCepstra, resampleTo16k } from '../dist/src/engines/speech-analysis/builtin/synthetic-references.js';
import { listen } from '../dist/src/engines/speech-analysis/builtin/utterance.js';

const LINES = JSON.parse(readFileSync(new URL('./phone-model-lines.json', import.meta.url), 'utf8'));
/**
 * eSpeak NG variants, in code-point order (the order they are trained in). None speaks a take of bench/analyzer-dev
 * (m1, m3, f2, f3, f5). m2 and f4 are the analyzer's reference voices.
 */
const VOICES = [
  'Alex', 'Alicia', 'Andy', 'Annie', 'Denis', 'Gene', 'Lee', 'Michael', 'Storm', 'adam', 'anika', 'aunty', 'belinda',
  'benjamin', 'boris', 'caleb', 'croak', 'david', 'edward', 'f1', 'f4', 'grandma', 'grandpa', 'ian', 'john', 'klatt',
  'klatt2', 'klatt3', 'klatt4', 'linda', 'm2', 'm4', 'm5', 'm6', 'm7', 'm8', 'max', 'norbert', 'paul', 'quincy', 'rob',
  'steph', 'travis', 'victor', 'zac',
];
const HELD_OUT = ['zac', 'victor'];
/** Vocal-tract-length warps each training utterance is also read with (klatt voices and held-out voices: only 1). */
const WARPS = [0.88, 1, 1.12];
const ESPEAK_VOICE = { en: 'en-us', ko: 'ko' };
/** A phoneme seen fewer times than this over the corpus joins the class of its first (or last) character. */
const MIN_PHONEME_COUNT = 60;
const CONTEXT = [-6, -4, -2, 0, 2, 4, 6];
const HIDDEN = 160;
const EPOCHS = 5;
const SAMPLES_PER_EPOCH = 300_000;
const BATCH = 128;
const LEARNING_RATE = 0.001;

// 1. The corpus: every line in every voice, with eSpeak's phoneme events.
const espeak = await initialize();
const worker = new espeak.eSpeakNGWorker();
const utterances = [];
let started = performance.now();
for (const voice of VOICES) {
  for (const language of ['en', 'ko']) {
    if (worker.set_voice(`${ESPEAK_VOICE[language]}+${voice}`) !== 0) throw new Error(`eSpeak NG has no voice ${voice}`);
    for (const [index, line] of [...LINES[language], ...COHORT_LINES[language]].entries()) {
      worker.set_rate(140 + ((index * 37) % 80));
      worker.set_range(50);
      const chunks = [];
      const events = [];
      worker.synthesize(line, (samples, chunkEvents) => {
        chunks.push(samples.slice());
        events.push(...chunkEvents);
        return false;
      });
      const pcm = new Int16Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
      let offset = 0;
      for (const chunk of chunks) {
        pcm.set(chunk, offset);
        offset += chunk.length;
      }
      const audio = resampleTo16k(pcm, worker.get_samplerate());
      const phonemes = events.filter((event) => event.type === 'phoneme').map((event) => [String(event.id), event.audio_position]);
      const end = events.find((event) => event.type === 'end')?.audio_position ?? audio.length / 16;
      const utterance = listen(audio);
      const warps = voice.startsWith('klatt') || HELD_OUT.includes(voice) ? [1] : WARPS;
      utterances.push({
        voice,
        phonemes,
        end,
        speech: utterance.activity.speech,
        readings: HELD_OUT.includes(voice) ? [marginCepstra(utterance, 1)] : warps.map((warp) => marginCepstra(utterance, warp)),
      });
    }
  }
}
console.log(`corpus: ${utterances.length} utterances in ${VOICES.length} voices, ${((performance.now() - started) / 1000).toFixed(0)} s`);

// 2. Classes and frame labels.
const clean = (phoneme) => phoneme.replace(/[ˈˌː-]/g, '');
const counts = new Map();
for (const { phonemes } of utterances) {
  for (const [phoneme] of phonemes) {
    const name = clean(phoneme);
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
}
const classes = ['sil'];
const classOf = new Map();
for (const [name, count] of [...counts].sort((a, b) => b[1] - a[1])) {
  if (count < MIN_PHONEME_COUNT) continue;
  classOf.set(name, classes.length);
  classes.push(name);
}
for (const [name] of counts) if (!classOf.has(name)) classOf.set(name, classOf.get(name[0]) ?? classOf.get(name.slice(-1)) ?? 0);
const train = [];
const test = [];
for (const { voice, phonemes, end, speech, readings } of utterances) {
  for (const { cepstra, from } of readings) {
    const frames = cepstra.length / FEATURE_DIMENSIONS;
    const labels = new Int16Array(frames);
    let current = 0;
    for (let frame = 0; frame < frames; frame++) {
      const original = from + frame;
      const ms = original * 10 + 12;
      while (current + 1 < phonemes.length && phonemes[current + 1][1] <= ms) current++;
      const inSpeech = original >= 0 && original < speech.length && speech[original];
      const spoken = phonemes[current] && phonemes[current][1] <= ms && ms < end;
      labels[frame] = inSpeech && spoken ? (classOf.get(clean(phonemes[current][0])) ?? 0) : 0;
    }
    (HELD_OUT.includes(voice) ? test : train).push({ cepstra, labels, frames });
  }
}
const frameIndex = (set) => set.flatMap((entry, index) => Array.from({ length: entry.frames }, (_, frame) => [index, frame]));
const trainFrames = frameIndex(train);
const testFrames = frameIndex(test);
console.log(`${classes.length} classes: ${classes.join(' ')}; ${trainFrames.length} training frames, ${testFrames.length} held out`);

// 3. Training: softmax cross-entropy, Adam, minibatches drawn at random (a fixed-seed generator).
const INPUTS = FEATURE_DIMENSIONS * CONTEXT.length;
const C = classes.length;
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const gaussian = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
const inputWeights = Float32Array.from({ length: INPUTS * HIDDEN }, () => gaussian() * Math.sqrt(2 / INPUTS));
const hiddenBias = new Float32Array(HIDDEN);
const outputWeights = Float32Array.from({ length: HIDDEN * C }, () => gaussian() * Math.sqrt(1 / HIDDEN));
const outputBias = new Float32Array(C);
const parameters = [inputWeights, hiddenBias, outputWeights, outputBias];
const firstMoments = parameters.map((parameter) => new Float32Array(parameter.length));
const secondMoments = parameters.map((parameter) => new Float32Array(parameter.length));
const gradients = parameters.map((parameter) => new Float32Array(parameter.length));
const input = new Float32Array(INPUTS);
const hidden = new Float32Array(HIDDEN);
const output = new Float32Array(C);
const hiddenGradient = new Float32Array(HIDDEN);

function read(set, [index, frame]) {
  const { cepstra, frames } = set[index];
  for (const [slot, offset] of CONTEXT.entries()) {
    const at = Math.min(frames - 1, Math.max(0, frame + offset));
    for (let dimension = 0; dimension < FEATURE_DIMENSIONS; dimension++) {
      input[slot * FEATURE_DIMENSIONS + dimension] = cepstra[at * FEATURE_DIMENSIONS + dimension];
    }
  }
}
function forward() {
  for (let unit = 0; unit < HIDDEN; unit++) {
    let sum = hiddenBias[unit];
    for (let row = 0; row < INPUTS; row++) sum += input[row] * inputWeights[row * HIDDEN + unit];
    hidden[unit] = sum > 0 ? sum : 0;
  }
  let highest = -Infinity;
  for (let phone = 0; phone < C; phone++) {
    let sum = outputBias[phone];
    for (let unit = 0; unit < HIDDEN; unit++) sum += hidden[unit] * outputWeights[unit * C + phone];
    output[phone] = sum;
    if (sum > highest) highest = sum;
  }
  let total = 0;
  for (let phone = 0; phone < C; phone++) {
    output[phone] = Math.exp(output[phone] - highest);
    total += output[phone];
  }
  for (let phone = 0; phone < C; phone++) output[phone] /= total;
}

started = performance.now();
let step = 0;
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  let loss = 0;
  for (let sample = 0; sample < SAMPLES_PER_EPOCH; sample += BATCH) {
    for (const gradient of gradients) gradient.fill(0);
    for (let item = 0; item < BATCH; item++) {
      const at = trainFrames[Math.floor(random() * trainFrames.length)];
      read(train, at);
      forward();
      const label = train[at[0]].labels[at[1]];
      loss -= Math.log(output[label] + 1e-9);
      output[label] -= 1;
      hiddenGradient.fill(0);
      for (let unit = 0; unit < HIDDEN; unit++) {
        if (hidden[unit] === 0) continue;
        for (let phone = 0; phone < C; phone++) {
          gradients[2][unit * C + phone] += hidden[unit] * output[phone];
          hiddenGradient[unit] += outputWeights[unit * C + phone] * output[phone];
        }
      }
      for (let phone = 0; phone < C; phone++) gradients[3][phone] += output[phone];
      for (let unit = 0; unit < HIDDEN; unit++) {
        if (hidden[unit] === 0) continue;
        gradients[1][unit] += hiddenGradient[unit];
        for (let row = 0; row < INPUTS; row++) gradients[0][row * HIDDEN + unit] += input[row] * hiddenGradient[unit];
      }
    }
    step++;
    const rate = LEARNING_RATE * (epoch === EPOCHS - 1 ? 0.3 : 1);
    for (const [index, parameter] of parameters.entries()) {
      const [gradient, first, second] = [gradients[index], firstMoments[index], secondMoments[index]];
      for (let at = 0; at < parameter.length; at++) {
        const value = gradient[at] / BATCH;
        first[at] = 0.9 * first[at] + 0.1 * value;
        second[at] = 0.999 * second[at] + 0.001 * value * value;
        parameter[at] -= (rate * (first[at] / (1 - 0.9 ** step))) / (Math.sqrt(second[at] / (1 - 0.999 ** step)) + 1e-8);
      }
    }
  }
  let right = 0;
  const checked = Math.min(20_000, testFrames.length);
  for (let sample = 0; sample < checked; sample++) {
    const at = testFrames[Math.floor(random() * testFrames.length)];
    read(test, at);
    forward();
    let best = 0;
    for (let phone = 1; phone < C; phone++) if (output[phone] > output[best]) best = phone;
    if (best === test[at[0]].labels[at[1]]) right++;
  }
  console.log(
    `epoch ${epoch + 1}: loss ${(loss / SAMPLES_PER_EPOCH).toFixed(3)}, frame accuracy on the held-out voices ${(right / checked).toFixed(3)}` +
      ` (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
}

writeFileSync(PHONE_MODEL_FILE, serializePhoneModel({ context: CONTEXT, classes, hidden: HIDDEN, inputWeights, hiddenBias, outputWeights, outputBias }));
console.log(`wrote ${PHONE_MODEL_FILE}`);
