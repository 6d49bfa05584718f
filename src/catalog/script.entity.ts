import { Check, Column, Entity, Index, ManyToOne, OneToMany, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { ScriptWordEntity } from './script-word.entity.js';
import { TokenEntity } from './token.entity.js';

/** A sentence of a token, with its time in the clip (seconds from the clip's start). */
@Entity('scripts')
// Trigram index for text search that works for Korean (created by its migration: TypeORM cannot declare gin_trgm_ops).
@Index('idx_scripts_text_trgm', { synchronize: false })
@Index('uq_scripts_token_order', ['tokenId', 'order'], { unique: true })
@Check('chk_scripts_times', '"start_time" >= 0 AND "end_time" > "start_time"')
export class ScriptEntity {
  @PrimaryGeneratedColumn('identity')
  id: number;

  @Column('integer')
  tokenId: number;

  @ManyToOne(() => TokenEntity, (token) => token.scripts, { onDelete: 'CASCADE' })
  token?: Relation<TokenEntity>;

  @Column('integer')
  order: number;

  @Column('text')
  text: string;

  @Column('double precision')
  startTime: number;

  @Column('double precision')
  endTime: number;

  @OneToMany(() => ScriptWordEntity, (word) => word.script)
  words?: Relation<ScriptWordEntity[]>;
}
