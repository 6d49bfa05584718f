import { Injectable } from '@nestjs/common';

/**
 * The events of the service, by type. Feature modules add theirs by declaration merging:
 * `declare module '../events/event-bus.js' { interface EventMap { 'music.updated': MusicSnapshot } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventMap {}

export type EventType = keyof EventMap & string;

/** A projection of an event for one kind of stream; `null` skips the event for that stream. */
export type SseProjection<K extends EventType = EventType> = (event: PublishedEvent<K>) => SseFrame | null;

export interface SseFrame {
  event?: string;
  data: unknown;
}

/** An event as subscribers receive it. Serialised for SSE once per projection, however many streams carry it. */
export class PublishedEvent<K extends EventType = EventType> {
  private readonly frames = new Map<SseProjection<K>, string | null>();

  constructor(
    readonly type: K,
    readonly data: EventMap[K],
    readonly topics: readonly string[],
    /** The durable id (e.g. a job_events row) when the event can be replayed; becomes the SSE `id:`. */
    readonly id?: string,
  ) {}

  sseFrame(projection: SseProjection<K>): string | null {
    if (!this.frames.has(projection)) {
      const frame = projection(this);
      this.frames.set(projection, frame === null ? null : formatSseFrame(frame, this.id));
    }
    return this.frames.get(projection)!;
  }
}

export function formatSseFrame(frame: SseFrame, id?: string): string {
  const lines: string[] = [];
  if (id !== undefined) lines.push(`id: ${id}`);
  if (frame.event) lines.push(`event: ${frame.event}`);
  const data = typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data);
  for (const line of data.split('\n')) lines.push(`data: ${line}`);
  return `${lines.join('\n')}\n\n`;
}

type Listener = (event: PublishedEvent<any>) => void;

/** The in-process event bus: topic-addressed, so a subscriber only ever sees the topics it asked for. */
@Injectable()
export class EventBus {
  private readonly listeners = new Map<string, Set<Listener>>();

  publish<K extends EventType>(type: K, data: EventMap[K], topics: readonly string[], id?: string): PublishedEvent<K> {
    const event = new PublishedEvent(type, data, topics, id);
    const delivered = new Set<Listener>();
    for (const topic of topics) {
      for (const listener of this.listeners.get(topic) ?? []) {
        if (delivered.has(listener)) continue;
        delivered.add(listener);
        try {
          listener(event);
        } catch {
          // A failing subscriber must not stop delivery to the others; the subscriber logs its own errors.
        }
      }
    }
    return event;
  }

  /** Returns the function that unsubscribes. */
  subscribe<K extends EventType>(topic: string, listener: (event: PublishedEvent<K>) => void): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener as Listener);
    return () => {
      const current = this.listeners.get(topic);
      if (!current) return;
      current.delete(listener as Listener);
      if (current.size === 0) this.listeners.delete(topic);
    };
  }

  /** How many subscriptions are open, on one topic or in all. */
  subscriptionCount(topic?: string): number {
    if (topic !== undefined) return this.listeners.get(topic)?.size ?? 0;
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }
}
