import type { Request } from 'express';

/** A request whose JSON body parser kept the exact bytes received: signatures are computed over them. */
export interface RawBodyRequest extends Request {
  rawBody?: Buffer;
}
