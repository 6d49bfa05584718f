import { Check, Column, Entity, Index, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { ScriptEntity } from './script.entity.js';

/** A word of a script, with its time in the clip (seconds from the clip's start) and the recogniser's confidence. */
@Entity('script_words')
@Index('uq_script_words_script_order', ['scriptId', 'order'], { unique: true })
@Check('chk_script_words_times', '"start_time" >= 0 AND "end_time" >= "start_time"')
export class ScriptWordEntity {
  @PrimaryGeneratedColumn('identity')
  id: number;

  @Column('integer')
  scriptId: number;

  @ManyToOne(() => ScriptEntity, (script) => script.words, { onDelete: 'CASCADE' })
  script?: Relation<ScriptEntity>;

  @Column('integer')
  order: number;

  @Column('varchar', { length: 200 })
  word: string;

  @Column('double precision')
  startTime: number;

  @Column('double precision')
  endTime: number;

  @Column('real', { nullable: true })
  probability: number | null;
}
