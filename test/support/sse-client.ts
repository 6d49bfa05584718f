export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/**
 * A minimal EventSource over fetch for the tests: records every message and every comment (heartbeat) as it
 * arrives, and can be closed at any point like a browser tab.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  comments = 0;
  status = 0;
  headers?: Headers;
  ended = false;
  private readonly abort = new AbortController();
  private done!: Promise<void>;
  private waiters: Array<() => void> = [];

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: client.abort.signal });
    client.status = response.status;
    client.headers = response.headers;
    client.done = client.read(response).catch(() => undefined);
    return client;
  }

  private async read(response: Response): Promise<void> {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        this.parse(block);
      }
    }
    this.ended = true;
    this.notify();
  }

  private parse(block: string): void {
    const message: SseMessage = { data: '' };
    const data: string[] = [];
    let isMessage = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments++;
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') (data.push(value), (isMessage = true));
      else if (field === 'id') message.id = value;
      else if (field === 'event') message.event = value;
    }
    if (isMessage) {
      message.data = data.join('\n');
      this.messages.push(message);
    }
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }

  json<T = any>(): T[] {
    return this.messages.map((message) => JSON.parse(message.data) as T);
  }

  /** Resolves when `predicate` holds (checked on every message), rejects after `timeoutMs`. */
  async waitFor(predicate: (client: SseClient) => boolean, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (this.ended) throw new Error(`stream ended; got ${JSON.stringify(this.messages)}`);
      const remaining = until - Date.now();
      if (remaining <= 0) throw new Error(`timed out; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 250));
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  async finished(timeoutMs = 20_000): Promise<void> {
    await this.waitFor((client) => client.ended, timeoutMs).catch((error) => {
      if (!this.ended) throw error;
    });
  }
}
