import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { MusicGenerationBody } from '../../src/engines/music/remote/remote-music.engine.js';

/** A real MP3 (44.1 kHz stereo, 128 kbps) holding a sine tone, made with the ffmpeg from npm. */
export async function sineMp3(seconds: number, frequency = 440): Promise<Buffer> {
  const { stdout } = await promisify(execFile)(
    ffmpeg.path,
    ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=${seconds}`, '-ac', '2', '-ar', '44100', '-b:a', '128k', '-f', 'mp3', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** How the next jobs go; the test changes it between (or during) generations. */
export interface MusicServerBehaviour {
  /** Status polls answering `queued`, then `processing`, before the job is done. */
  queuedPolls: number;
  processingPolls: number;
  /** Set: the job ends `failed` with this error instead of `completed`. */
  fail?: string;
  /** Whether `processing` answers carry a numeric `progress` (the seed's do not). */
  progress: boolean;
  /** Set: `duration` (seconds) in the `completed` answer (the seed's has none). */
  duration?: number;
  /** The next this many submissions / status polls answer 503. */
  submitErrors: number;
  statusErrors: number;
  /** A well-formed HTTP answer whose body is not what seed 004 answers. */
  malformed?: 'submit' | 'status' | 'download';
}

export interface MusicServerDouble {
  url: string;
  behaviour: MusicServerBehaviour;
  /** The MP3 every completed job downloads. */
  mp3: Buffer;
  submissions: MusicGenerationBody[];
  statusPolls: number;
  downloads: number;
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

const readJson = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
};

/**
 * Seed 004's music server on loopback: `POST /generate-music-async/ {genre_txt, lyrics_txt}` → `{job_id, status:
 * "queued"}`, `GET /job-status/{job_id}` → `{status, created_at, completed_at, file_path, error}` (the job moves on
 * one step per poll), `GET /music/download/{job_id}` → the MP3, or the seed's 404/400 `{detail}` bodies.
 */
export async function startMusicServer(mp3: Buffer): Promise<MusicServerDouble> {
  const jobs = new Map<string, { polls: number; createdAt: string; completedAt: string | null; status: string }>();
  const double = {
    behaviour: { queuedPolls: 1, processingPolls: 2, progress: false, submitErrors: 0, statusErrors: 0 } as MusicServerBehaviour,
    mp3,
    submissions: [] as MusicGenerationBody[],
    statusPolls: 0,
    downloads: 0,
  };

  const server: Server = createServer((req, res) => void handle(req, res).catch((error: Error) => send(res, 500, { detail: error.message })));
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const { behaviour } = double;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path === '/generate-music-async/') {
      const body = await readJson(req);
      if (behaviour.submitErrors > 0) {
        behaviour.submitErrors--;
        return send(res, 503, { detail: 'busy' });
      }
      if (typeof body.genre_txt !== 'string' || typeof body.lyrics_txt !== 'string') return send(res, 422, { detail: 'genre_txt and lyrics_txt are required' });
      double.submissions.push({ genre_txt: body.genre_txt, lyrics_txt: body.lyrics_txt });
      if (behaviour.malformed === 'submit') return send(res, 200, { id: 'no-job-id-here', status: 'queued' });
      const jobId = randomUUID();
      jobs.set(jobId, { polls: 0, createdAt: new Date().toISOString(), completedAt: null, status: 'queued' });
      return send(res, 200, { job_id: jobId, status: 'queued' });
    }
    const status = /^\/job-status\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && status) {
      double.statusPolls++;
      if (behaviour.statusErrors > 0) {
        behaviour.statusErrors--;
        return send(res, 503, { detail: 'busy' });
      }
      const job = jobs.get(decodeURIComponent(status[1]!));
      if (!job) return send(res, 404, { detail: '해당 작업을 찾을 수 없습니다.' });
      if (behaviour.malformed === 'status') return send(res, 200, { state: 'done' });
      const poll = ++job.polls;
      const processingFrom = behaviour.queuedPolls + 1;
      const doneFrom = processingFrom + behaviour.processingPolls;
      if (poll >= doneFrom && job.status !== 'completed' && job.status !== 'failed') {
        job.status = behaviour.fail ? 'failed' : 'completed';
        job.completedAt = new Date().toISOString();
      } else if (poll >= processingFrom && job.status === 'queued') {
        job.status = 'processing';
      }
      const progress = job.status === 'processing' && behaviour.progress ? { progress: Math.round(((poll - processingFrom + 1) / (behaviour.processingPolls + 1)) * 100) } : {};
      const duration = job.status === 'completed' && behaviour.duration !== undefined ? { duration: behaviour.duration } : {};
      return send(res, 200, {
        status: job.status,
        created_at: job.createdAt,
        completed_at: job.completedAt,
        file_path: job.status === 'completed' ? `/srv/yue/output/${status[1]}.mp3` : null,
        error: job.status === 'failed' ? behaviour.fail : null,
        ...progress,
        ...duration,
      });
    }
    const download = /^\/music\/download\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && download) {
      const job = jobs.get(decodeURIComponent(download[1]!));
      if (!job) return send(res, 404, { detail: '해당 작업을 찾을 수 없습니다.' });
      if (job.status !== 'completed') return send(res, 400, { detail: `다운로드할 수 없습니다. 현재 상태: ${job.status}` });
      double.downloads++;
      if (behaviour.malformed === 'download') return send(res, 200, { detail: 'not an mp3' });
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(double.mp3.length) });
      return res.end(double.mp3);
    }
    send(res, 404, { detail: 'Not Found' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(double, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  });
}
