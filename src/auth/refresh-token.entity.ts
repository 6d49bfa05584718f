import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';

/**
 * One refresh token, stored as its SHA-256 only. Tokens rotate on every use; all tokens descended from one
 * sign-in share a family, and presenting a token that was already rotated revokes the whole family.
 */
@Entity('refresh_tokens')
@Index('idx_refresh_tokens_family', ['familyId'])
export class RefreshTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_refresh_tokens_hash', { unique: true })
  @Column('char', { length: 64 })
  tokenHash: string;

  @Column('uuid')
  familyId: string;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  user?: Relation<UserEntity>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;

  /** Set when this token was exchanged for the next one. */
  @Column('timestamptz', { nullable: true })
  rotatedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;
}
