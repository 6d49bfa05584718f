import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { GoogleAuthGuard } from './google-auth.guard.js';
import { GoogleIdentityService } from './google-identity.service.js';
import { GoogleStrategy } from './google.strategy.js';
import { OAuthStateEntity } from './oauth-state.entity.js';
import { OAuthStateStore } from './oauth-state.store.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([RefreshTokenEntity, OAuthStateEntity]),
    UsersModule,
    PassportModule.register({ session: false }),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.auth.jwtSecret,
        signOptions: { algorithm: 'HS256', issuer: 'yousync' },
        verifyOptions: { algorithms: ['HS256'], issuer: 'yousync' },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ throttlers: [{ ttl: 60_000, limit: config.auth.rateLimitPerMinute }] }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    GoogleIdentityService,
    GoogleStrategy,
    GoogleAuthGuard,
    OAuthStateStore,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenService],
})
export class AuthModule {}
