import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { DataSource, LessThan } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { OAuthStateEntity } from './oauth-state.entity.js';

export const STATE_COOKIE = 'yousync_oauth_state';
const STATE_TTL_MS = 10 * 60 * 1000;

type StoreCallback = (error: Error | null, handle?: string) => void;
type VerifyCallback = (error: Error | null, verifier?: string | false, info?: { message: string }) => void;

/**
 * passport-oauth2's state store for the PKCE flow, without server sessions: the state and its verifier are a
 * database row any instance can read, and the state is also set in an httpOnly cookie so that the callback is
 * accepted only in the browser that started the sign-in (no login CSRF). Verification deletes the row.
 */
@Injectable()
export class OAuthStateStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  store(req: Request, verifier: string, _state: unknown, _meta: unknown, callback: StoreCallback): void {
    const state = randomBytes(24).toString('base64url');
    const repository = this.dataSource.getRepository(OAuthStateEntity);
    repository
      .insert({ state, codeVerifier: verifier, expiresAt: new Date(Date.now() + STATE_TTL_MS) })
      .then(() => repository.delete({ expiresAt: LessThan(new Date()) }))
      .then(() => {
        (req.res as Response).cookie(STATE_COOKIE, state, {
          httpOnly: true,
          sameSite: 'lax', // sent on the top-level redirect back from Google
          secure: this.config.publicUrl.startsWith('https:'),
          maxAge: STATE_TTL_MS,
          path: '/auth/google',
        });
        callback(null, state);
      }, callback);
  }

  verify(req: Request, providedState: unknown, _meta: unknown, callback: VerifyCallback): void {
    const cookieState = (req.cookies as Record<string, string> | undefined)?.[STATE_COOKIE];
    (req.res as Response).clearCookie(STATE_COOKIE, { path: '/auth/google' });
    if (typeof providedState !== 'string' || !providedState) {
      return callback(null, false, { message: 'The sign-in state is missing' });
    }
    if (cookieState !== providedState) {
      return callback(null, false, { message: 'The sign-in state does not belong to this browser' });
    }
    this.dataSource
      .createQueryBuilder()
      .delete()
      .from(OAuthStateEntity)
      .where('state = :state AND expires_at > now()', { state: providedState })
      .returning(['codeVerifier'])
      .execute()
      .then(
        ({ raw }: { raw: Array<{ code_verifier: string }> }) =>
          raw[0]
            ? callback(null, raw[0].code_verifier)
            : callback(null, false, { message: 'The sign-in state is unknown, expired or already used' }),
        (error: Error) => callback(error),
      );
  }
}
