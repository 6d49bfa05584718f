import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toneWav } from './audio.js';

export interface ChatRequest {
  model: string;
  stream: boolean;
  messages: Array<{ role: string; content: string }>;
}

/**
 * An OpenAI-compatible chat server on loopback (`POST /v1/chat/completions`, streamed as server-sent events with
 * `stream: true`, one JSON answer without), plus `POST /v1/audio/speech` answering WAV. The reply repeats the
 * user's last words in pieces, so a test can tell replies apart; a user text containing "slow" is answered after
 * `slowMs`.
 */
export interface VoiceEngineDouble {
  url: string;
  chats: ChatRequest[];
  speeches: Array<{ model: string; voice: string; input: string }>;
  speech: 'ok' | 'down';
  slowMs: number;
  close(): Promise<void>;
}

const readJson = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
};

export const replyTo = (text: string) => `You said: ${text}. Nice to hear it.`;
/** The pieces a streamed reply arrives in. */
export const piecesOf = (reply: string) => reply.match(/\S+\s*/g) ?? [];

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startOpenAiVoiceServer(): Promise<VoiceEngineDouble> {
  const double = { chats: [] as ChatRequest[], speeches: [] as VoiceEngineDouble['speeches'], speech: 'ok' as 'ok' | 'down', slowMs: 0 };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readJson(req);
    if (req.url === '/v1/chat/completions') {
      double.chats.push(body);
      const last = String(body.messages?.at(-1)?.content ?? '');
      if (last.includes('slow')) await new Promise((resolve) => setTimeout(resolve, double.slowMs));
      if (res.destroyed) return;
      const reply = replyTo(last);
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }] }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of piecesOf(reply)) {
        res.write(`data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: piece } }] })}\n\n`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      res.end('data: [DONE]\n\n');
      return;
    }
    if (req.url === '/v1/audio/speech') {
      double.speeches.push(body);
      if (double.speech === 'down') return void res.writeHead(503).end('overloaded');
      res.writeHead(200, { 'content-type': 'audio/wav' }).end(toneWav(0.2));
      return;
    }
    res.writeHead(404).end();
  });
  const url = await listen(server);
  return Object.assign(double, {
    url: `${url}/v1`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  });
}

/** Seed 000's ATOT (`POST /run-model`, multipart `file` → `{atot_text}`), TTOT (`POST /generate` → `{ttot_text}`) and TTS (`POST /tts` → WAV) servers on one loopback port. */
export async function startSeedVoiceServers() {
  const double = { generated: [] as Array<Record<string, unknown>>, spoken: [] as string[], heard: [] as number[], recognised: 'question from audio' };
  const server = createServer(async (req, res) => {
    if (req.url === '/run-model') {
      const form = await new Request('http://atot/', { method: 'POST', headers: req.headers as Record<string, string>, body: req as never, duplex: 'half' } as RequestInit).formData();
      const file = form.get('file');
      if (!(file instanceof Blob)) return void res.writeHead(422).end();
      double.heard.push(file.size);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ atot_text: double.recognised }));
      return;
    }
    const body = await readJson(req);
    if (req.url === '/generate') {
      double.generated.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ttot_text: replyTo(String(body.text)) }));
      return;
    }
    if (req.url === '/tts') {
      double.spoken.push(String(body.text));
      res.writeHead(200, { 'content-type': 'audio/wav' }).end(toneWav(0.2));
      return;
    }
    res.writeHead(404).end();
  });
  const url = await listen(server);
  return Object.assign(double, {
    url,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  });
}
