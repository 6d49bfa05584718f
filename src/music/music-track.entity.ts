import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { JobEntity } from '../jobs/job.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** One generated song, written in the transaction that completes its job; its MP3 is in storage at `audioKey`. */
@Entity('music_tracks')
@Index('idx_music_tracks_owner', ['ownerId', 'createdAt'])
export class MusicTrackEntity {
  @PrimaryGeneratedColumn('identity')
  id: number;

  @Index('uq_music_tracks_job', { unique: true })
  @Column('uuid')
  jobId: string;

  @ManyToOne(() => JobEntity, { onDelete: 'CASCADE' })
  job?: Relation<JobEntity>;

  /** Null for an anonymous caller's track (MUSIC_ALLOW_ANONYMOUS). */
  @Column('uuid', { nullable: true })
  ownerId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  owner?: Relation<UserEntity>;

  /** Object key of the MP3. */
  @Column('varchar', { length: 1024 })
  audioKey: string;

  @Column('bigint', { transformer: { to: (value: number) => value, from: (value: string) => Number(value) } })
  bytes: number;

  /** Seconds. */
  @Column('double precision')
  durationSeconds: number;

  /** {name, version, model?} of the engine that made it. */
  @Column('jsonb')
  engine: { name: string; version: string; model?: string };

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
