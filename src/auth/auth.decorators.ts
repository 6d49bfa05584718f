import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiQuery, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { UserRole } from '../users/users.service.js';

export const ROLES = 'roles';
export const STREAM_TOKEN_ALLOWED = 'streamTokenAllowed';

/** Signed-in users only (the default for every route), shown as bearer security in Swagger. */
export const Auth = () =>
  applyDecorators(ApiBearerAuth(), ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' }));

/** Signed-in users with one of these roles; others get 403. */
export const Roles = (...roles: UserRole[]) =>
  applyDecorators(
    SetMetadata(ROLES, roles),
    Auth(),
    ApiForbiddenResponse({ description: `Requires the role ${roles.join(' or ')}` }),
  );

/**
 * An SSE route: besides the Authorization header it accepts `?stream_token=` (from POST /auth/stream-token),
 * because a browser's EventSource cannot send headers. Only for routes that answer `text/event-stream` and say
 * so with @ApiProduces (an e2e test holds every use to that), so a stream token opens nothing but a stream.
 */
export const StreamTokenAllowed = () =>
  applyDecorators(
    SetMetadata(STREAM_TOKEN_ALLOWED, true),
    ApiOkResponse({ description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }),
    ApiQuery({
      name: 'stream_token',
      required: false,
      description: 'Short-lived token from POST /auth/stream-token, for EventSource (which cannot send headers)',
    }),
  );
