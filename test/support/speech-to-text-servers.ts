import busboy from 'busboy';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ProcessVideoRequest } from '../../src/engines/speech-to-text/ml-server/ml-server-speech-to-text.engine.js';
import { describeAudio, type SpokenWord } from './video-media.js';

/** OpenAI's limit on an uploaded audio file. */
export const OPENAI_MAX_FILE_BYTES = 25 * 1024 * 1024;

const LANGUAGE_NAMES: Record<string, string> = { en: 'english', ko: 'korean' };

export interface ReceivedAudio {
  bytes: number;
  filename: string;
  contentType: string;
  sampleRate: number;
  channels: number;
  codec: string;
  /** Seconds, decoded. */
  duration: number;
  model: string;
  responseFormat: string;
  granularities: string[];
  authorization?: string;
}

export interface OpenAiSpeechServerDouble {
  url: string;
  /** Every file it was sent, in order. */
  received: ReceivedAudio[];
  /** ok; down (503 on every request); reset (connection dropped); nonsense (200 with a malformed transcript). */
  mode: 'ok' | 'down' | 'reset' | 'nonsense';
  /** What is said in the next video, and resets where the next audio piece starts. */
  expect(words: SpokenWord[], language: string): void;
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/**
 * An OpenAI-compatible `POST /v1/audio/transcriptions` on loopback, speaking the real protocol: multipart form
 * with `file`, `model`, `response_format`, `timestamp_granularities[]`; OpenAI's file size limit (413 above it,
 * 25 MB unless told otherwise); `verbose_json` with top-level `words` and `segments`, language as a name. It
 * "recognises" speech by reading the test's table of what the video says and when: the pieces it is sent follow
 * one another, so it knows where each starts, and it hears only the words whose middle falls inside the piece.
 */
export async function startOpenAiSpeechServer(options: { maxFileBytes?: number; apiKey?: string } = {}): Promise<OpenAiSpeechServerDouble> {
  const maxFileBytes = options.maxFileBytes ?? OPENAI_MAX_FILE_BYTES;
  let script: SpokenWord[] = [];
  let language = 'en';
  let heard = 0;
  const double = {
    received: [] as ReceivedAudio[],
    mode: 'ok' as OpenAiSpeechServerDouble['mode'],
    expect(words: SpokenWord[], lang: string) {
      script = words;
      language = lang;
      heard = 0;
    },
  };

  const server: Server = createServer((req, res) => void handle(req, res).catch((error: Error) => send(res, 500, { error: { message: error.message } })));
  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (double.mode === 'reset') return req.socket.destroy();
    if (double.mode === 'down') return send(res, 503, { error: { message: 'overloaded', type: 'server_error' } });
    if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions') return send(res, 404, { error: { message: 'not found' } });
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return send(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } });
    }
    const fields: Record<string, string[]> = {};
    let file: { bytes: Buffer; filename: string; contentType: string; tooLarge: boolean } | undefined;
    await new Promise<void>((resolve, reject) => {
      const form = busboy({ headers: req.headers, limits: { fileSize: maxFileBytes } });
      form.on('field', (name, value) => (fields[name] ??= []).push(value));
      form.on('file', (_name, stream, info) => {
        const chunks: Buffer[] = [];
        const current = { bytes: Buffer.alloc(0) as Buffer, filename: info.filename ?? '', contentType: info.mimeType, tooLarge: false };
        stream.on('limit', () => (current.tooLarge = true));
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => ((current.bytes = Buffer.concat(chunks)), (file = current)));
      });
      form.on('close', resolve);
      form.on('error', reject);
      req.pipe(form);
    });
    if (!file) return send(res, 400, { error: { message: 'file is required', type: 'invalid_request_error' } });
    if (file.tooLarge) {
      return send(res, 413, { error: { message: `Maximum content size limit (${maxFileBytes}) exceeded`, type: 'invalid_request_error' } });
    }
    if (!fields.model?.[0]) return send(res, 400, { error: { message: 'model is required', type: 'invalid_request_error' } });
    const audio = await describeAudio(file.bytes);
    const received: ReceivedAudio = {
      bytes: file.bytes.length,
      filename: file.filename,
      contentType: file.contentType,
      ...audio,
      model: fields.model[0],
      responseFormat: fields.response_format?.[0] ?? 'json',
      granularities: fields['timestamp_granularities[]'] ?? [],
      authorization: req.headers.authorization,
    };
    double.received.push(received);
    if (double.mode === 'nonsense') return send(res, 200, { text: 'hello', segments: [{ start: 3, end: 1, text: 'hello' }], language: 'english' });

    const from = heard;
    const to = heard + audio.duration;
    heard = to;
    const words = script
      .filter((word) => (word.start + word.end) / 2 >= from && (word.start + word.end) / 2 < to)
      .map((word) => ({ ...word, start: Math.max(0, word.start - from), end: Math.min(audio.duration, word.end - from) }));
    const sentences = [...new Set(words.map((word) => word.sentence))];
    const segments = sentences.map((sentence, id) => {
      const inSentence = words.filter((word) => word.sentence === sentence);
      return {
        id, seek: 0, start: inSentence[0]!.start, end: inSentence.at(-1)!.end, text: ` ${inSentence.map((word) => word.word).join(' ')}`,
        tokens: [50364], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.1, no_speech_prob: 0.01,
      };
    });
    const text = segments.map((segment) => segment.text.trim()).join(' ');
    const granularities = received.granularities;
    send(res, 200, {
      task: 'transcribe',
      language: LANGUAGE_NAMES[language] ?? language,
      duration: Math.round(audio.duration * 100) / 100,
      text,
      ...(granularities.includes('word') ? { words: words.map(({ word, start, end }) => ({ word, start, end })) } : {}),
      ...(granularities.includes('segment') ? { segments } : {}),
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(double, {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  });
}

export interface MlServerDouble {
  url: string;
  requests: ProcessVideoRequest[];
  /** What GET status answers for a job: set by the test as the "GPU" works. */
  status: Map<string, { status: 'processing' | 'completed' | 'failed'; progress?: number }>;
  statusPolls: number;
  mode: 'accept' | 'down';
  close(): Promise<void>;
}

/**
 * The team's Whisper ML server (seed 003) on loopback: `POST /api/upload-video/process-video {job_id, video_url}`
 * → `{job_id, status: "processing"}`, `GET /api/upload-video/status/{job_id}` → `{job_id, status, progress}`. The
 * result callback is the test's to send, signed as the real server must.
 */
export async function startMlServer(): Promise<MlServerDouble> {
  const double = { requests: [] as ProcessVideoRequest[], status: new Map() as MlServerDouble['status'], statusPolls: 0, mode: 'accept' as MlServerDouble['mode'] };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (double.mode === 'down') return send(res, 503, { detail: 'GPU busy' });
    if (req.method === 'POST' && req.url === '/api/upload-video/process-video') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ProcessVideoRequest;
      double.requests.push(body);
      double.status.set(body.job_id, { status: 'processing', progress: 0 });
      return send(res, 200, { job_id: body.job_id, status: 'processing' });
    }
    const polled = /^\/api\/upload-video\/status\/([^/?]+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && polled) {
      double.statusPolls++;
      const jobId = decodeURIComponent(polled[1]!);
      const state = double.status.get(jobId);
      if (!state) return send(res, 404, { detail: 'Job not found' });
      return send(res, 200, { job_id: jobId, ...state });
    }
    send(res, 404, { detail: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(double, {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  });
}
