import { Injectable } from '@nestjs/common';
import axios, { AxiosError } from 'axios';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { AppConfig } from '../config/app-config.js';
import type { VerifiedIdentity } from '../users/users.service.js';
import { AuthenticationError, GoogleNotConfiguredError, IdentityProviderError } from './auth-errors.js';

interface GoogleIdTokenClaims extends JWTPayload {
  email?: string;
  email_verified?: boolean | string;
  name?: string;
  picture?: string;
}

// Google issues ID tokens under both spellings of its issuer.
const GOOGLE_ISSUER_ALIASES: Record<string, string[]> = {
  'https://accounts.google.com': ['https://accounts.google.com', 'accounts.google.com'],
};

/** Google credentials a frontend already holds: an ID token (verified against the JWKS) or a code to exchange. */
@Injectable()
export class GoogleIdentityService {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly config: AppConfig) {
    this.jwks = createRemoteJWKSet(new URL(config.auth.google.jwksUrl), { timeoutDuration: 10_000 });
  }

  get configured(): boolean {
    const { clientId, clientSecret } = this.config.auth.google;
    return !!clientId && !!clientSecret;
  }

  /** Signature (JWKS), audience = our client id, issuer, expiry; then a verified e-mail. */
  async verifyIdToken(idToken: string): Promise<VerifiedIdentity> {
    const { clientId, issuer } = this.config.auth.google;
    if (!clientId) throw new GoogleNotConfiguredError();
    let claims: GoogleIdTokenClaims;
    try {
      ({ payload: claims } = await jwtVerify<GoogleIdTokenClaims>(idToken, this.jwks, {
        audience: clientId,
        issuer: GOOGLE_ISSUER_ALIASES[issuer] ?? issuer,
        algorithms: ['RS256', 'ES256'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError && !(error instanceof joseErrors.JWKSTimeout)) {
        const reason = error instanceof joseErrors.JWTExpired ? 'has expired' : `is not valid (${error.code})`;
        throw new AuthenticationError('ID_TOKEN_INVALID', `The Google ID token ${reason}`);
      }
      throw new IdentityProviderError(`Could not verify the Google ID token: ${(error as Error).message}`);
    }
    if (!claims.sub || !claims.email || String(claims.email_verified) !== 'true') {
      throw new AuthenticationError('ID_TOKEN_INVALID', 'The Google ID token carries no verified e-mail address');
    }
    return { googleSub: claims.sub, email: claims.email, name: claims.name ?? null, picture: claims.picture ?? null };
  }

  /** Exchanges an authorization code (e.g. from Google's popup flow, redirect_uri "postmessage") server-side. */
  async exchangeCode(code: string, redirectUri: string, codeVerifier?: string): Promise<VerifiedIdentity> {
    const { clientId, clientSecret, tokenUrl } = this.config.auth.google;
    if (!clientId || !clientSecret) throw new GoogleNotConfiguredError();
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uri: redirectUri,
    });
    if (codeVerifier) form.set('code_verifier', codeVerifier);
    try {
      const { data } = await axios.post<{ id_token?: string }>(tokenUrl, form, {
        timeout: 10_000,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      if (!data.id_token) throw new IdentityProviderError('Google returned no ID token for the code');
      return await this.verifyIdToken(data.id_token);
    } catch (error) {
      if (error instanceof AxiosError && error.response && error.response.status < 500) {
        throw new AuthenticationError('AUTHORIZATION_CODE_INVALID', 'Google refused the authorization code');
      }
      if (error instanceof AxiosError) throw new IdentityProviderError(`Google's token endpoint failed: ${error.message}`);
      throw error;
    }
  }
}
