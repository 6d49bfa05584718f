import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { isUUID } from 'class-validator';
import { USER_ROLES, UsersService, type User, type UserRole } from '../users/users.service.js';
import { AuthenticationError } from './auth-errors.js';
import type { AuthenticatedUser } from './current-user.decorator.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';

const ACCESS_AUDIENCE = 'yousync-api';
const STREAM_AUDIENCE = 'yousync-sse';

interface AccessClaims {
  sub: string;
  email: string;
  role: AuthenticatedUser['role'];
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** The first key of the (int4, int4) advisory locks taken on refresh-token families; the second is the family's hash. */
const REFRESH_FAMILY_LOCK = 0x52_46_41_4d; // "RFAM"

/** Serializes, until the transaction ends, everything that rotates or revokes tokens of one family. */
const lockFamily = (manager: EntityManager, familyId: string) =>
  manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [REFRESH_FAMILY_LOCK, familyId]);

const revokeFamily = (manager: EntityManager, familyId: string) =>
  manager.getRepository(RefreshTokenEntity).update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });

/** Access tokens (short JWTs), stream tokens (for EventSource) and rotating refresh tokens. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
  ) {}

  /** A new session: an access token and the first refresh token of a new family. */
  async issue(user: User): Promise<IssuedTokens> {
    const refreshToken = await this.insertRefreshToken(this.dataSource.manager, user.id, randomUUID());
    return this.tokensFor(user, refreshToken);
  }

  /**
   * Exchanges a refresh token for a new pair. A token that was already exchanged is proof that it leaked (or
   * was replayed): the whole family is revoked, so the thief's and the owner's newer tokens all stop working.
   *
   * One transaction, serialized per family: the family's advisory lock, then the presented row FOR UPDATE, the
   * rotation and the new row's insert all commit together. A concurrent presentation of the same token waits
   * for that commit, then reads the token as rotated, and its family-wide UPDATE (a new statement, so under
   * READ COMMITTED a new snapshot) sees and revokes the new row too. The family lock (rather than the row lock
   * alone) also covers a revocation racing with the rotation of a newer token of the family, whose new row
   * would otherwise be missing from the revoking statement's snapshot.
   */
  async rotate(refreshToken: string): Promise<IssuedTokens> {
    const tokenHash = hash(refreshToken);
    const outcome = await this.dataSource.transaction('READ COMMITTED', async (manager) => {
      const tokens = manager.getRepository(RefreshTokenEntity);
      const presented = await tokens.findOneBy({ tokenHash });
      if (!presented) return 'Refresh token is not valid';
      await lockFamily(manager, presented.familyId);
      const current = await tokens.findOne({ where: { id: presented.id }, lock: { mode: 'pessimistic_write' } });
      if (!current || current.revokedAt) return 'Refresh token is not valid';
      if (current.rotatedAt) {
        await revokeFamily(manager, current.familyId);
        return 'Refresh token was already used; this session has been revoked';
      }
      if (current.expiresAt.getTime() < Date.now()) return 'Refresh token has expired';
      // FOR KEY SHARE: the user cannot be deleted before the new row (which references it) is inserted.
      const user = await this.users.findKeptInTransaction(manager, current.userId);
      if (!user) return 'Refresh token is not valid';
      await tokens.update({ id: current.id }, { rotatedAt: new Date() });
      return { user, refreshToken: await this.insertRefreshToken(manager, user.id, current.familyId) };
    });
    // Rejections are thrown after the transaction, so that a family's revocation is committed.
    if (typeof outcome === 'string') throw new AuthenticationError('REFRESH_TOKEN_INVALID', outcome);
    return this.tokensFor(outcome.user, outcome.refreshToken);
  }

  /** Ends the session the refresh token belongs to (its whole family). Unknown tokens are ignored. */
  async revoke(refreshToken: string): Promise<void> {
    await this.dataSource.transaction('READ COMMITTED', async (manager) => {
      const current = await manager.getRepository(RefreshTokenEntity).findOneBy({ tokenHash: hash(refreshToken) });
      if (!current) return;
      await lockFamily(manager, current.familyId);
      await revokeFamily(manager, current.familyId);
    });
  }

  verifyAccess(token: string): AuthenticatedUser {
    return this.verify(token, ACCESS_AUDIENCE, this.config.auth.accessTtlSeconds);
  }

  /** A token only SSE routes accept in their query string (EventSource cannot send headers). */
  issueStreamToken(user: AuthenticatedUser): { token: string; expiresIn: number } {
    const expiresIn = this.config.auth.streamTokenTtlSeconds;
    const claims: AccessClaims = { sub: user.id, email: user.email, role: user.role };
    return { token: this.jwt.sign(claims, { audience: STREAM_AUDIENCE, expiresIn }), expiresIn };
  }

  verifyStreamToken(token: string): AuthenticatedUser {
    return this.verify(token, STREAM_AUDIENCE, this.config.auth.streamTokenTtlSeconds);
  }

  private async insertRefreshToken(manager: EntityManager, userId: string, familyId: string): Promise<string> {
    const refreshToken = randomBytes(32).toString('base64url');
    await manager.getRepository(RefreshTokenEntity).insert({
      tokenHash: hash(refreshToken),
      familyId,
      userId,
      expiresAt: new Date(Date.now() + this.config.auth.refreshTtlDays * 86_400_000),
    });
    return refreshToken;
  }

  private tokensFor(user: User, refreshToken: string): IssuedTokens {
    return { accessToken: this.signAccess(user), refreshToken, expiresIn: this.config.auth.accessTtlSeconds, user };
  }

  private signAccess(user: User): string {
    const claims: AccessClaims = { sub: user.id, email: user.email, role: user.role };
    return this.jwt.sign(claims, { audience: ACCESS_AUDIENCE, expiresIn: this.config.auth.accessTtlSeconds });
  }

  /**
   * jsonwebtoken checks `exp` only when present, so a token without one would never expire: `exp` and `iat` are
   * required here, and `maxAge` (the lifetime this service issues) bounds a token's age whatever its `exp` says.
   * The claims this service signs are checked for their types, so a token that verifies is one it could have issued.
   */
  private verify(token: string, audience: string, lifetimeSeconds: number): AuthenticatedUser {
    let claims: Partial<Record<keyof AccessClaims | 'exp' | 'iat', unknown>>;
    try {
      claims = this.jwt.verify(token, { audience, maxAge: lifetimeSeconds });
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new AuthenticationError(
        expired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID',
        expired ? 'Access token has expired' : 'Access token is not valid',
      );
    }
    const { sub, email, role, exp, iat } = claims;
    if (
      typeof exp !== 'number' ||
      typeof iat !== 'number' ||
      typeof sub !== 'string' ||
      !isUUID(sub) ||
      typeof email !== 'string' ||
      !USER_ROLES.includes(role as UserRole)
    ) {
      throw new AuthenticationError('TOKEN_INVALID', 'Access token is not valid');
    }
    return { id: sub, email, role: role as UserRole };
  }
}
