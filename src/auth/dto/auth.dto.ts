import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsString, IsUrl, Length, MaxLength, ValidateIf } from 'class-validator';
import { MayBeAbsent } from '../../common/may-be-absent.decorator.js';
import { USER_ROLES, type User, type UserRole } from '../../users/users.service.js';

export class GoogleCredentialDto {
  @ApiPropertyOptional({ description: 'A Google ID token (e.g. from Google Identity Services). Give this or `code`.' })
  @ValidateIf((body: GoogleCredentialDto) => body.code === undefined)
  @IsString()
  @Length(10, 8192)
  id_token?: string;

  @ApiPropertyOptional({ description: 'An authorization code to exchange server-side. Give this or `id_token`.' })
  @ValidateIf((body: GoogleCredentialDto) => body.id_token === undefined)
  @IsString()
  @Length(4, 2048)
  code?: string;

  @ApiPropertyOptional({ description: 'The redirect URI the code was issued for; default "postmessage" (popup flow)' })
  @MayBeAbsent()
  @ValidateIf((body: GoogleCredentialDto) => body.redirect_uri !== 'postmessage')
  @IsUrl({ require_tld: false, require_protocol: true })
  redirect_uri?: string;

  @ApiPropertyOptional({ description: 'PKCE verifier, when the code was requested with a challenge' })
  @MayBeAbsent()
  @IsString()
  @Length(43, 128)
  code_verifier?: string;
}

export class RefreshTokenDto {
  @ApiProperty()
  @IsString()
  @Length(20, 200)
  refresh_token: string;
}

export class DevLoginDto {
  @ApiProperty({ example: 'dubber@example.com' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiPropertyOptional({ example: 'Dubber' })
  @MayBeAbsent()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  email: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  name: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  picture: string | null;

  @ApiProperty({ enum: USER_ROLES })
  role: UserRole;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  last_login_at: string | null;

  static from(user: User): UserDto {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      picture: user.picture,
      role: user.role,
      created_at: user.createdAt.toISOString(),
      last_login_at: user.lastLoginAt?.toISOString() ?? null,
    };
  }
}

export class TokenResponseDto {
  @ApiProperty({ description: 'JWT for Authorization: Bearer' })
  access_token: string;

  @ApiProperty({ description: 'Opaque; single use: POST /auth/refresh returns a new one' })
  refresh_token: string;

  @ApiProperty({ example: 'Bearer' })
  token_type: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expires_in: number;

  @ApiProperty({ type: UserDto })
  user: UserDto;
}

export class StreamTokenDto {
  @ApiProperty({ description: 'Pass as ?stream_token= to SSE routes' })
  stream_token: string;

  @ApiProperty({ example: 300 })
  expires_in: number;
}
