import { Check, Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';
import type { JobError, JobStatus } from './job-status.js';

export { JOB_STATUSES, TERMINAL_STATUSES, type JobError, type JobStatus } from './job-status.js';

/** One unit of long-running work (an analysis, a transcript, a track) and everything a client may ask of it. */
@Entity('jobs')
@Check('chk_jobs_status', `"status" IN ('queued', 'processing', 'completed', 'failed', 'canceled')`)
@Check('chk_jobs_progress', '"progress" BETWEEN 0 AND 100')
@Index('idx_jobs_owner_created', ['ownerId', 'createdAt'])
@Index('idx_jobs_type_status', ['type', 'status'])
export class JobEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('varchar', { length: 64 })
  type: string;

  @Column('varchar', { length: 16, default: 'queued' })
  status: JobStatus;

  @Column('smallint', { default: 0 })
  progress: number;

  @Column('varchar', { length: 64, nullable: true })
  stage: string | null;

  @Column('text', { nullable: true })
  message: string | null;

  @Column('jsonb', { default: {} })
  payload: Record<string, any>;

  @Column('jsonb', { nullable: true })
  result: Record<string, any> | null;

  @Column('jsonb', { nullable: true })
  error: JobError | null;

  /** The user the job belongs to; null for anonymous work (e.g. a video uploaded without signing in). */
  @Column('uuid', { nullable: true })
  ownerId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  owner?: Relation<UserEntity>;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('integer')
  maxAttempts: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;

  /** Renewed by the process running the job; a stale heartbeat means that process died. */
  @Column('timestamptz', { nullable: true })
  heartbeatAt: Date | null;

  /** When the current attempt must be over, including time spent waiting for a remote engine's callback. */
  @Column('timestamptz', { nullable: true })
  deadlineAt: Date | null;
}
