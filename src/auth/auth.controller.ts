import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiFoundResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Response } from 'express';
import { Public } from '../common/public.decorator.js';
import type { User } from '../users/users.service.js';
import { Auth } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { CurrentUser, type AuthenticatedUser } from './current-user.decorator.js';
import {
  DevLoginDto,
  GoogleCredentialDto,
  RefreshTokenDto,
  StreamTokenDto,
  TokenResponseDto,
  UserDto,
} from './dto/auth.dto.js';
import { GoogleAuthGuard, type GoogleCallbackRequest } from './google-auth.guard.js';

@ApiTags('auth')
@ApiTooManyRequestsResponse({ description: 'Rate limited (AUTH_RATE_LIMIT_PER_MINUTE); see Retry-After' })
@UseGuards(ThrottlerGuard)
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Get('google')
  @UseGuards(GoogleAuthGuard)
  @ApiOperation({ summary: "Start Google sign-in: redirects to Google's consent screen (state + PKCE S256)" })
  @ApiFoundResponse({ description: 'Redirect to the authorization endpoint' })
  @ApiServiceUnavailableResponse({ description: 'Google sign-in is not configured' })
  startGoogle(): void {
    // The guard has redirected to Google.
  }

  @Public()
  @Get('google/callback')
  @UseGuards(GoogleAuthGuard)
  @ApiOperation({
    summary: 'Finish Google sign-in and redirect to FRONTEND_URL with the tokens in the URL fragment',
    description:
      'Success: `FRONTEND_URL#access_token=…&refresh_token=…&token_type=Bearer&expires_in=…`. ' +
      'Declined at Google: `FRONTEND_URL#error=access_denied`. A missing, tampered, expired or replayed state: 400.',
  })
  @ApiFoundResponse({ description: 'Redirect to the frontend' })
  @ApiBadRequestResponse({ description: 'Invalid sign-in state' })
  async finishGoogle(@Req() req: GoogleCallbackRequest, @Res() res: Response): Promise<void> {
    if (req.googleError) return res.redirect(302, this.auth.frontendRedirect({ error: req.googleError }));
    const tokens = await this.auth.startSession(req.user as User);
    res.redirect(
      302,
      this.auth.frontendRedirect({
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        token_type: tokens.token_type,
        expires_in: tokens.expires_in,
      }),
    );
  }

  @Public()
  @Post('google')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with a Google credential the frontend already holds (ID token or code)' })
  @ApiOkResponse({ type: TokenResponseDto })
  signInWithGoogle(@Body() body: GoogleCredentialDto): Promise<TokenResponseDto> {
    return this.auth.signInWithGoogleCredential(body);
  }

  @Public()
  @Post('dev-login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Development only: sign in by e-mail alone (AUTH_DEV_LOGIN; impossible in production)',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiNotFoundResponse({ description: 'Disabled' })
  devLogin(@Body() body: DevLoginDto): Promise<TokenResponseDto> {
    return this.auth.devLogin(body);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair; a reused token revokes its whole session' })
  @ApiOkResponse({ type: TokenResponseDto })
  refresh(@Body() body: RefreshTokenDto): Promise<TokenResponseDto> {
    return this.auth.refresh(body.refresh_token);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session of this refresh token (access tokens expire on their own)' })
  @ApiNoContentResponse()
  logout(@Body() body: RefreshTokenDto): Promise<void> {
    return this.auth.logout(body.refresh_token);
  }

  @Get('me')
  @Auth()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserDto })
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserDto> {
    return this.auth.me(user);
  }

  @Post('stream-token')
  @Auth()
  @HttpCode(200)
  @ApiOperation({ summary: 'A short-lived token for EventSource: SSE routes accept it as ?stream_token=' })
  @ApiOkResponse({ type: StreamTokenDto })
  streamToken(@CurrentUser() user: AuthenticatedUser): StreamTokenDto {
    return this.auth.streamToken(user);
  }
}
