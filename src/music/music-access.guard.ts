import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { musicSignInRequired } from './music-errors.js';

/**
 * Music routes take anonymous callers only with MUSIC_ALLOW_ANONYMOUS (seed 004's clients send no token); otherwise
 * 401 before anything else, the body's validation included.
 */
@Injectable()
export class MusicAccessGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    if (!context.switchToHttp().getRequest<{ user?: unknown }>().user && !this.config.music.allowAnonymous) throw musicSignInRequired();
    return true;
  }
}
