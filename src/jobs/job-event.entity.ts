import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { JobSnapshot } from './job-snapshot.js';

/**
 * Every change of a job, in order. The durable source behind SSE `id:` / `Last-Event-ID` resume, and what
 * crosses instances: its id travels in a PostgreSQL NOTIFY and every instance reads the row.
 */
@Entity('job_events')
@Index('idx_job_events_job', ['jobId', 'id'])
export class JobEventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column('uuid')
  jobId: string;

  @Column('varchar', { length: 64 })
  jobType: string;

  @Column('uuid', { nullable: true })
  ownerId: string | null;

  @Column('jsonb')
  snapshot: JobSnapshot;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
