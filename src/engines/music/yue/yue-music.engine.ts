import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { HttpStatus, Logger } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { AppConfig } from '../../../config/app-config.js';
import { EngineError } from '../../engine-error.js';
import { parseLyrics, toYueLyrics } from '../lyrics.js';
import { MusicEngine, type GeneratedTrack, type MusicRequest } from '../music.engine.js';
import { YueProgressReader } from './yue-progress.js';

export interface YueRunOptions {
  /** Where each job's scratch folder is made; the system's temporary folder by default. */
  scratchParent?: string;
  /** How long the process group has between SIGTERM and SIGKILL once the job is aborted. */
  killGraceMs?: number;
  /** Least time between two progress reports. */
  progressIntervalMs?: number;
}

const OUTPUT_LINES_KEPT = 20;
/** YuE names its files after the genre text; with its own suffix a longer name passes the file system's 255 bytes. */
const GENRE_MAX_BYTES = 150;

/**
 * Runs YuE's `inference/infer.py` (github.com/multimodal-art-projection/YuE) as its README does, one process per
 * job in a process group of its own: the genre and the lyrics go into `genre.txt` and `lyrics.txt` of a scratch
 * folder, the flags come from YUE_* settings, progress is read from its output (see yue-progress.ts), and the song
 * is the newest `*_mixed.mp3` under the output folder (YuE writes `recons/mix/`, then `vocoder/mix/`, then the
 * post-processed mix at the top). Aborting the job kills the whole group.
 */
export class YueMusicEngine extends MusicEngine {
  readonly name = 'yue';
  private readonly logger = new Logger(YueMusicEngine.name);

  constructor(
    private readonly config: AppConfig,
    private readonly options: YueRunOptions = {},
  ) {
    super();
  }

  async generate(request: MusicRequest): Promise<GeneratedTrack> {
    const yue = this.config.music.yue;
    if (!yue.dir) throw new EngineError('ENGINE_NOT_CONFIGURED', 'YUE_DIR is not set', false, HttpStatus.SERVICE_UNAVAILABLE);
    request.signal.throwIfAborted();
    const scratch = await mkdtemp(join(this.options.scratchParent ?? tmpdir(), 'yousync-yue-'));
    try {
      const genreFile = join(scratch, 'genre.txt');
      const lyricsFile = join(scratch, 'lyrics.txt');
      const outputDir = join(scratch, 'output');
      await writeFile(genreFile, yueGenre(request.genre) + '\n');
      await writeFile(lyricsFile, toYueLyrics(parseLyrics(request.lyrics)));
      await mkdir(outputDir);
      const args = [
        'infer.py',
        '--cuda_idx', String(yue.cudaIdx),
        '--stage1_model', yue.stage1Model,
        '--stage2_model', yue.stage2Model,
        '--genre_txt', genreFile,
        '--lyrics_txt', lyricsFile,
        '--run_n_segments', String(yue.runNSegments),
        '--stage2_batch_size', String(yue.stage2BatchSize),
        '--output_dir', outputDir,
        '--max_new_tokens', String(yue.maxNewTokens),
        '--seed', String(request.seed),
      ];
      await this.run(yue.python, args, join(yue.dir, 'inference'), request);

      const song = await newestMixedMp3(outputDir);
      if (!song) throw new EngineError('ENGINE_FAILED', "YuE's infer.py ended without writing a *_mixed.mp3");
      const durationSeconds = await mp3Duration(song, request.signal);
      return {
        audio: createReadStream(song),
        durationSeconds,
        engine: { name: this.name, version: await checkoutVersion(yue.dir), model: yue.stage1Model },
        dispose: () => rm(scratch, { recursive: true, force: true }),
      };
    } catch (error) {
      await rm(scratch, { recursive: true, force: true });
      throw request.signal.aborted ? request.signal.reason : error;
    }
  }

  /** Resolves when the process exits with 0; rejects with the abort reason, or ENGINE_FAILED with its last lines. */
  private run(python: string, args: string[], cwd: string, { signal, progress }: MusicRequest): Promise<void> {
    const interval = this.options.progressIntervalMs ?? 1000;
    const reader = new YueProgressReader();
    const lastLines: string[] = [];
    let reported = Promise.resolve();
    let reportedAt = 0;
    let reportedStage = '';
    let trailing: NodeJS.Timeout | undefined;
    // A new stage is reported at once; within a stage at most one report per interval, the latest one last.
    const report = () => {
      const { percent, stage, message } = reader.progress;
      const wait = reportedAt + interval - Date.now();
      if (stage === reportedStage && wait > 0) {
        trailing ??= setTimeout(() => ((trailing = undefined), report()), wait);
        return;
      }
      clearTimeout(trailing);
      trailing = undefined;
      reportedAt = Date.now();
      reportedStage = stage;
      reported = reported
        .then(() => progress(percent, stage, message))
        .catch((error: unknown) => this.logger.warn(`YuE progress not recorded: ${(error as Error).message}`));
    };
    const readLine = (line: string) => {
      const text = line.trimEnd();
      if (!text) return;
      // Bars are redrawn hundreds of times; the kept lines are for the error message.
      if (!/\d%\|/.test(text)) {
        lastLines.push(text.slice(0, 500));
        if (lastLines.length > OUTPUT_LINES_KEPT) lastLines.shift();
      }
      if (reader.read(text)) report();
    };

    report();
    return new Promise<void>((resolve, reject) => {
      let child: ChildProcess;
      try {
        // Unbuffered, so that stage markers printed on stdout arrive in order with tqdm's bars on stderr; UTF-8,
        // because infer.py opens the lyrics without naming an encoding.
        const env = { ...process.env, PYTHONUNBUFFERED: '1', PYTHONUTF8: '1' };
        child = spawn(python, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
      } catch (error) {
        return reject(unavailable(python, cwd, error as Error));
      }
      splitLines(child.stdout!, readLine);
      splitLines(child.stderr!, readLine);

      let killTimer: NodeJS.Timeout | undefined;
      const killGroup = (signalName: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signalName);
        } catch {
          // ESRCH: the group is gone already.
        }
      };
      const onAbort = () => {
        if (child.pid === undefined) return;
        killGroup('SIGTERM');
        killTimer = setTimeout(() => killGroup('SIGKILL'), this.options.killGraceMs ?? 10_000);
      };
      signal.addEventListener('abort', onAbort, { once: true });

      child.once('error', (error) => {
        signal.removeEventListener('abort', onAbort);
        clearTimeout(trailing);
        reject(unavailable(python, cwd, error));
      });
      // 'close' waits for every holder of the pipes, so children YuE may have started are gone too.
      child.once('close', (code, killedBy) => {
        signal.removeEventListener('abort', onAbort);
        clearTimeout(killTimer);
        clearTimeout(trailing);
        if (signal.aborted) {
          // A member of the group that let go of the pipes may still be alive.
          killGroup('SIGKILL');
          return reject(signal.reason);
        }
        void reported.then(() => {
          if (code === 0) return resolve();
          const how = code !== null ? `exited with code ${code}` : `was killed by ${killedBy}`;
          const tail = lastLines.join('\n').slice(-2000);
          reject(new EngineError('ENGINE_FAILED', `YuE's infer.py ${how}${tail ? `:\n${tail}` : ''}`));
        });
      });
      if (signal.aborted) onAbort();
    });
  }
}

/** The genre as one line without `/` (YuE puts it in its output file names), cut to a length the file system allows. */
export function yueGenre(genre: string): string {
  let text = genre.replace(/[\u0000-\u001f\u007f/\\]+/g, ' ').replace(/\s+/g, ' ').trim();
  while (Buffer.byteLength(text) > GENRE_MAX_BYTES) text = [...text].slice(0, -1).join('').trimEnd();
  return text;
}

function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void) {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split(/\r\n|\r|\n/);
    buffered = lines.pop()!;
    lines.forEach(onLine);
  });
  stream.on('end', () => buffered && onLine(buffered));
}

const unavailable = (python: string, cwd: string, error: Error) =>
  new EngineError('ENGINE_UNAVAILABLE', `YuE could not be started (${python} in ${cwd}): ${error.message}`, false, HttpStatus.SERVICE_UNAVAILABLE);

/** The newest `**\/*_mixed.mp3`; of two as new, the one nearer the top (YuE's post-processed mix). */
async function newestMixedMp3(outputDir: string): Promise<string | undefined> {
  const names = (await readdir(outputDir, { recursive: true })).filter((name) => name.endsWith('_mixed.mp3'));
  const found = await Promise.all(
    names.map(async (name) => {
      const info = await stat(join(outputDir, name));
      return { path: join(outputDir, name), mtime: info.isFile() ? info.mtimeMs : -1, depth: name.split(sep).length };
    }),
  );
  found.sort((a, b) => b.mtime - a.mtime || a.depth - b.depth);
  return found.find((file) => file.mtime >= 0)?.path;
}

/** Seconds of audio, by decoding it (an MP3 without a Xing header has only an estimate in its header). */
export async function mp3Duration(file: string, signal?: AbortSignal): Promise<number> {
  const child = spawn(ffmpeg.path, ['-hide_banner', '-nostdin', '-i', file, '-vn', '-f', 'null', '-'], { stdio: ['ignore', 'ignore', 'pipe'], signal });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const times = [...stderr.matchAll(/time=(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/g)];
  const last = times.at(-1);
  if (code !== 0 || !last) {
    throw new EngineError('ENGINE_FAILED', `YuE's MP3 could not be decoded: ${stderr.trim().split('\n').at(-1) ?? `ffmpeg exited with ${code}`}`);
  }
  return Number(last[1]) * 3600 + Number(last[2]) * 60 + Number(last[3]);
}

/** The YuE checkout's commit, read from its .git (no git binary needed); `unknown` when it is not a git checkout. */
async function checkoutVersion(dir: string): Promise<string> {
  try {
    const head = (await readFile(join(dir, '.git', 'HEAD'), 'utf8')).trim();
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (!ref) return head.slice(0, 12);
    const loose = await readFile(join(dir, '.git', ref), 'utf8').catch(() => undefined);
    if (loose) return loose.trim().slice(0, 12);
    const packed = await readFile(join(dir, '.git', 'packed-refs'), 'utf8');
    return packed.split('\n').find((line) => line.endsWith(` ${ref}`))?.slice(0, 12) ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
