import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../config/app-config.js';
import { EventBus, type EventType, type PublishedEvent, type SseProjection } from './event-bus.js';

export interface SseStreamOptions<K extends EventType> {
  /** The bus topic the stream follows, e.g. `job:<id>`. */
  topic: string;
  /** Shapes each event for this kind of stream. Pass a module-level function: frames are cached per function. */
  project: SseProjection<K>;
  /** Events the client missed, from a durable source: all after `lastEventId`, or the current state if none. */
  replay?: (lastEventId: string | undefined) => Promise<PublishedEvent<K>[]>;
  /** The stream ends after sending an event for which this returns true (e.g. a job that finished). */
  endAfter?: (event: PublishedEvent<K>) => boolean;
}

// A client that lets this much pile up unread is dropped; it can reconnect and resume with Last-Event-ID.
const MAX_BUFFERED_BYTES = 1 << 20;

/** The one way the service streams Server-Sent Events: heartbeats, resume, per-topic filtering, teardown. */
@Injectable()
export class SseService implements BeforeApplicationShutdown {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly bus: EventBus,
    private readonly config: AppConfig,
  ) {}

  get openStreams(): number {
    return this.open.size;
  }

  async stream<K extends EventType>(req: Request, res: Response, options: SseStreamOptions<K>): Promise<void> {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 3000\n\n');

    const sent = new Set<string>();
    let closed = false;
    let replaying = true;
    const pending: PublishedEvent<K>[] = [];

    const close = () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(heartbeat);
      this.open.delete(close);
      if (!res.writableEnded) res.end();
    };
    let newest = -1n;
    const send = (event: PublishedEvent<K>) => {
      if (closed) return;
      if (event.id !== undefined) {
        if (sent.has(event.id)) return;
        // Durable ids rise: a live event older than one already sent (it reached the bus after the replay read a
        // newer one) would put the client back in time, so it is dropped.
        if (/^\d{1,18}$/.test(event.id)) {
          if (BigInt(event.id) <= newest) return;
          newest = BigInt(event.id);
        }
        sent.add(event.id);
      }
      const frame = event.sseFrame(options.project);
      if (frame !== null) res.write(frame);
      if (res.writableLength > MAX_BUFFERED_BYTES || options.endAfter?.(event)) close();
    };

    // Subscribe before replaying, holding live events back, so nothing published meanwhile is lost.
    const unsubscribe = this.bus.subscribe<K>(options.topic, (event) => (replaying ? pending.push(event) : send(event)));
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), this.config.sse.heartbeatMs);
    this.open.add(close);
    req.on('close', close);
    res.on('error', close);

    try {
      const lastEventId = headerValue(req.headers['last-event-id']) ?? queryValue(req.query.lastEventId);
      for (const event of (await options.replay?.(lastEventId)) ?? []) send(event);
    } finally {
      replaying = false;
    }
    // Events held back during the replay; send() drops those older than what the replay sent.
    for (const event of pending.splice(0)) send(event);
  }

  /** Ends every open stream (clients reconnect elsewhere and resume with Last-Event-ID). */
  closeAll(): void {
    for (const close of [...this.open]) close();
  }

  beforeApplicationShutdown(): void {
    this.closeAll();
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}

function queryValue(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
