import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { UserEntity } from './user.entity.js';

/** A user as other modules see one. */
export type User = UserEntity;
export type { UserRole } from './user-role.js';
export { USER_ROLES } from './user-role.js';

export interface VerifiedIdentity {
  /** Google's subject; absent for the development login. */
  googleSub?: string;
  email: string;
  name?: string | null;
  picture?: string | null;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly config: AppConfig,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** The user, read in the caller's transaction and kept from being deleted until it commits (FOR KEY SHARE). */
  findKeptInTransaction(manager: EntityManager, id: string): Promise<UserEntity | null> {
    return manager.getRepository(UserEntity).findOne({ where: { id }, lock: { mode: 'for_key_share' } });
  }

  /**
   * The user behind a verified identity, created on first sign-in and refreshed on every later one: matched by
   * Google subject, else by (verified) e-mail, so a second sign-in never makes a second user. ADMIN_EMAILS
   * promotes; it never demotes an admin made some other way.
   */
  async signIn(identity: VerifiedIdentity): Promise<UserEntity> {
    try {
      return await this.upsert(identity);
    } catch (error) {
      // Two first sign-ins of one person at once: the loser finds the winner's row on the second try.
      if ((error as { driverError?: { code?: string } }).driverError?.code !== '23505') throw error;
      return this.upsert(identity);
    }
  }

  private async upsert(identity: VerifiedIdentity): Promise<UserEntity> {
    const email = identity.email.trim().toLowerCase();
    const existing =
      (identity.googleSub ? await this.users.findOneBy({ googleSub: identity.googleSub }) : null) ??
      (await this.users.findOneBy({ email }));
    const user = existing ?? this.users.create({ email, role: 'user' });
    user.email = email;
    if (identity.googleSub) user.googleSub = identity.googleSub;
    if (identity.name !== undefined) user.name = identity.name ?? user.name ?? null;
    if (identity.picture !== undefined) user.picture = identity.picture ?? user.picture ?? null;
    if (this.config.auth.adminEmails.includes(email)) user.role = 'admin';
    user.lastLoginAt = new Date();
    return this.users.save(user);
  }
}
