import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import type { RemoteAnalysisRequest } from '../../src/engines/speech-analysis/remote/remote-speech-analysis.engine.js';

export const WEBHOOK_SECRET = `whsec_${Buffer.from('yousync-test-webhook-secret-0123456789').toString('base64')}`;

export interface AnalysisServerDouble {
  url: string;
  requests: RemoteAnalysisRequest[];
  /** What the next requests get: accepted (202), a server error, or nothing (connection reset). */
  mode: 'accept' | 'error' | 'reset';
  close(): Promise<void>;
}

/**
 * Stands in for the team's GPU analysis server, which cannot run here: it speaks the seeds' protocol (POST
 * {job_id, audio_url, reference_audio_url, token_id, words, webhook_url}, answer now, call back later) and
 * leaves the callback to the test, which signs it as the real server must.
 */
export async function startAnalysisServer(): Promise<AnalysisServerDouble> {
  const requests: RemoteAnalysisRequest[] = [];
  const double = { requests, mode: 'accept' as AnalysisServerDouble['mode'] };
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (double.mode === 'reset') return req.socket.destroy();
    if (double.mode === 'error') return res.writeHead(503).end('overloaded');
    requests.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as RemoteAnalysisRequest);
    res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'processing' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(double, {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/analyze-voice`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** A webhook delivery signed the Standard Webhooks way (id, timestamp, HMAC-SHA256 over id.timestamp.body). */
export function signedDelivery(body: unknown, options: { secret?: string; id?: string; timestamp?: Date } = {}) {
  const payload = JSON.stringify(body);
  const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const timestamp = options.timestamp ?? new Date();
  const signature = new Webhook(options.secret ?? WEBHOOK_SECRET).sign(id, timestamp, payload);
  return {
    body: payload,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signature,
    },
  };
}
