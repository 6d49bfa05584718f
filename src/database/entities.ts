import { AnalysisResultEntity } from '../analysis/analysis-result.entity.js';
import { OAuthStateEntity } from '../auth/oauth-state.entity.js';
import { RefreshTokenEntity } from '../auth/refresh-token.entity.js';
import { ActorEntity } from '../catalog/actor.entity.js';
import { ScriptWordEntity } from '../catalog/script-word.entity.js';
import { ScriptEntity } from '../catalog/script.entity.js';
import { SourceUrlEntity } from '../catalog/source-url.entity.js';
import { TokenEntity } from '../catalog/token.entity.js';
import { JobEventEntity } from '../jobs/job-event.entity.js';
import { JobEntity } from '../jobs/job.entity.js';
import { MusicTrackEntity } from '../music/music-track.entity.js';
import { BookmarkEntity } from '../mypage/bookmark.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { TranscriptEntity } from '../video/transcript.entity.js';
import { VoiceTurnEntity } from '../voice/voice-turn.entity.js';
import { WebhookDeliveryEntity } from '../webhooks/webhook-delivery.entity.js';

/** Every entity of the service: the data source, the migration CLI and the drift test read this list. */
export const ENTITIES = [
  JobEntity,
  JobEventEntity,
  UserEntity,
  RefreshTokenEntity,
  OAuthStateEntity,
  ActorEntity,
  SourceUrlEntity,
  TokenEntity,
  ScriptEntity,
  ScriptWordEntity,
  BookmarkEntity,
  AnalysisResultEntity,
  WebhookDeliveryEntity,
  TranscriptEntity,
  VoiceTurnEntity,
  MusicTrackEntity,
];
