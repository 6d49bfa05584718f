import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, toneWav } from './support/audio.js';
import { http, json, signIn, signInAdmin, startTestApp, type SignedIn, type TestApp } from './support/test-app.js';

const whisper = (segments: Array<[number, number, string, Array<[string, number, number]>]>) => ({
  text: segments.map(([, , text]) => text).join(' '),
  language: 'ko',
  segments: segments.map(([start, end, text, words], id) => ({
    id,
    seek: 0,
    start,
    end,
    text: ` ${text}`,
    tokens: [1, 2, 3],
    temperature: 0,
    avg_logprob: -0.2,
    compression_ratio: 1.1,
    no_speech_prob: 0.01,
    words: words.map(([word, wordStart, wordEnd]) => ({ word: ` ${word}`, start: wordStart, end: wordEnd, probability: 0.9 })),
  })),
});

describe('catalog', () => {
  let t: TestApp;
  let admin: SignedIn;
  let user: SignedIn;
  let song: { id: number };
  let hanks: { id: number };
  let koToken: { id: number };
  let enToken: { id: number };

  const as = (who: SignedIn | undefined, init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), ...(who?.headers ?? {}) },
  });
  const post = async (path: string, body: unknown, who: SignedIn = admin) => t.fetch(path, json(body, { headers: who.headers }));

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signInAdmin(t);
    user = await signIn(t, 'viewer@example.com');
    song = await (await post('/actors', { name: '송강호', aliases: ['Song Kang-ho', 'Song Kangho'] })).json();
    hanks = await (await post('/actors', { name: 'Tom Hanks' })).json();
    const url = await (await post('/urls', { url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42', title: 'Trailer' })).json();
    koToken = await (await post('/tokens', { title: '기생충', actor_id: song.id, url_id: url.id, start_time: 60, end_time: 64, language: 'ko', tags: ['drama'] })).json();
    enToken = await (await post('/tokens', { title: 'Forrest Gump', actor_id: hanks.id, start_time: 10, end_time: 13.5, language: 'en' })).json();
    for (let i = 0; i < 3; i++) {
      await post('/tokens', { title: `Filler ${i}`, actor_id: hanks.id, start_time: 0, end_time: 1, language: 'en', tags: ['filler'] });
    }
    const imported = await t.fetch(
      `/tokens/${koToken.id}/scripts`,
      as(admin, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(whisper([
        [0.2, 1.8, '오늘 날씨가 좋네요', [['오늘', 0.2, 0.6], ['날씨가', 0.6, 1.2], ['좋네요', 1.2, 1.8]]],
        [2.0, 3.5, '산책 갈까요', [['산책', 2.0, 2.6], ['갈까요', 2.6, 3.5]]],
      ])) }),
    );
    expect(imported.status).toBe(200);
    await t.fetch(
      `/tokens/${enToken.id}/scripts`,
      as(admin, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(whisper([[0.1, 1.5, 'Life is like a box', [['Life', 0.1, 0.4], ['is', 0.4, 0.6], ['like', 0.6, 0.9], ['a', 0.9, 1.0], ['box', 1.0, 1.5]]]])) }),
    );
  });
  afterAll(() => t?.close());

  describe('writes need an admin', () => {
    it('answers 401 to anonymous and 403 to a plain user', async () => {
      expect((await t.fetch('/actors', json({ name: 'X' }))).status).toBe(401);
      expect((await post('/actors', { name: 'X' }, user)).status).toBe(403);
      expect((await post('/tokens', { title: 'x', actor_id: song.id, start_time: 0, end_time: 1, language: 'ko' }, user)).status).toBe(403);
      expect((await t.fetch(`/tokens/${koToken.id}`, as(user, { method: 'DELETE' }))).status).toBe(403);
      expect((await t.fetch(`/tokens/${koToken.id}/audio`, as(user, { method: 'PUT', body: multipart('file', 'a.wav', toneWav(0.1)) }))).status).toBe(403);
      expect((await t.fetch(`/tokens/${koToken.id}/scripts`, as(user, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' }))).status).toBe(403);
    });

    it('validates bodies: unknown actor 400, end before start 400, duplicate name 409', async () => {
      expect((await post('/tokens', { title: 'x', actor_id: 999999, start_time: 0, end_time: 1, language: 'ko' })).status).toBe(400);
      expect((await post('/tokens', { title: 'x', actor_id: song.id, start_time: 5, end_time: 1, language: 'ko' })).status).toBe(400);
      expect((await post('/tokens', { title: 'x', actor_id: song.id, start_time: 0, end_time: 1, language: 'korean!' })).status).toBe(400);
      expect((await post('/actors', { name: '송강호' })).status).toBe(409);
      expect((await t.fetch(`/tokens/${koToken.id}`, as(admin, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ start_time: 100 }) }))).status).toBe(400);
    });
  });

  describe('GET /tokens', () => {
    it('paginates, at most 100 a page', async () => {
      const first = await (await t.fetch('/tokens?limit=2')).json();
      expect(first).toMatchObject({ total: 5, page: 1, limit: 2 });
      expect(first.items).toHaveLength(2);
      const third = await (await t.fetch('/tokens?limit=2&page=3')).json();
      expect(third.items).toHaveLength(1);
      const ids = [...first.items, ...(await (await t.fetch('/tokens?limit=2&page=2')).json()).items, ...third.items].map((token: { id: number }) => token.id);
      expect(new Set(ids).size).toBe(5);
      expect((await (await t.fetch('/tokens?limit=100')).json()).items).toHaveLength(5);
      for (const bad of ['limit=101', 'limit=0', 'page=0', 'limit=abc', 'page=-1']) {
        expect((await t.fetch(`/tokens?${bad}`)).status, bad).toBe(400);
      }
    });

    it('filters by actor (id, name or alias), title, language and tag', async () => {
      const titles = async (query: string) => (await (await t.fetch(`/tokens?${query}`)).json()).items.map((token: { title: string }) => token.title);
      expect(await titles(`actor_id=${song.id}`)).toEqual(['기생충']);
      expect(await titles('actor=kang-ho')).toEqual(['기생충']);
      expect(await titles(`actor=${encodeURIComponent('송강')}`)).toEqual(['기생충']);
      expect(await titles('title=gump')).toEqual(['Forrest Gump']);
      expect(await titles('language=ko')).toEqual(['기생충']);
      expect((await titles('tag=filler')).length).toBe(3);
      expect(await titles('title=%25')).toEqual([]); // a literal %, not a wildcard
    });

    it('searches script text, in Korean too', async () => {
      const found = async (q: string) => (await (await t.fetch(`/tokens?q=${encodeURIComponent(q)}`)).json()).items.map((token: { id: number }) => token.id);
      expect(await found('날씨')).toEqual([koToken.id]);
      expect(await found('산책 갈')).toEqual([koToken.id]);
      expect(await found('box')).toEqual([enToken.id]);
      expect(await found('없는말')).toEqual([]);
    });

    it('lists each token with its actor, source URL and times', async () => {
      const token = (await (await t.fetch(`/tokens?actor_id=${song.id}`)).json()).items[0];
      expect(token).toMatchObject({
        id: koToken.id,
        title: '기생충',
        actor: { id: song.id, name: '송강호' },
        url: { youtube_id: 'dQw4w9WgXcQ', title: 'Trailer' },
        start_time: 60,
        end_time: 64,
        duration: 4,
        language: 'ko',
        tags: ['drama'],
      });
    });
  });

  describe('GET /tokens/{id}', () => {
    it('has the scripts and every word with its timing, in order', async () => {
      const token = await (await t.fetch(`/tokens/${koToken.id}`)).json();
      expect(token.scripts.map((script: { text: string }) => script.text)).toEqual(['오늘 날씨가 좋네요', '산책 갈까요']);
      expect(token.scripts[0].words.map((word: { word: string; start_time: number; end_time: number }) => [word.word, word.start_time, word.end_time])).toEqual([
        ['오늘', 0.2, 0.6],
        ['날씨가', 0.6, 1.2],
        ['좋네요', 1.2, 1.8],
      ]);
      expect(token.scripts[1]).toMatchObject({ order: 1, start_time: 2, end_time: 3.5, token_id: koToken.id });
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      expect((await t.fetch('/tokens/999999')).status).toBe(404);
      for (const bad of ['abc', '0', '-1', '1.5', '99999999999']) expect((await t.fetch(`/tokens/${bad}`)).status, bad).toBe(400);
      expect((await t.fetch('/actors/abc')).status).toBe(400);
      expect((await t.fetch('/scripts/abc')).status).toBe(400);
    });
  });

  it('GET /scripts/{id} returns a script with its words; 404 when unknown', async () => {
    const token = await (await t.fetch(`/tokens/${enToken.id}`)).json();
    const script = await (await t.fetch(`/scripts/${token.scripts[0].id}`)).json();
    expect(script).toMatchObject({ text: 'Life is like a box', token_id: enToken.id });
    expect(script.words.map((word: { word: string }) => word.word)).toEqual(['Life', 'is', 'like', 'a', 'box']);
    expect((await t.fetch('/scripts/999999')).status).toBe(404);
  });

  describe('script import', () => {
    const put = (id: number, body: unknown) =>
      t.fetch(`/tokens/${id}/scripts`, as(admin, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    const scriptsOf = async (id: number) => (await (await t.fetch(`/tokens/${id}`)).json()).scripts;

    it('rejects a word outside its script with 400 and stores nothing', async () => {
      const before = await scriptsOf(koToken.id);
      const response = await put(koToken.id, whisper([[0.2, 1.0, '새 문장', [['새', 0.2, 0.5], ['문장', 0.5, 1.3]]]]));
      expect(response.status).toBe(400);
      expect((await response.json()).message).toMatch(/words\[1\] \("문장"\) .* outside its segment/);
      expect(await scriptsOf(koToken.id)).toEqual(before);
    });

    it('rejects overlapping scripts with 400 and stores nothing', async () => {
      const before = await scriptsOf(koToken.id);
      const response = await put(koToken.id, whisper([[0.0, 2.0, '하나', [['하나', 0.0, 2.0]]], [1.5, 3.0, '둘', [['둘', 1.5, 3.0]]]]));
      expect(response.status).toBe(400);
      expect((await response.json()).message).toMatch(/segments\[1\] .* overlaps/);
      expect(await scriptsOf(koToken.id)).toEqual(before);
    });

    it('rejects a script past the end of the clip, and malformed JSON shapes', async () => {
      expect((await put(koToken.id, whisper([[0, 9, '너무 길어요', []]]))).status).toBe(400);
      expect((await put(koToken.id, { segments: [] })).status).toBe(400);
      expect((await put(koToken.id, { segments: [{ start: 'a', end: 1, text: 'x' }] })).status).toBe(400);
      expect((await put(koToken.id, { segments: [{ start: 0, end: 1, text: 'x', words: [{ word: 'x', start: 0, end: 1, rogue: 1 }] }] })).status).toBe(400);
      expect((await put(999999, whisper([[0, 1, 'x', []]]))).status).toBe(404);
    });
  });

  describe('clip audio', () => {
    const clipFiles = (id: number) => {
      const dir = join(t.dataDir, 'storage', 'objects', 'tokens', String(id));
      return existsSync(dir) ? readdirSync(dir) : [];
    };
    const upload = (id: number, content: Buffer, headers: Record<string, string> = {}) =>
      t.fetch(`/tokens/${id}/audio`, as(admin, { method: 'PUT', body: multipart('file', 'clip.wav', content), headers }));

    it('is 404 until uploaded, then redirects to the stored bytes', async () => {
      expect((await t.fetch(`/tokens/${enToken.id}/audio`, { redirect: 'manual' })).status).toBe(404);
      const wav = toneWav(3.5);
      const response = await upload(enToken.id, wav);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ has_audio: true, audio_url: `/tokens/${enToken.id}/audio` });

      const redirect = await t.fetch(`/tokens/${enToken.id}/audio`, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      const audio = await http(redirect.headers.get('location')!);
      expect(audio.headers.get('content-type')).toBe('audio/wav');
      expect(Buffer.from(await audio.arrayBuffer()).equals(wav)).toBe(true);
      const range = await http(redirect.headers.get('location')!, { headers: { range: 'bytes=0-3' } });
      expect(range.status).toBe(206);
      expect(await range.text()).toBe('RIFF');
    });

    it('replaces the previous clip and deletes its bytes', async () => {
      await upload(koToken.id, toneWav(1));
      await upload(koToken.id, toneWav(2));
      expect(clipFiles(koToken.id)).toHaveLength(1);
    });

    it('refuses a file that is not audio (415) whatever it claims, and keeps nothing', async () => {
      const before = clipFiles(koToken.id);
      const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
      const response = await t.fetch(`/tokens/${koToken.id}/audio`, as(admin, { method: 'PUT', body: multipart('file', 'clip.wav', png, 'audio/wav') }));
      expect(response.status).toBe(415);
      expect((await t.fetch(`/tokens/${koToken.id}/audio`, as(admin, { method: 'PUT', body: multipart('file', 'x.wav', Buffer.from('just text, not sound')) }))).status).toBe(415);
      expect(clipFiles(koToken.id)).toEqual(before);
      expect(existsSync(join(t.dataDir, 'storage', 'partial')) ? readdirSync(join(t.dataDir, 'storage', 'partial')) : []).toEqual([]);
    });

    it('refuses a file over the limit (413), announced or streamed, and keeps nothing', async () => {
      const before = clipFiles(koToken.id);
      const big = Buffer.concat([toneWav(1), Buffer.alloc(51 * 1024 * 1024)]);
      expect((await upload(koToken.id, big)).status).toBe(413);

      // Chunked, with no Content-Length: the limit is enforced while the bytes stream.
      const form = multipart('file', 'big.wav', big);
      const encoded = new Response(form);
      const response = await t.fetch(`/tokens/${koToken.id}/audio`, {
        method: 'PUT',
        headers: { ...admin.headers, 'content-type': encoded.headers.get('content-type')! },
        body: encoded.body,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(clipFiles(koToken.id)).toEqual(before);
    });

    it('answers 400 to a request without the file field', async () => {
      const form = new FormData();
      form.append('other', 'x');
      expect((await t.fetch(`/tokens/${koToken.id}/audio`, as(admin, { method: 'PUT', body: form }))).status).toBe(400);
      expect((await t.fetch(`/tokens/${koToken.id}/audio`, as(admin, { method: 'PUT', body: toneWav(0.1) }))).status).toBe(400);
    });
  });

  describe('actors and urls', () => {
    it('search matches aliases; an actor lists their tokens', async () => {
      const found = await (await t.fetch('/actors?q=kangho')).json();
      expect(found.items.map((actor: { name: string }) => actor.name)).toEqual(['송강호']);
      const actor = await (await t.fetch(`/actors/${song.id}`)).json();
      expect(actor).toMatchObject({ name: '송강호', aliases: ['Song Kang-ho', 'Song Kangho'] });
      expect(actor.tokens.map((token: { id: number }) => token.id)).toEqual([koToken.id]);
      expect((await t.fetch('/actors/999999')).status).toBe(404);
      expect((await t.fetch('/actors?limit=101')).status).toBe(400);
    });

    it('an actor with tokens cannot be deleted (409); one without can', async () => {
      expect((await t.fetch(`/actors/${song.id}`, as(admin, { method: 'DELETE' }))).status).toBe(409);
      const lonely = await (await post('/actors', { name: 'Nobody Yet' })).json();
      expect((await t.fetch(`/actors/${lonely.id}`, as(admin, { method: 'DELETE' }))).status).toBe(204);
      expect((await t.fetch(`/actors/${lonely.id}`)).status).toBe(404);
    });

    it('urls: listed with their YouTube id, unique', async () => {
      const urls = await (await t.fetch('/urls')).json();
      expect(urls.items[0]).toMatchObject({ youtube_id: 'dQw4w9WgXcQ', title: 'Trailer' });
      expect((await post('/urls', { url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42' })).status).toBe(409);
      expect((await post('/urls', { url: 'not a url' })).status).toBe(400);
      const short = await (await post('/urls', { url: 'https://youtu.be/abcdefghijk' })).json();
      expect(short.youtube_id).toBe('abcdefghijk');
    });
  });

  it('deleting a token removes it, its scripts and its clip', async () => {
    const token = await (await post('/tokens', { title: 'Doomed', actor_id: hanks.id, start_time: 0, end_time: 2, language: 'en' })).json();
    await t.fetch(`/tokens/${token.id}/audio`, as(admin, { method: 'PUT', body: multipart('file', 'clip.wav', toneWav(1)) }));
    const dir = join(t.dataDir, 'storage', 'objects', 'tokens', String(token.id));
    expect(readdirSync(dir)).toHaveLength(1);
    expect((await t.fetch(`/tokens/${token.id}`, as(admin, { method: 'DELETE' }))).status).toBe(204);
    expect((await t.fetch(`/tokens/${token.id}`)).status).toBe(404);
    expect(readdirSync(dir)).toHaveLength(0);
  });
});

describe('bookmarks', () => {
  let t: TestApp;
  let a: SignedIn;
  let b: SignedIn;
  let tokenId: number;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await signInAdmin(t);
    a = await signIn(t, 'alice@example.com');
    b = await signIn(t, 'bob@example.com');
    const actor = await (await t.fetch('/actors', json({ name: '전도연' }, { headers: admin.headers }))).json();
    tokenId = (await (await t.fetch('/tokens', json({ title: '밀양', actor_id: actor.id, start_time: 5, end_time: 8, language: 'ko' }, { headers: admin.headers }))).json()).id;
  });
  afterAll(() => t?.close());

  const add = (who: SignedIn, body: unknown) => t.fetch('/mypage/bookmarks/', json(body, { headers: who.headers }));
  const list = async (who: SignedIn) => (await t.fetch('/mypage/bookmarks/', { headers: who.headers })).json();

  it('needs a signed-in user (401)', async () => {
    expect((await t.fetch('/mypage/bookmarks/')).status).toBe(401);
    expect((await t.fetch('/mypage/bookmarks/', json({ token_id: tokenId }))).status).toBe(401);
    expect((await t.fetch(`/mypage/bookmarks/${tokenId}`, { method: 'DELETE' })).status).toBe(401);
  });

  it('adds once: a second add is not an error and makes no duplicate', async () => {
    expect((await add(a, { token_id: tokenId })).status).toBe(201);
    const again = await add(a, { token_id: tokenId });
    expect(again.status).toBe(200);
    const bookmarks = await list(a);
    expect(bookmarks).toHaveLength(1);
    expect(bookmarks[0]).toMatchObject({
      token_id: tokenId,
      token: { title: '밀양', actor: { name: '전도연' }, start_time: 5, end_time: 8, duration: 3 },
    });
  });

  it("keeps each user's bookmarks their own: invisible to others, not deletable by them", async () => {
    expect(await list(b)).toEqual([]);
    expect((await t.fetch(`/mypage/bookmarks/${tokenId}`, { method: 'DELETE', headers: b.headers })).status).toBe(404);
    expect(await list(a)).toHaveLength(1);
    expect((await t.fetch(`/mypage/bookmarks/${tokenId}`, { method: 'DELETE', headers: a.headers })).status).toBe(204);
    expect(await list(a)).toEqual([]);
  });

  it('answers 404 for an unknown token and 400 for a malformed one', async () => {
    expect((await add(a, { token_id: 999999 })).status).toBe(404);
    expect((await add(a, { token_id: 'abc' })).status).toBe(400);
    expect((await add(a, {})).status).toBe(400);
    expect((await t.fetch('/mypage/bookmarks/abc', { method: 'DELETE', headers: a.headers })).status).toBe(400);
  });
});
