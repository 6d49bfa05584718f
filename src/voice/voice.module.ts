import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SpeechToTextModule } from '../engines/speech-to-text/speech-to-text.module.js';
import { TextGenerationModule } from '../engines/text-generation/text-generation.module.js';
import { ReplySpeechModule } from '../engines/text-to-speech/reply-speech.engine.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { VoiceTurnEntity } from './voice-turn.entity.js';
import { VoiceTurnJob } from './voice-turn.job.js';
import { VoiceController } from './voice.controller.js';
import { VoiceService } from './voice.service.js';

/** Seed 000: voice chat per user — speech → text → reply → speech, step by step, at once, or streamed. */
@Module({
  imports: [TypeOrmModule.forFeature([VoiceTurnEntity]), JobsModule, SpeechToTextModule, TextGenerationModule, ReplySpeechModule],
  controllers: [VoiceController],
  providers: [VoiceService, VoiceTurnJob],
})
export class VoiceModule {}
