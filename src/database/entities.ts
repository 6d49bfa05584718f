import { OAuthStateEntity } from '../auth/oauth-state.entity.js';
import { RefreshTokenEntity } from '../auth/refresh-token.entity.js';
import { JobEventEntity } from '../jobs/job-event.entity.js';
import { JobEntity } from '../jobs/job.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** Every entity of the service: the data source, the migration CLI and the drift test read this list. */
export const ENTITIES = [JobEntity, JobEventEntity, UserEntity, RefreshTokenEntity, OAuthStateEntity];
