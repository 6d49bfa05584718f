import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { decodeWav } from '../../audio/wav.js';
import { EspeakTextToSpeechEngine } from '../../text-to-speech/espeak/espeak-text-to-speech.engine.js';
import { FEATURE_DIMENSIONS } from './mel-cepstrum.js';
import { parsePhoneModel, PHONE_MODEL_FILE, phoneModel, phonePosteriors, serializePhoneModel } from './phone-posteriors.js';
import { marginCepstra, resampleTo16k } from './synthetic-references.js';
import { listen } from './utterance.js';

describe(phonePosteriors.name, () => {
  const speech = new EspeakTextToSpeechEngine();

  /** A line in an eSpeak voice the model was not trained on (scripts/make-phone-model.mjs leaves out m1), framed by silence. */
  async function heldOutLine(text: string, language: string) {
    const { audio } = await speech.synthesize(text, { language, voice: 'm1' });
    const { samples, sampleRate } = decodeWav(audio);
    const line = resampleTo16k(samples, sampleRate);
    const signal = new Float32Array(16_000 + line.length);
    signal.set(line, 8_000);
    const utterance = listen(signal);
    const { cepstra, from } = marginCepstra(utterance);
    return { posteriors: phonePosteriors(cepstra), from, speech: utterance.activity.speech };
  }

  it('ships a model that reads back as it was written', async () => {
    const bytes = await readFile(PHONE_MODEL_FILE);
    const model = parsePhoneModel(bytes);

    expect(model.classes[0]).toBe('sil');
    expect(model.inputWeights).toHaveLength(model.context.length * FEATURE_DIMENSIONS * model.hidden);
    expect(serializePhoneModel(model).equals(bytes)).toBe(true);
  });

  it.each([
    ['en', 'Where did you put the keys to the car?'],
    ['ko', '차 열쇠를 어디에 두었어요?'],
  ])('gives each frame of a %s line the square roots of a distribution over the phones, scaled alike', async (language, text) => {
    const { posteriors } = await heldOutLine(text, language);
    const classes = phoneModel().classes.length;

    const norms = new Set<number>();
    for (let frame = 0; frame < posteriors.length / classes; frame++) {
      const row = posteriors.subarray(frame * classes, (frame + 1) * classes);
      norms.add(Math.round(Math.hypot(...row) * 1000) / 1000);
      expect(Math.min(...row)).toBeGreaterThanOrEqual(0);
    }
    expect(norms.size).toBe(1);
  });

  it("hears speech in a voice it was not trained on as phones, and the silence around it as silence", async () => {
    const { posteriors, from, speech: isSpeech } = await heldOutLine('We will meet again when the war is over.', 'en');
    const { classes } = phoneModel();
    const likeliest = (frame: number) => {
      const row = posteriors.subarray(frame * classes.length, (frame + 1) * classes.length);
      return classes[row.indexOf(Math.max(...row))];
    };

    let speechFrames = 0;
    let heardAsPhones = 0;
    let silentFrames = 0;
    let heardAsSilence = 0;
    for (let frame = 0; frame < posteriors.length / classes.length; frame++) {
      const original = from + frame;
      if (original >= 0 && isSpeech[original]) {
        speechFrames++;
        if (likeliest(frame) !== 'sil') heardAsPhones++;
      } else {
        silentFrames++;
        if (likeliest(frame) === 'sil') heardAsSilence++;
      }
    }
    expect(heardAsPhones / speechFrames).toBeGreaterThan(0.8);
    expect(heardAsSilence / silentFrames).toBeGreaterThan(0.8);
  });
});
