import { JobEventEntity } from '../jobs/job-event.entity.js';
import { JobEntity } from '../jobs/job.entity.js';

/** Every entity of the service: the data source, the migration CLI and the drift test read this list. */
export const ENTITIES = [JobEntity, JobEventEntity];
