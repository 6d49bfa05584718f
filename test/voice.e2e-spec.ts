import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toneWav } from './support/audio.js';
import { SseClient } from './support/sse-client.js';
import { json, signIn, signInAdmin, startTestApp, type SignedIn, type TestApp } from './support/test-app.js';
import { piecesOf, replyTo, startOpenAiVoiceServer, startSeedVoiceServers, type VoiceEngineDouble } from './support/voice-engine-servers.js';

const SEED_STEP_KEYS = ['errors', 'final_data', 'step1_atot', 'step2_ttot', 'step3_tts', 'success', 'turn_id', 'user_id'];

const audioForm = (wav: Buffer) => {
  const form = new FormData();
  form.append('file', new Blob([wav], { type: 'audio/wav' }), 'question.wav');
  return form;
};

async function record(t: TestApp, user: SignedIn) {
  const response = await t.fetch('/voice', { headers: user.headers });
  expect(response.status).toBe(200);
  return (await response.json()).user;
}

describe('voice chat on the embedded default (no engine servers)', () => {
  let t: TestApp;
  let user: SignedIn;

  beforeAll(async () => {
    t = await startTestApp();
    user = await signIn(t, 'voice-default@yousync.test');
  });
  afterAll(() => t?.close());

  it('run-full-pipeline with text: step 2 fails with ENGINE_NOT_CONFIGURED naming the variables, the turn is saved, seed shape', async () => {
    const response = await t.fetch('/voice/run-full-pipeline', json({ text: 'Hello there' }, { headers: user.headers }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Object.keys(body).sort()).toEqual(SEED_STEP_KEYS);
    expect(body.user_id).toBe(user.user.id);
    expect(body.step1_atot).toMatchObject({ success: true, atot_text: 'Hello there', input_wav: null });
    expect(body.step2_ttot).toMatchObject({ success: false, ttot_text: null });
    expect(body.step2_ttot.error).toMatch(/^ENGINE_NOT_CONFIGURED: .*TEXT_GENERATION_ENGINE=openai.*LLM_BASE_URL.*TTOT_URL/);
    expect(body.step3_tts).toMatchObject({ success: false, output_wav: null });
    expect(body.success).toBe(false);
    expect(body.final_data).toEqual({ input_wav: null, atot_text: 'Hello there', ttot_text: null, output_wav: null });
    expect(body.errors).toEqual([expect.objectContaining({ step: 'ttot', code: 'ENGINE_NOT_CONFIGURED' })]);
    expect(await record(t, user)).toEqual({
      id: user.user.id,
      input_wav_list: [null],
      atot_text_list: ['Hello there'],
      ttot_text_list: [null],
      output_wav_list: [null],
    });
  });

  it('run-full-pipeline with audio and no speech-to-text engine: step 1 fails with ENGINE_NOT_CONFIGURED; the audio is kept', async () => {
    const wav = toneWav(0.5);
    const response = await t.fetch('/voice/run-full-pipeline', { method: 'POST', headers: user.headers, body: audioForm(wav) });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.step1_atot.success).toBe(false);
    expect(body.step1_atot.error).toMatch(/^ENGINE_NOT_CONFIGURED: .*SPEECH_TO_TEXT_ENGINE=openai.*STT_BASE_URL/);
    expect(body.step2_ttot.success).toBe(false);
    expect(body.errors.map((error: { step: string }) => error.step)).toEqual(['atot']);
    expect(body.final_data.input_wav).toBe(`/voice/turns/${body.turn_id}/input`);
    const audio = await t.fetch(body.final_data.input_wav, { headers: user.headers });
    expect(audio.status).toBe(200);
    expect(Buffer.from(await audio.arrayBuffer()).equals(wav)).toBe(true);
  });

  it('a streamed turn with no text engine ends with an error event naming the step and ENGINE_NOT_CONFIGURED', async () => {
    const started = await t.fetch('/voice/turns', json({ text: 'stream without engines' }, { headers: user.headers }));
    expect(started.status).toBe(202);
    const { turn_id, events } = await started.json();
    const stream = await SseClient.open(`${t.baseUrl}${events}`, user.headers);
    await stream.finished();
    const names = stream.messages.map((message) => message.event);
    expect(names).toContain('transcript');
    expect(names).not.toContain('reply.delta');
    expect(names.at(-1)).toBe('error');
    const error = JSON.parse(stream.messages.at(-1)!.data);
    expect(error).toMatchObject({ step: 'ttot', code: 'ENGINE_NOT_CONFIGURED', turn: { turn_id, success: false } });
    expect(error.message).toMatch(/TEXT_GENERATION_ENGINE/);
  });

  it('refuses a step out of order with 409 naming the step to call first', async () => {
    const other = await signIn(t, 'voice-order@yousync.test');
    const ttot = await t.fetch('/voice/ttot', { method: 'POST', headers: other.headers });
    expect(ttot.status).toBe(409);
    expect((await ttot.json()).message).toMatch(/POST \/voice\/atot first/);
    expect((await t.fetch('/voice/atot', { headers: other.headers })).status).toBe(409);
    expect((await t.fetch('/voice/ttot', { headers: other.headers })).status).toBe(409);
    const speak = await t.fetch('/voice/process-audio', { method: 'POST', headers: other.headers });
    expect(speak.status).toBe(409);
    expect((await speak.json()).message).toMatch(/POST \/voice\/ttot first/);
  });

  it('refuses text over VOICE_MAX_TEXT_CHARS, a non-audio file and an empty body, storing nothing', async () => {
    const other = await signIn(t, 'voice-refused@yousync.test');
    const long = await t.fetch('/voice/run-full-pipeline', json({ text: 'x'.repeat(2001) }, { headers: other.headers }));
    expect(long.status).toBe(400);
    const notAudio = await t.fetch('/voice/run-full-pipeline', { method: 'POST', headers: other.headers, body: audioForm(Buffer.from('plain text, not audio at all')) });
    expect(notAudio.status).toBe(415);
    const empty = await t.fetch('/voice/atot', json({}, { headers: other.headers }));
    expect(empty.status).toBe(400);
    expect((await record(t, other)).atot_text_list).toEqual([]);
  });
});

describe('voice chat with OpenAI-compatible engines on loopback', () => {
  let t: TestApp;
  let engine: VoiceEngineDouble;
  let alice: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    engine = await startOpenAiVoiceServer();
    engine.slowMs = 1500;
    t = await startTestApp({
      TEXT_GENERATION_ENGINE: 'openai',
      LLM_BASE_URL: engine.url,
      LLM_MODEL: 'llama3.2',
      LLM_TIMEOUT_SECONDS: '0.5',
      TEXT_TO_SPEECH_ENGINE: 'openai',
      TTS_BASE_URL: engine.url,
      VOICE_SYSTEM_PROMPT: 'Answer like a test.',
      VOICE_CONTEXT_TURNS: '2',
    });
    alice = await signIn(t, 'alice-voice@yousync.test');
    bob = await signIn(t, 'bob-voice@yousync.test');
  });
  afterAll(async () => {
    await t?.close();
    await engine?.close();
  });

  it('completes a full turn, and the second turn sends the first to the text engine as context', async () => {
    const first = await (await t.fetch('/voice/run-full-pipeline', json({ text: 'first question' }, { headers: alice.headers }))).json();
    expect(first.success).toBe(true);
    expect(first.errors).toEqual([]);
    expect(first.final_data.ttot_text).toBe(replyTo('first question'));
    expect(first.step3_tts.output_wav).toBe(`/voice/turns/${first.turn_id}/output`);
    expect(typeof first.step2_ttot.latency_ms).toBe('number');
    const audio = await t.fetch(first.final_data.output_wav, { headers: alice.headers });
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await audio.arrayBuffer()).toString('ascii', 0, 4)).toBe('RIFF');
    expect(engine.chats.at(-1)).toMatchObject({
      model: 'llama3.2',
      stream: false,
      messages: [
        { role: 'system', content: 'Answer like a test.' },
        { role: 'user', content: 'first question' },
      ],
    });
    expect(engine.speeches.at(-1)).toMatchObject({ input: replyTo('first question'), voice: 'alloy' });

    await t.fetch('/voice/run-full-pipeline', json({ text: 'second question' }, { headers: alice.headers }));
    expect(engine.chats.at(-1)!.messages).toEqual([
      { role: 'system', content: 'Answer like a test.' },
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: replyTo('first question') },
      { role: 'user', content: 'second question' },
    ]);

    // VOICE_CONTEXT_TURNS=2: the third turn's request carries only the two before it.
    await t.fetch('/voice/run-full-pipeline', json({ text: 'third question' }, { headers: alice.headers }));
    await t.fetch('/voice/run-full-pipeline', json({ text: 'fourth question' }, { headers: alice.headers }));
    const users = engine.chats.at(-1)!.messages.filter((message) => message.role === 'user').map((message) => message.content);
    expect(users).toEqual(['second question', 'third question', 'fourth question']);
  });

  it('streams a turn: transcript, several reply.delta, audio, then done', async () => {
    const started = await t.fetch('/voice/turns', json({ text: 'stream please' }, { headers: alice.headers }));
    expect(started.status).toBe(202);
    const { turn_id, events } = await started.json();
    const stream = await SseClient.open(`${t.baseUrl}${events}`, alice.headers);
    expect(stream.status).toBe(200);
    await stream.finished();
    const names = stream.messages.map((message) => message.event);
    const deltas = stream.messages.filter((message) => message.event === 'reply.delta').map((message) => JSON.parse(message.data).text);
    const reply = replyTo('stream please');
    expect(deltas.length).toBe(piecesOf(reply).length);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(reply);
    expect(names.indexOf('transcript')).toBeLessThan(names.indexOf('reply.delta'));
    expect(names.lastIndexOf('reply.delta')).toBeLessThan(names.indexOf('audio'));
    expect(names.at(-1)).toBe('done');
    const done = JSON.parse(stream.messages.at(-1)!.data);
    expect(done).toMatchObject({ turn_id, success: true, final_data: { ttot_text: reply, output_wav: `/voice/turns/${turn_id}/output` } });
    expect(engine.chats.at(-1)!.stream).toBe(true);

    // Opened after the turn finished, the stream still replays every piece from the start.
    const late = await SseClient.open(`${t.baseUrl}${events}`, alice.headers);
    await late.finished();
    expect(late.messages.filter((message) => message.event === 'reply.delta').map((message) => JSON.parse(message.data).text).join('')).toBe(reply);
    expect(late.messages.map((message) => message.event)).toContain('transcript');
  });

  it('a speech server that is down gives tts_success false and output_wav null, and the turn is saved', async () => {
    engine.speech = 'down';
    try {
      const atot = await t.fetch('/voice/atot', json({ text: 'speak to me' }, { headers: bob.headers }));
      expect((await atot.json()).atot_text).toBe('speak to me');
      // A refused input stores nothing and leaves the open turn as it was.
      expect((await t.fetch('/voice/atot', json({ text: '' }, { headers: bob.headers }))).status).toBe(400);
      expect(await (await t.fetch('/voice/atot', { headers: bob.headers })).json()).toMatchObject({ success: true, atot_text: 'speak to me' });
      const ttot = await (await t.fetch('/voice/ttot', { method: 'POST', headers: bob.headers })).json();
      expect(ttot).toMatchObject({ success: true, ttot_text: replyTo('speak to me') });
      const again = await t.fetch('/voice/ttot', { method: 'POST', headers: bob.headers });
      expect(again.status).toBe(409);
      const saved = await (await t.fetch('/voice/process-audio', { method: 'POST', headers: bob.headers })).json();
      expect(saved).toMatchObject({ tts_success: false, output_wav: null, atot_text: 'speak to me', ttot_text: replyTo('speak to me') });
      expect(saved.tts_error).toMatch(/^ENGINE_UNAVAILABLE/);
      expect(saved.output_wav_list).toEqual([null]);
      const bobs = await record(t, bob);
      expect(bobs.ttot_text_list).toEqual([replyTo('speak to me')]);
      expect(bobs.output_wav_list).toEqual([null]);
      const afterwards = await t.fetch('/voice/process-audio', { method: 'POST', headers: bob.headers });
      expect(afterwards.status).toBe(409);
    } finally {
      engine.speech = 'ok';
    }
  });

  it('a text engine slower than LLM_TIMEOUT_SECONDS fails step 2 with ENGINE_TIMEOUT; the turn is saved', async () => {
    const body = await (await t.fetch('/voice/run-full-pipeline', json({ text: 'be slow' }, { headers: bob.headers }))).json();
    expect(body.step2_ttot.success).toBe(false);
    expect(body.errors).toEqual([expect.objectContaining({ step: 'ttot', code: 'ENGINE_TIMEOUT' })]);
    expect((await record(t, bob)).atot_text_list).toContain('be slow');
  });

  it('two users at the same time never see each other’s text or audio; B gets 404 on A’s turns; only admins list users', async () => {
    const carol = await signIn(t, 'carol-voice@yousync.test');
    const dave = await signIn(t, 'dave-voice@yousync.test');
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) => {
        const who = i % 2 === 0 ? carol : dave;
        return t.fetch('/voice/run-full-pipeline', json({ text: `${who === carol ? 'carol' : 'dave'} ${i}` }, { headers: who.headers })).then((r) => r.json());
      }),
    );
    for (const [i, run] of runs.entries()) {
      const who = i % 2 === 0 ? carol : dave;
      expect(run.user_id).toBe(who.user.id);
      expect(run.final_data.atot_text).toBe(`${who === carol ? 'carol' : 'dave'} ${i}`);
      expect(run.final_data.ttot_text).toBe(replyTo(run.final_data.atot_text));
    }
    const carols = await record(t, carol);
    expect([...carols.atot_text_list].sort()).toEqual(['carol 0', 'carol 2', 'carol 4']);
    expect(carols.ttot_text_list.every((text: string) => text.includes('carol'))).toBe(true);
    const daves = await record(t, dave);
    expect([...daves.atot_text_list].sort()).toEqual(['dave 1', 'dave 3', 'dave 5']);

    const carolTurn = runs[0].turn_id;
    expect((await t.fetch(`/voice/turns/${carolTurn}/output`, { headers: dave.headers })).status).toBe(404);
    expect((await t.fetch(`/voice/turns/${carolTurn}/input`, { headers: dave.headers })).status).toBe(404);
    expect((await t.fetch(`/voice/turns/${carolTurn}/events`, { headers: dave.headers })).status).toBe(404);
    expect((await t.fetch(`/voice/turns/${carolTurn}/output`, { headers: carol.headers })).status).toBe(200);
    expect((await t.fetch(`/voice/users/${carol.user.id}`, { headers: dave.headers })).status).toBe(404);
    expect((await t.fetch(`/voice/users/${dave.user.id}`, { headers: dave.headers })).status).toBe(200);
    expect((await t.fetch('/voice/users', { headers: dave.headers })).status).toBe(403);

    const admin = await signInAdmin(t);
    const listed = await t.fetch('/voice/users', { headers: admin.headers });
    expect(listed.status).toBe(200);
    const ids = (await listed.json()).map((entry: { id: string }) => entry.id);
    expect(ids).toEqual(expect.arrayContaining([carol.user.id, dave.user.id]));
    expect((await t.fetch(`/voice/users/${carol.user.id}`, { headers: admin.headers })).status).toBe(200);
  });
});

describe('voice chat with the seed’s TTOT and TTS servers and the built-in eSpeak', () => {
  it('seed-atot, seed-ttot and seed-tts complete a turn from audio; with no TTS engine configured the built-in eSpeak speaks Korean', async () => {
    const seed = await startSeedVoiceServers();
    const t = await startTestApp({
      SPEECH_TO_TEXT_ENGINE: 'seed-atot',
      ATOT_URL: seed.url,
      TEXT_GENERATION_ENGINE: 'seed-ttot',
      TTOT_URL: seed.url,
      TEXT_TO_SPEECH_ENGINE: 'seed-tts',
      TTS_URL: `${seed.url}/tts`,
    });
    const builtIn = await startTestApp({ TEXT_GENERATION_ENGINE: 'seed-ttot', TTOT_URL: seed.url });
    try {
      const user = await signIn(t, 'seed-voice@yousync.test');
      const body = await (await t.fetch('/voice/run-full-pipeline', json({ text: 'hi seed' }, { headers: user.headers }))).json();
      expect(body).toMatchObject({ success: true, final_data: { ttot_text: replyTo('hi seed') } });
      expect(seed.generated.at(-1)).toMatchObject({ text: 'hi seed', history: [] });
      expect(seed.spoken.at(-1)).toBe(replyTo('hi seed'));

      const wav = toneWav(0.3);
      const spokenTurn = await (await t.fetch('/voice/run-full-pipeline', { method: 'POST', headers: user.headers, body: audioForm(wav) })).json();
      expect(spokenTurn).toMatchObject({ success: true, step1_atot: { atot_text: 'question from audio' }, final_data: { ttot_text: replyTo('question from audio') } });
      expect(seed.heard.at(-1)).toBe(wav.length);
      expect(seed.generated.at(-1)).toMatchObject({
        text: 'question from audio',
        history: [
          { role: 'user', content: 'hi seed' },
          { role: 'assistant', content: replyTo('hi seed') },
        ],
      });

      const other = await signIn(builtIn, 'espeak-voice@yousync.test');
      const spoken = await (await builtIn.fetch('/voice/run-full-pipeline', json({ text: '안녕하세요' }, { headers: other.headers }))).json();
      expect(spoken.step3_tts.success).toBe(true);
      const audio = Buffer.from(await (await builtIn.fetch(spoken.final_data.output_wav, { headers: other.headers })).arrayBuffer());
      expect(audio.toString('ascii', 8, 12)).toBe('WAVE');
      expect(audio.length).toBeGreaterThan(10_000);
    } finally {
      await t.close();
      await builtIn.close();
      await seed.close();
    }
  });
});
