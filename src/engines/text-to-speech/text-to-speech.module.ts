import { Module } from '@nestjs/common';
import { EspeakTextToSpeechEngine } from './espeak/espeak-text-to-speech.engine.js';
import { TextToSpeechEngine } from './text-to-speech.engine.js';

/** The built-in speech synthesiser (eSpeak NG in WebAssembly): nothing to install, nothing to configure. */
@Module({
  providers: [{ provide: TextToSpeechEngine, useClass: EspeakTextToSpeechEngine }],
  exports: [TextToSpeechEngine],
})
export class TextToSpeechModule {}
