import { createServer, type ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../../config/app-config.js';
import type { MetricsService } from '../../../metrics/metrics.service.js';
import { EngineError } from '../../engine-error.js';
import { RemoteEngineClient } from '../../remote/remote-engine-client.js';
import { OpenAiTextGenerationEngine } from './openai-text-generation.engine.js';

/** A chat server on loopback whose answer each test writes by hand. */
async function chatServer(answer: (res: ServerResponse, body: Record<string, unknown>) => void) {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    answer(res, JSON.parse(Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

const event = (content: string) => `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`;

describe(OpenAiTextGenerationEngine.name, () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(() => Promise.all(servers.splice(0).map((server) => server.close())));
  const engineFor = async (answer: Parameters<typeof chatServer>[0], timeoutMs = 2000) => {
    const server = await chatServer(answer);
    servers.push(server);
    const config = { publicUrl: 'http://x', textGeneration: { openai: { baseUrl: server.url, model: 'm' }, timeoutMs } } as unknown as AppConfig;
    return new OpenAiTextGenerationEngine(new RemoteEngineClient({ registry: new Registry() } as MetricsService, config), config);
  };
  const messages = [{ role: 'user' as const, content: 'hi' }];

  it('reads deltas split anywhere across chunks, in order, until [DONE]', async () => {
    const sut = await engineFor((res, body) => {
      expect(body.stream).toBe(true);
      const wire = event('Hel') + event('lo, ') + event('wor') + ': keep-alive\n\n' + event('ld') + 'data: [DONE]\n\n' + event('ignored');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Cut the bytes at odd places, as a proxy might.
      for (let at = 0; at < wire.length; at += 7) res.write(wire.slice(at, at + 7));
      res.end();
    });
    const deltas: string[] = [];
    const generation = await sut.generate({ messages, onDelta: (text) => deltas.push(text) });
    expect(deltas).toEqual(['Hel', 'lo, ', 'wor', 'ld']);
    expect(generation).toEqual({ text: 'Hello, world', engine: { name: 'openai', model: 'm' } });
  });

  it('a stream that goes silent longer than the timeout fails with ENGINE_TIMEOUT', async () => {
    const sut = await engineFor((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(event('first'));
    }, 200);
    const error = await sut.generate({ messages, onDelta: () => undefined }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('ENGINE_TIMEOUT');
  });

  it('without a listener asks for one answer and reads choices[0].message.content; nonsense is ENGINE_BAD_RESULT', async () => {
    const sut = await engineFor((res, body) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body.messages ? { choices: [{ message: { content: `stream=${body.stream}` } }] } : {})),
    );
    expect((await sut.generate({ messages })).text).toBe('stream=false');
    const broken = await engineFor((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[]}'));
    expect(await broken.generate({ messages }).catch((failure: EngineError) => failure.code)).toBe('ENGINE_BAD_RESULT');
  });
});
