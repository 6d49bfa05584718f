import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy, type Profile } from 'passport-google-oauth20';
import { AppConfig } from '../config/app-config.js';
import { UsersService } from '../users/users.service.js';
import { IdentityProviderError } from './auth-errors.js';
import { OAuthStateStore } from './oauth-state.store.js';

/**
 * The Google redirect flow (passport-google-oauth20) with state and PKCE S256. Every endpoint comes from
 * configuration, so tests run the real flow against a local OpenID Connect server.
 */
@Injectable()
export class GoogleStrategy extends PassportStrategy(Strategy, 'google') {
  constructor(
    config: AppConfig,
    store: OAuthStateStore,
    private readonly users: UsersService,
  ) {
    const google = config.auth.google;
    super({
      clientID: google.clientId ?? 'unconfigured',
      clientSecret: google.clientSecret ?? 'unconfigured',
      callbackURL: google.callbackUrl,
      authorizationURL: google.authorizationUrl,
      tokenURL: google.tokenUrl,
      userProfileURL: google.userinfoUrl,
      scope: ['openid', 'email', 'profile'],
      pkce: true,
      state: true,
      store,
    } as unknown as ConstructorParameters<typeof Strategy>[0]);
  }

  async validate(_accessToken: string, _refreshToken: string, profile: Profile) {
    const email = profile.emails?.[0] as { value?: string; verified?: boolean | string } | undefined;
    if (!email?.value || String(email.verified) !== 'true') {
      throw new IdentityProviderError('Google did not confirm a verified e-mail address for this account');
    }
    return this.users.signIn({
      googleSub: profile.id,
      email: email.value,
      name: profile.displayName ?? null,
      picture: profile.photos?.[0]?.value ?? null,
    });
  }
}
