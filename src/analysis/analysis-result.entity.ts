import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { TokenEntity } from '../catalog/token.entity.js';
import { JobEntity } from '../jobs/job.entity.js';
import { UserEntity } from '../users/user.entity.js';

/**
 * One recording of a token by a user and, once its job completed, how it scored. Created with the job at
 * upload; the scores are written in the transaction that completes the job.
 */
@Entity('analysis_results')
@Index('idx_analysis_results_user_token', ['userId', 'tokenId', 'createdAt'])
export class AnalysisResultEntity {
  @PrimaryGeneratedColumn('identity')
  id: number;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  user?: Relation<UserEntity>;

  @Column('integer')
  tokenId: number;

  @ManyToOne(() => TokenEntity, { onDelete: 'CASCADE' })
  token?: Relation<TokenEntity>;

  @Index('uq_analysis_results_job', { unique: true })
  @Column('uuid')
  jobId: string;

  @ManyToOne(() => JobEntity, { onDelete: 'CASCADE' })
  job?: Relation<JobEntity>;

  /** Object key of the user's recording. */
  @Column('varchar', { length: 1024 })
  recordingKey: string;

  @Column('smallint', { nullable: true })
  overall: number | null;

  @Column('smallint', { nullable: true })
  timing: number | null;

  @Column('smallint', { nullable: true })
  pronunciation: number | null;

  @Column('smallint', { nullable: true })
  intonation: number | null;

  @Column('smallint', { nullable: true })
  fluency: number | null;

  @Column('smallint', { nullable: true })
  completeness: number | null;

  /** The engine's full result. */
  @Column('jsonb', { nullable: true })
  result: Record<string, any> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;
}
