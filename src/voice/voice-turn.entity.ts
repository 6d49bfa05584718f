import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';

export type VoiceStep = 'atot' | 'ttot' | 'tts';
export type VoiceStepStatus = 'pending' | 'ok' | 'failed';

export interface VoiceStepError {
  step: VoiceStep;
  code: string;
  message: string;
}

/**
 * One turn of a user's voice conversation (their turns in order are the conversation): what they said or typed,
 * the recognised text, the reply, the reply's audio, and per step its status, engine and latency.
 */
@Entity('voice_turns')
@Index('idx_voice_turns_owner', ['ownerId', 'createdAt'])
export class VoiceTurnEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  ownerId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  owner?: Relation<UserEntity>;

  /** Object key of the uploaded audio; null when the turn started from text. */
  @Column('varchar', { length: 1024, nullable: true })
  inputKey: string | null;

  @Column('varchar', { length: 255, nullable: true })
  inputContentType: string | null;

  /** The typed text, when the turn skipped recognition. */
  @Column('text', { nullable: true })
  inputText: string | null;

  @Column('text', { nullable: true })
  atotText: string | null;

  @Column('text', { nullable: true })
  ttotText: string | null;

  /** Object key of the synthesised reply (WAV); null until synthesised, or when synthesis failed. */
  @Column('varchar', { length: 1024, nullable: true })
  outputKey: string | null;

  @Column('jsonb')
  steps: Record<VoiceStep, VoiceStepStatus>;

  @Column('jsonb')
  errors: VoiceStepError[];

  @Column('jsonb')
  latencyMs: Partial<Record<VoiceStep, number>>;

  @Column('jsonb')
  engines: Partial<Record<VoiceStep, string>>;

  /** Every step has run (or failed): the turn is no longer the user's open turn. */
  @Column('boolean', { default: false })
  closed: boolean;

  /** The job of a streamed turn (POST /voice/turns); null for the step and full-pipeline routes. */
  @Column('uuid', { nullable: true })
  jobId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
