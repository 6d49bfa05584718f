import { EspeakTextToSpeechEngine } from '../../src/engines/text-to-speech/espeak/espeak-text-to-speech.engine.js';
import type { SynthesisOptions } from '../../src/engines/text-to-speech/text-to-speech.engine.js';

/** The real eSpeak engine, counting what it is asked to say. */
export class CountingEspeak extends EspeakTextToSpeechEngine {
  said: Array<{ text: string; voice?: string }> = [];
  override synthesize(text: string, options: SynthesisOptions) {
    this.said.push({ text, voice: options.voice });
    return super.synthesize(text, options);
  }
}
