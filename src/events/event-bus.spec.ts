import { describe, expect, it, vi } from 'vitest';
import { EventBus, formatSseFrame, type SseProjection } from './event-bus.js';

declare module './event-bus.js' {
  interface EventMap {
    'test.ping': { n: number };
  }
}

describe(EventBus.name, () => {
  it('delivers an event only to subscribers of its topics, once each', () => {
    const sut = new EventBus();
    const mine = vi.fn();
    const other = vi.fn();
    sut.subscribe('owner:a', mine);
    sut.subscribe('job:1', mine);
    sut.subscribe('owner:b', other);
    sut.publish('test.ping', { n: 1 }, ['owner:a', 'job:1']);
    expect(mine).toHaveBeenCalledTimes(1);
    expect(other).not.toHaveBeenCalled();
  });

  it('forgets a topic when its last subscriber leaves', () => {
    const sut = new EventBus();
    const unsubscribe = sut.subscribe('job:1', () => {});
    expect(sut.subscriptionCount()).toBe(1);
    unsubscribe();
    unsubscribe();
    expect(sut.subscriptionCount()).toBe(0);
  });

  it('keeps delivering when one subscriber throws', () => {
    const sut = new EventBus();
    const after = vi.fn();
    sut.subscribe('t', () => {
      throw new Error('boom');
    });
    sut.subscribe('t', after);
    sut.publish('test.ping', { n: 1 }, ['t']);
    expect(after).toHaveBeenCalled();
  });

  it('serialises an event once per projection, however many streams carry it', () => {
    const sut = new EventBus();
    const projection = vi.fn<SseProjection<'test.ping'>>((event) => ({ event: 'ping', data: event.data }));
    const event = sut.publish('test.ping', { n: 7 }, ['t'], '42');
    const frames = [1, 2, 3].map(() => event.sseFrame(projection));
    expect(projection).toHaveBeenCalledTimes(1);
    expect(frames[0]).toBe('id: 42\nevent: ping\ndata: {"n":7}\n\n');
  });
});

describe(formatSseFrame.name, () => {
  it('splits multi-line data into data lines', () => {
    expect(formatSseFrame({ data: 'a\nb' })).toBe('data: a\ndata: b\n\n');
  });
});
