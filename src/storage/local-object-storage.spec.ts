import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStorage } from './local-object-storage.js';
import { UrlSigner } from './url-signer.js';

describe(LocalObjectStorage.name, () => {
  let root: string;
  let sut: LocalObjectStorage;
  const partialDir = () => join(root, 'partial');
  const touch = async (name: string, ageMs: number) => {
    await writeFile(join(partialDir(), name), 'partial bytes');
    const when = new Date(Date.now() - ageMs);
    await utimes(join(partialDir(), name), when, when);
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'yousync-local-storage-'));
    await mkdir(partialDir(), { recursive: true });
    sut = new LocalObjectStorage(root, new UrlSigner('secret-secret-secret-secret-secret'), 'http://localhost', 900);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  describe('removeAbandonedUploads', () => {
    it('removes partial files untouched for longer than the given age and keeps the others', async () => {
      await touch('crashed-yesterday', 24 * 3600_000);
      await touch('crashed-an-hour-ago', 3600_000);
      await touch('being-written', 1_000);
      await touch('idle-but-within-the-limit', 9 * 60_000);

      expect(await sut.removeAbandonedUploads(10 * 60_000)).toBe(2);
      expect((await readdir(partialDir())).sort()).toEqual(['being-written', 'idle-but-within-the-limit']);
    });

    it('leaves stored objects alone, and copes with no partial directory at all', async () => {
      await sut.put('clips/kept.wav', Readable.from([Buffer.from('RIFF')]), { contentType: 'audio/wav' });
      await rm(partialDir(), { recursive: true });
      expect(await sut.removeAbandonedUploads(0)).toBe(0);
      expect((await sut.head('clips/kept.wav'))?.size).toBe(4);
    });
  });

  describe('put', () => {
    it('leaves no partial file when the body fails midway', async () => {
      const body = new Readable({ read() {} });
      body.push(Buffer.alloc(64 * 1024));
      setTimeout(() => body.destroy(new Error('client went away')), 20);

      await expect(sut.put('recordings/broken.wav', body, { contentType: 'audio/wav' })).rejects.toThrow('client went away');
      expect(await readdir(partialDir())).toEqual([]);
      expect(await sut.head('recordings/broken.wav')).toBeNull();
    });
  });
});
