import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SpeechToTextModule } from '../engines/speech-to-text/speech-to-text.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { VideoAnonymousThrottleGuard } from './video-anonymous-throttle.guard.js';
import { TranscriptEntity } from './transcript.entity.js';
import { VideoCallbackController } from './video-callback.controller.js';
import { VideoController } from './video.controller.js';
import { VideoJob } from './video.job.js';
import { VideoService } from './video.service.js';

/** Seed 003: presigned video upload, transcripts by a speech-to-text engine, progress, subtitles. */
@Module({
  imports: [TypeOrmModule.forFeature([TranscriptEntity]), JobsModule, SpeechToTextModule, WebhooksModule],
  // The callback first: POST result must not be taken for anything else.
  controllers: [VideoCallbackController, VideoController],
  providers: [VideoService, VideoJob, VideoAnonymousThrottleGuard],
  exports: [SpeechToTextModule],
})
export class VideoModule {}
