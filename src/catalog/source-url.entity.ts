import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A source video (YouTube) that tokens are cut from. */
@Entity('urls')
export class SourceUrlEntity {
  @PrimaryGeneratedColumn('identity')
  id: number;

  @Index('uq_urls_url', { unique: true })
  @Column('varchar', { length: 2048 })
  url: string;

  /** The 11-character video id when the URL is a YouTube URL. */
  @Column('varchar', { length: 11, nullable: true })
  youtubeId: string | null;

  @Column('varchar', { length: 300, nullable: true })
  title: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
