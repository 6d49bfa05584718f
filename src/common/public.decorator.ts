import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'isPublic';

/** Opts a route (or controller) out of the authentication every route requires by default. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
