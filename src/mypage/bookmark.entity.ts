import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { TokenEntity } from '../catalog/token.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** A token a user saved for later; at most one per user and token. */
@Entity('bookmarks')
@Index('uq_bookmarks_user_token', ['userId', 'tokenId'], { unique: true })
export class BookmarkEntity {
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

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
