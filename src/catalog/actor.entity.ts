import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** An actor whose lines are dubbed; found by name or by any alias (other spellings, the name in Korean). */
@Entity('actors')
export class ActorEntity {
  @PrimaryGeneratedColumn('identity')
  id: number;

  @Index('uq_actors_name', { unique: true })
  @Column('varchar', { length: 200 })
  name: string;

  @Column('text', { array: true, default: () => "'{}'" })
  aliases: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
