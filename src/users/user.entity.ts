import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { UserRole } from './user-role.js';

export { USER_ROLES, type UserRole } from './user-role.js';

/** A person who signs in, with Google or (outside production) the development login. */
@Entity('users')
@Check('chk_users_role', `"role" IN ('user', 'admin')`)
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Google's subject identifier; null for development-login users. */
  @Index('uq_users_google_sub', { unique: true })
  @Column('varchar', { length: 255, nullable: true })
  googleSub: string | null;

  /** Stored lower-case. */
  @Index('uq_users_email', { unique: true })
  @Column('varchar', { length: 320 })
  email: string;

  @Column('varchar', { length: 200, nullable: true })
  name: string | null;

  @Column('text', { nullable: true })
  picture: string | null;

  @Column('varchar', { length: 16, default: 'user' })
  role: UserRole;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  lastLoginAt: Date | null;
}
