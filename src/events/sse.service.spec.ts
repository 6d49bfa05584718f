import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config.js';
import { EventBus, PublishedEvent, type SseProjection } from './event-bus.js';
import { SseService } from './sse.service.js';

declare module './event-bus.js' {
  interface EventMap {
    'test.progress': { progress: number };
  }
}

/** An Express response that records what is written. */
function response() {
  const written: string[] = [];
  const res = Object.assign(new EventEmitter(), {
    writableEnded: false,
    writableLength: 0,
    status: () => res,
    setHeader: () => res,
    flushHeaders: () => undefined,
    write: (chunk: string) => (written.push(chunk), true),
    end: () => void (res.writableEnded = true),
  });
  return { res: res as unknown as Response, written };
}

const project: SseProjection<'test.progress'> = ({ data }) => ({ data });

describe(SseService.name, () => {
  it('never sends an event older than the replay it just sent (published while the replay was read)', async () => {
    const bus = new EventBus();
    const sut = new SseService(bus, { sse: { heartbeatMs: 60_000 } } as AppConfig);
    const { res, written } = response();
    const req = Object.assign(new EventEmitter(), { headers: {}, query: {} }) as unknown as Request;
    await sut.stream(req, res, {
      topic: 'job:1',
      project,
      replay: async () => {
        // Event 7 reaches this process while the replay reads the latest state, which is already event 8.
        bus.publish('test.progress', { progress: 0 }, ['job:1'], '7');
        return [new PublishedEvent('test.progress', { progress: 5 }, ['job:1'], '8')];
      },
    });
    bus.publish('test.progress', { progress: 20 }, ['job:1'], '9');
    const progress = written.filter((chunk) => chunk.includes('data:')).map((chunk) => JSON.parse(/data: (.*)/.exec(chunk)![1]!).progress);
    expect(progress).toEqual([5, 20]);
    sut.beforeApplicationShutdown();
  });
});
