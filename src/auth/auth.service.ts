import { Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { User } from '../users/users.service.js';
import { UsersService } from '../users/users.service.js';
import { AuthenticationError } from './auth-errors.js';
import type { AuthenticatedUser } from './current-user.decorator.js';
import { TokenResponseDto, UserDto, type DevLoginDto, type GoogleCredentialDto } from './dto/auth.dto.js';
import { GoogleIdentityService } from './google-identity.service.js';
import { TokenService, type IssuedTokens } from './token.service.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly google: GoogleIdentityService,
    private readonly config: AppConfig,
  ) {}

  async signInWithGoogleCredential(credential: GoogleCredentialDto): Promise<TokenResponseDto> {
    const identity = credential.id_token
      ? await this.google.verifyIdToken(credential.id_token)
      : await this.google.exchangeCode(credential.code!, credential.redirect_uri ?? 'postmessage', credential.code_verifier);
    return this.respond(await this.tokens.issue(await this.users.signIn(identity)));
  }

  async startSession(user: User): Promise<TokenResponseDto> {
    return this.respond(await this.tokens.issue(user));
  }

  async devLogin(body: DevLoginDto): Promise<TokenResponseDto> {
    if (!this.config.auth.devLogin) throw new NotFoundException('Development login is disabled');
    return this.startSession(await this.users.signIn({ email: body.email, name: body.name }));
  }

  async refresh(refreshToken: string): Promise<TokenResponseDto> {
    return this.respond(await this.tokens.rotate(refreshToken));
  }

  logout(refreshToken: string): Promise<void> {
    return this.tokens.revoke(refreshToken);
  }

  async me(caller: AuthenticatedUser): Promise<UserDto> {
    const user = await this.users.findById(caller.id);
    if (!user) throw new AuthenticationError('USER_GONE', 'This account no longer exists');
    return UserDto.from(user);
  }

  streamToken(caller: AuthenticatedUser) {
    const { token, expiresIn } = this.tokens.issueStreamToken(caller);
    return { stream_token: token, expires_in: expiresIn };
  }

  /** Where the browser goes after the redirect flow: tokens in the fragment, which never reaches a server. */
  frontendRedirect(fields: Record<string, string | number>): string {
    const fragment = new URLSearchParams(Object.entries(fields).map(([key, value]): [string, string] => [key, String(value)]));
    return `${this.config.auth.frontendUrl}#${fragment}`;
  }

  private respond(issued: IssuedTokens): TokenResponseDto {
    return {
      access_token: issued.accessToken,
      refresh_token: issued.refreshToken,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      user: UserDto.from(issued.user),
    };
  }
}
