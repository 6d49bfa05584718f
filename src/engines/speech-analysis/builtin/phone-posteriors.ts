import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_DIR } from '../../../service-info.js';
import { FEATURE_DIMENSIONS } from './mel-cepstrum.js';

/**
 * A frame classifier over eSpeak NG's phones (English and Korean, stress and length marks dropped, silence one class):
 * one hidden layer of ReLUs reading the frame's cepstra and its neighbours' (`context`), softmax over `classes`.
 * Trained by scripts/make-phone-model.mjs on eSpeak NG's own phoneme timings, in voices and on lines none of which the
 * dev evaluation uses, and shipped in assets/.
 */
export interface PhoneModel {
  /** Frame offsets (10 ms) whose cepstra the network reads, in input order. */
  context: number[];
  classes: string[];
  hidden: number;
  /** (context × FEATURE_DIMENSIONS) × hidden, by input row. */
  inputWeights: Float32Array;
  hiddenBias: Float32Array;
  /** hidden × classes, by hidden row. */
  outputWeights: Float32Array;
  outputBias: Float32Array;
}

export const PHONE_MODEL_FILE = join(PROJECT_DIR, 'assets', 'phone-model.bin');

/**
 * Logits are divided by this before the softmax. A network trained on synthetic voices is sure of itself on voices
 * it never heard, and sharp posteriors make every mismatch cost the same. Measured on bench/analyzer-dev with a first
 * model (five more training lines) and SCALE 5 (Kendall tau of the alsa-utils family, English pairs ordered right):
 * 1 → 0.64, 76/78; 3 → 0.72, 75/78; 5 → 0.71, 74/78.
 */
const TEMPERATURE = 3;
/**
 * Each frame becomes the square roots of its posteriors times this: the Euclidean distance between two frames is then
 * SCALE × √2 × their Hellinger distance, from 0 (the same phones) to 11 (none in common), about the range of cepstral
 * distances the warp's caps were set for (the same line 2-5, another line 9-15). At 5 no cap ever applied, and the
 * alsa-utils family scored tau 0.72 (8: 0.82; the first model, TEMPERATURE 3).
 */
const SCALE = 8;

let shipped: PhoneModel | undefined;

/** The model in assets/, read once. */
export function phoneModel(): PhoneModel {
  shipped ??= parsePhoneModel(readFileSync(PHONE_MODEL_FILE));
  return shipped;
}

/** For every `stride`-th frame from the first, SCALE × the square root of each phone's posterior: row-major. */
export function phonePosteriors(cepstra: Float32Array, stride = 1, model: PhoneModel = phoneModel()): Float32Array {
  const { context, hidden, inputWeights, hiddenBias, outputWeights, outputBias } = model;
  const classes = model.classes.length;
  const frames = cepstra.length / FEATURE_DIMENSIONS;
  const input = new Float32Array(context.length * FEATURE_DIMENSIONS);
  const activation = new Float32Array(hidden);
  const logits = new Float64Array(classes);
  const out = new Float32Array(Math.ceil(frames / stride) * classes);
  for (let frame = 0; frame < frames; frame += stride) {
    for (let slot = 0; slot < context.length; slot++) {
      const at = Math.min(frames - 1, Math.max(0, frame + context[slot]!)) * FEATURE_DIMENSIONS;
      for (let dimension = 0; dimension < FEATURE_DIMENSIONS; dimension++) input[slot * FEATURE_DIMENSIONS + dimension] = cepstra[at + dimension]!;
    }
    activation.set(hiddenBias);
    for (let row = 0; row < input.length; row++) {
      const value = input[row]!;
      for (let unit = 0; unit < hidden; unit++) activation[unit] += value * inputWeights[row * hidden + unit]!;
    }
    logits.set(outputBias);
    for (let unit = 0; unit < hidden; unit++) {
      const value = activation[unit]!;
      if (value <= 0) continue;
      for (let phone = 0; phone < classes; phone++) logits[phone] += value * outputWeights[unit * classes + phone]!;
    }
    let highest = -Infinity;
    for (let phone = 0; phone < classes; phone++) highest = Math.max(highest, logits[phone]! / TEMPERATURE);
    let total = 0;
    for (let phone = 0; phone < classes; phone++) {
      logits[phone] = Math.exp(logits[phone]! / TEMPERATURE - highest);
      total += logits[phone]!;
    }
    const row = (frame / stride) * classes;
    for (let phone = 0; phone < classes; phone++) out[row + phone] = SCALE * Math.sqrt(logits[phone]! / total);
  }
  return out;
}

/** [header length (u32)] [JSON: context, classes, hidden] [float32: input weights, hidden bias, output weights, output bias]. */
export function serializePhoneModel(model: PhoneModel): Buffer {
  const header = Buffer.from(JSON.stringify({ context: model.context, classes: model.classes, hidden: model.hidden }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const arrays = [model.inputWeights, model.hiddenBias, model.outputWeights, model.outputBias];
  return Buffer.concat([length, header, ...arrays.map((array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength))]);
}

export function parsePhoneModel(buffer: Buffer): PhoneModel {
  const headerLength = buffer.readUInt32LE(0);
  const { context, classes, hidden } = JSON.parse(buffer.subarray(4, 4 + headerLength).toString('utf8')) as Pick<PhoneModel, 'context' | 'classes' | 'hidden'>;
  const data = new Float32Array(buffer.buffer.slice(buffer.byteOffset + 4 + headerLength, buffer.byteOffset + buffer.length));
  const inputs = context.length * FEATURE_DIMENSIONS;
  const sizes = [inputs * hidden, hidden, hidden * classes.length, classes.length];
  if (data.length !== sizes.reduce((sum, size) => sum + size, 0)) throw new Error(`${PHONE_MODEL_FILE} does not match its header`);
  let offset = 0;
  const [inputWeights, hiddenBias, outputWeights, outputBias] = sizes.map((size) => data.subarray(offset, (offset += size)));
  return { context, classes, hidden, inputWeights: inputWeights!, hiddenBias: hiddenBias!, outputWeights: outputWeights!, outputBias: outputBias! };
}
