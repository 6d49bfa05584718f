import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { join } from 'node:path';
import { PROJECT_DIR } from '../service-info.js';
import type { ObjectStorage } from '../storage/object-storage.js';

/** The console's static files: plain HTML, CSS and ES modules, served as they are in the repository. */
export const CONSOLE_DIR = join(PROJECT_DIR, 'console');

/**
 * Stricter than the rest of the service: scripts and styles only from this origin (no inline ones), no HTML sink
 * at all (Trusted Types with no policy), and network access only to this origin and to the storage that presigned
 * URLs point at (clips redirect there, videos are PUT there).
 */
export function consolePolicy(storageOrigin: string | null, https: boolean): string {
  const storage = storageOrigin ? ` ${storageOrigin}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob:",
    `media-src 'self' blob:${storage}`,
    `connect-src 'self'${storage}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** GET /console and its files, each with the console's policy. Mount at /console. */
export function consolePage(storage: ObjectStorage, https: boolean): RequestHandler {
  // A presigned URL's origin is where the browser will fetch stored objects from; the key is never used.
  let policy: Promise<string> | undefined;
  const policyOnce = () =>
    (policy ??= storage.presignGet('console/origin-probe').then(
      (url) => consolePolicy(new URL(url).origin, https),
      () => consolePolicy(null, https),
    ));
  const files = express.static(CONSOLE_DIR, { index: false, redirect: false });
  const page = join(CONSOLE_DIR, 'index.html');
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    policyOnce().then((value) => {
      res.setHeader('Content-Security-Policy', value);
      // The page itself at /console and /console/ (its files name themselves absolutely, /console/app.js).
      if (req.path === '/') res.sendFile(page, (error?: Error) => error && next(error));
      else files(req, res, next);
    }, next);
  };
}
