import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { JobEntity } from '../jobs/job.entity.js';
import { UserEntity } from '../users/user.entity.js';
import type { TranscriptSegment } from '../engines/speech-to-text/speech-to-text.engine.js';

/** The transcript of one uploaded video, written in the transaction that completes its job. */
@Entity('transcripts')
@Index('idx_transcripts_owner', ['ownerId', 'createdAt'])
export class TranscriptEntity {
  @PrimaryGeneratedColumn('identity')
  id: number;

  @Index('uq_transcripts_job', { unique: true })
  @Column('uuid')
  jobId: string;

  @ManyToOne(() => JobEntity, { onDelete: 'CASCADE' })
  job?: Relation<JobEntity>;

  /** Null for an anonymous upload. */
  @Column('uuid', { nullable: true })
  ownerId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  owner?: Relation<UserEntity>;

  /** Object key of the uploaded video. */
  @Column('varchar', { length: 1024 })
  sourceKey: string;

  /** ISO 639-1. */
  @Column('varchar', { length: 16 })
  language: string;

  /** Seconds. */
  @Column('double precision')
  duration: number;

  @Column('text')
  text: string;

  @Column('jsonb')
  segments: TranscriptSegment[];

  /** {name, model} of the engine that made it. */
  @Column('jsonb')
  engine: { name: string; model: string };

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
