import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MusicEngineModule } from '../engines/music/music-engine.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { MusicAccessGuard } from './music-access.guard.js';
import { MusicAnonymousThrottleGuard } from './music-anonymous-throttle.guard.js';
import { MusicTrackEntity } from './music-track.entity.js';
import { MusicController } from './music.controller.js';
import { MusicJob } from './music.job.js';
import { MusicService } from './music.service.js';

/** Seed 004: songs from a genre and lyrics, on a durable queue with a cluster-wide generation limit. */
@Module({
  imports: [TypeOrmModule.forFeature([MusicTrackEntity]), JobsModule, MusicEngineModule],
  controllers: [MusicController],
  providers: [MusicService, MusicJob, MusicAccessGuard, MusicAnonymousThrottleGuard],
})
export class MusicModule {}
