import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../../config/app-config.js';
import { EngineError } from '../../engine-error.js';
import type { MusicRequest } from '../music.engine.js';
import { isAlive, standIn, type Behaviour } from '../../../../test/support/yue-stand-in.js';
import { YueMusicEngine, yueGenre } from './yue-music.engine.js';


async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const bytesOf = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('YueMusicEngine, the YuE runner against a stand-in infer.py (YuE needs a GPU and model weights that are not here)', () => {
  let root: string;
  let yueDir: string;
  let scratchParent: string;
  let progress: Array<{ percent: number; stage: string; message?: string }>;
  let controller: AbortController;

  const config = {
    music: {
      yue: {
        dir: '',
        python: 'python3',
        stage1Model: 'm-a-p/YuE-s1-7B-anneal-en-cot',
        stage2Model: 'm-a-p/YuE-s2-1B-general',
        runNSegments: 2,
        stage2BatchSize: 4,
        maxNewTokens: 3000,
        cudaIdx: 1,
      },
    },
  };
  const engine = (behaviour: Behaviour, options: { killGraceMs?: number; progressIntervalMs?: number } = {}) => {
    config.music.yue.dir = yueDir;
    return writeFile(join(yueDir, 'inference', 'infer.py'), standIn(behaviour, ffmpeg.path)).then(
      () => new YueMusicEngine(config as unknown as AppConfig, { scratchParent, progressIntervalMs: 0, ...options }),
    );
  };
  const request = (overrides: Partial<MusicRequest> = {}): MusicRequest => ({
    jobId: 'job-1',
    genre: 'sad piano ballad',
    lyrics: '[verse]\n여름이 왔네 햇살이 빛나네\n\n[chorus]\n바다로 가자 우리 함께',
    seed: 1234,
    signal: controller.signal,
    progress: async (percent, stage, message) => void progress.push({ percent, stage, message }),
    ...overrides,
  });
  const record = async () => JSON.parse(await readFile(join(yueDir, 'inference', 'record.json'), 'utf8'));
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('the generation succeeded'), (error: unknown) => error);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'yue-spec-'));
    yueDir = join(root, 'YuE');
    scratchParent = join(root, 'scratch');
    await mkdir(join(yueDir, 'inference'), { recursive: true });
    await mkdir(scratchParent);
    progress = [];
    controller = new AbortController();
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("runs infer.py from YuE's inference folder with the flags and files of YuE's README", async () => {
    const sut = await engine('song');
    const track = await sut.generate(request());
    await bytesOf(track.audio);
    await track.dispose!();

    const { argv, cwd, genre, lyrics, unbuffered } = await record();
    const flag = (name: string) => argv[argv.indexOf(name) + 1];
    expect(cwd).toBe(join(yueDir, 'inference'));
    expect(argv.filter((arg: string) => arg.startsWith('--'))).toEqual([
      '--cuda_idx', '--stage1_model', '--stage2_model', '--genre_txt', '--lyrics_txt', '--run_n_segments',
      '--stage2_batch_size', '--output_dir', '--max_new_tokens', '--seed',
    ]);
    expect([flag('--cuda_idx'), flag('--stage1_model'), flag('--stage2_model')]).toEqual(['1', 'm-a-p/YuE-s1-7B-anneal-en-cot', 'm-a-p/YuE-s2-1B-general']);
    expect([flag('--run_n_segments'), flag('--stage2_batch_size'), flag('--max_new_tokens'), flag('--seed')]).toEqual(['2', '4', '3000', '1234']);
    expect(flag('--genre_txt')).toMatch(/[/\\]genre\.txt$/);
    expect(flag('--lyrics_txt')).toMatch(/[/\\]lyrics\.txt$/);
    expect(genre).toBe('sad piano ballad\n');
    expect(lyrics).toBe('[verse]\n여름이 왔네 햇살이 빛나네\n\n[chorus]\n바다로 가자 우리 함께\n');
    expect(unbuffered).toBe('1');
  });

  it('returns the newest *_mixed.mp3 under the output folder, its duration, and removes the scratch folder on dispose', async () => {
    const sut = await engine('song');
    const track = await sut.generate(request());

    expect(track.engine).toEqual({ name: 'yue', version: 'unknown', model: 'm-a-p/YuE-s1-7B-anneal-en-cot' });
    expect(track.durationSeconds).toBeGreaterThan(2.9);
    expect(track.durationSeconds).toBeLessThan(3.2);
    const [scratch] = await readdir(scratchParent);
    const mixed = join(scratchParent, scratch!, 'output', 'vocoder', 'mix', 'sad-piano-ballad_tp0@93_T1@0_rp1@1_maxtk3000_0b9f_mixed.mp3');
    expect(sha(await bytesOf(track.audio))).toBe(sha(await readFile(mixed)));

    await track.dispose!();
    expect(await readdir(scratchParent)).toEqual([]);
  });

  it('relays the progress of both stages, never going back', async () => {
    const sut = await engine('song');
    const track = await sut.generate(request());
    await track.dispose!();

    const percents = progress.map((report) => report.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect([...new Set(progress.map((report) => report.stage))]).toEqual(['loading', 'stage1', 'stage2', 'mixing']);
    expect(progress.some((report) => report.stage === 'stage1' && report.percent > 5 && report.percent < 60)).toBe(true);
    expect(progress.some((report) => report.stage === 'stage2' && report.percent > 60 && report.percent < 95)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ percent: 95, stage: 'mixing' });
  });

  it('reports at most once per interval within a stage', async () => {
    const sut = await engine('song', { progressIntervalMs: 60_000 });
    const track = await sut.generate(request());
    await track.dispose!();

    expect(progress.map((report) => report.stage)).toEqual(['loading', 'stage1', 'stage2', 'mixing']);
  });

  it('keeps a genre with a slash (YuE names its files after the genre) and writes it as one line', async () => {
    const sut = await engine('song');
    const track = await sut.generate(request({ genre: '신나는 lo-fi/hip-hop\nK-POP' }));
    await track.dispose!();

    expect((await record()).genre).toBe('신나는 lo-fi hip-hop K-POP\n');
    expect(yueGenre('가'.repeat(100))).toBe('가'.repeat(50));
  });

  it('kills the process and its children on abort, rejects with the reason and removes the scratch folder', async () => {
    const sut = await engine('hang');
    const generation = failure(sut.generate(request()));
    const pidsFile = join(yueDir, 'inference', 'pids.json');
    await eventually(() => existsSync(pidsFile));
    const pids = JSON.parse(await readFile(pidsFile, 'utf8')) as { python: number; sleep: number };
    expect(isAlive(pids.python) && isAlive(pids.sleep)).toBe(true);

    const reason = new Error('cancelled by the user');
    controller.abort(reason);

    expect(await generation).toBe(reason);
    expect(isAlive(pids.python)).toBe(false);
    expect(isAlive(pids.sleep)).toBe(false);
    expect(await readdir(scratchParent)).toEqual([]);
  });

  it('kills with SIGKILL after the grace period a process group that ignores SIGTERM', async () => {
    const sut = await engine('hang-ignoring-sigterm', { killGraceMs: 300 });
    const generation = failure(sut.generate(request()));
    const pidsFile = join(yueDir, 'inference', 'pids.json');
    await eventually(() => existsSync(pidsFile));
    const pids = JSON.parse(await readFile(pidsFile, 'utf8')) as { python: number; sleep: number };

    const abortedAt = Date.now();
    controller.abort(new Error('deadline'));

    expect(await generation).toMatchObject({ message: 'deadline' });
    expect(Date.now() - abortedAt).toBeGreaterThanOrEqual(250);
    expect(isAlive(pids.python)).toBe(false);
    expect(isAlive(pids.sleep)).toBe(false);
    expect(await readdir(scratchParent)).toEqual([]);
  });

  it('fails with ENGINE_FAILED, the exit code and the last lines of the traceback when the script crashes', async () => {
    const sut = await engine('crash');
    const error = await failure(sut.generate(request()));

    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'ENGINE_FAILED' });
    const message = (error as EngineError).message;
    expect(message).toContain('exited with code 1');
    expect(message).toContain('Traceback (most recent call last):');
    // stdout and stderr are two pipes: which of their last lines arrives last is not fixed, so no end anchor.
    expect(message).toContain("RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB");
    expect(message).not.toContain('%|');
    expect(await readdir(scratchParent)).toEqual([]);
  });

  it('fails with ENGINE_FAILED when the script ends well without a *_mixed.mp3', async () => {
    const sut = await engine('no-song');
    const error = await failure(sut.generate(request()));

    expect(error).toMatchObject({ code: 'ENGINE_FAILED', message: expect.stringContaining('_mixed.mp3') });
    expect(await readdir(scratchParent)).toEqual([]);
  });

  it('fails with ENGINE_UNAVAILABLE when the Python interpreter cannot be started', async () => {
    const sut = await engine('song');
    config.music.yue.python = join(root, 'no-such-python');
    try {
      const error = await failure(sut.generate(request()));
      expect(error).toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
    } finally {
      config.music.yue.python = 'python3';
    }
    expect(await readdir(scratchParent)).toEqual([]);
  });
});
