import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { UserEntity } from '../users/user.entity.js';
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
  user: UserEntity;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Access tokens (short JWTs), stream tokens (for EventSource) and rotating refresh tokens. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** A new session: an access token and the first refresh token of a new family. */
  async issue(user: UserEntity, familyId: string = randomUUID()): Promise<IssuedTokens> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.dataSource.getRepository(RefreshTokenEntity).insert({
      tokenHash: hash(refreshToken),
      familyId,
      userId: user.id,
      expiresAt: new Date(Date.now() + this.config.auth.refreshTtlDays * 86_400_000),
    });
    return { accessToken: this.signAccess(user), refreshToken, expiresIn: this.config.auth.accessTtlSeconds, user };
  }

  /**
   * Exchanges a refresh token for a new pair. A token that was already exchanged is proof that it leaked (or
   * was replayed): the whole family is revoked, so the thief's and the owner's newer tokens all stop working.
   */
  async rotate(refreshToken: string, loadUser: (id: string) => Promise<UserEntity | null>): Promise<IssuedTokens> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const tokens = manager.getRepository(RefreshTokenEntity);
      const current = await tokens.findOne({
        where: { tokenHash: hash(refreshToken) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current || current.revokedAt) return 'Refresh token is not valid';
      if (current.rotatedAt) {
        await tokens.update({ familyId: current.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
        return 'Refresh token was already used; this session has been revoked';
      }
      if (current.expiresAt.getTime() < Date.now()) return 'Refresh token has expired';
      await tokens.update({ id: current.id }, { rotatedAt: new Date() });
      return current;
    });
    // Rejections are thrown after the transaction, so that a family's revocation is committed.
    if (typeof outcome === 'string') throw new AuthenticationError('REFRESH_TOKEN_INVALID', outcome);
    const user = await loadUser(outcome.userId);
    if (!user) throw new AuthenticationError('REFRESH_TOKEN_INVALID', 'Refresh token is not valid');
    return this.issue(user, outcome.familyId);
  }

  /** Ends the session the refresh token belongs to (its whole family). Unknown tokens are ignored. */
  async revoke(refreshToken: string): Promise<void> {
    const tokens = this.dataSource.getRepository(RefreshTokenEntity);
    const current = await tokens.findOneBy({ tokenHash: hash(refreshToken) });
    if (current) await tokens.update({ familyId: current.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  verifyAccess(token: string): AuthenticatedUser {
    return this.verify(token, ACCESS_AUDIENCE);
  }

  /** A token only SSE routes accept in their query string (EventSource cannot send headers). */
  issueStreamToken(user: AuthenticatedUser): { token: string; expiresIn: number } {
    const expiresIn = this.config.auth.streamTokenTtlSeconds;
    const claims: AccessClaims = { sub: user.id, email: user.email, role: user.role };
    return { token: this.jwt.sign(claims, { audience: STREAM_AUDIENCE, expiresIn }), expiresIn };
  }

  verifyStreamToken(token: string): AuthenticatedUser {
    return this.verify(token, STREAM_AUDIENCE);
  }

  private signAccess(user: UserEntity): string {
    const claims: AccessClaims = { sub: user.id, email: user.email, role: user.role };
    return this.jwt.sign(claims, { audience: ACCESS_AUDIENCE, expiresIn: this.config.auth.accessTtlSeconds });
  }

  private verify(token: string, audience: string): AuthenticatedUser {
    try {
      const claims = this.jwt.verify<AccessClaims>(token, { audience });
      return { id: claims.sub, email: claims.email, role: claims.role };
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new AuthenticationError(
        expired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID',
        expired ? 'Access token has expired' : 'Access token is not valid',
      );
    }
  }
}
