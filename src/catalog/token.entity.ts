import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { ActorEntity } from './actor.entity.js';
import { ScriptEntity } from './script.entity.js';
import { SourceUrlEntity } from './source-url.entity.js';

/**
 * One dubbable line: a clip of a film or drama with its actor, where it sits in the source video, its audio
 * in object storage, and its sentences. Times here are seconds in the source video; the times of its scripts
 * and words are seconds from the start of the clip.
 */
@Entity('tokens')
@Index('idx_tokens_title_trgm', { synchronize: false })
@Check('chk_tokens_times', '"start_time" >= 0 AND "end_time" > "start_time"')
@Index('idx_tokens_actor', ['actorId'])
export class TokenEntity {
  @PrimaryGeneratedColumn('identity')
  id: number;

  /** The film or drama. */
  @Column('varchar', { length: 300 })
  title: string;

  @Column('integer')
  actorId: number;

  @ManyToOne(() => ActorEntity, { onDelete: 'RESTRICT' })
  actor?: Relation<ActorEntity>;

  @Column('integer', { nullable: true })
  urlId: number | null;

  @ManyToOne(() => SourceUrlEntity, { onDelete: 'SET NULL' })
  url?: Relation<SourceUrlEntity> | null;

  @Column('double precision')
  startTime: number;

  @Column('double precision')
  endTime: number;

  /** BCP 47 language of the line, e.g. `ko`, `en`. */
  @Column('varchar', { length: 16 })
  language: string;

  @Column('text', { array: true, default: () => "'{}'" })
  tags: string[];

  /** Object key of the clip's audio; null until uploaded. */
  @Column('varchar', { length: 1024, nullable: true })
  audioKey: string | null;

  @Column('varchar', { length: 100, nullable: true })
  audioContentType: string | null;

  @OneToMany(() => ScriptEntity, (script) => script.token)
  scripts?: Relation<ScriptEntity[]>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
