// Held-out evaluation of the built-in analyzer through the public upload route. For each family (an actor's voice
// from one source), takes of known content are uploaded against that actor's tokens:
//   same line (other voices, each dubbed onto the actor word by word: said at the actor's pace, each word placed
//   where the actor's word starts, as a dubber follows the actor), late (each of those takes 300 ms later), other
//   line (the actor's voice), noise. Undubbed, a voice's own pace drifts up to a second from the actor's over a line,
//   and a late take scored higher than the same take on time (its drift halved): "on time" would mean nothing. Moved
//   only as a whole onto the actor's pace and cue, a dub still could not follow a human reader's pauses and pace
//   within the line, and was as far from the reader on time as 300 ms late.
// Word timings come from eSpeak's events for its voices and from pocketsphinx forced to the line for the others
// (English): an aligner independent of the analyzer. Without pocketsphinx the dub falls back to the whole-line move.
// "Late" is the same voice's take delayed, so same > late asks only whether lateness costs points, and late > other
// whether the right words late beat wrong words on time. The actor's own clip 300 ms late is uploaded too: it gives
// word-start errors against the token's word timings (moved 300 ms) and a second tau where it stands for "late".
// Prints Kendall's tau of the overall against that class order (compared within each token), the share of
// (same line in a voice of the other gender, other line in the actor's voice) pairs ordered right, word-start
// errors, how many noise takes completed, and expressiveness of a monotone reading against one with the actor's
// range. Lines and voices: bench/analyzer-dev/dev-set.json. flite, festival, pocketsphinx and the LibriVox and alsa
// recordings are used where installed (apt-get install flite festival festvox-kallpc16k festvox-us-slt-hts pocketsphinx
// pocketsphinx-en-us pocketsphinx-testdata alsa-utils).
// Run: npm run bench:analyzer-quality
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService } from './support.mjs';
import { decodeWav, encodeWav } from '../dist/src/engines/audio/wav.js';
import { DEFAULT_RATE, EspeakTextToSpeechEngine, MAX_RATE, MIN_RATE } from '../dist/src/engines/text-to-speech/espeak/espeak-text-to-speech.engine.js';
import { NON_SPEECH_SOUNDS } from '../dist/src/engines/speech-analysis/builtin/non-speech-sounds.js';
import { resampleTo16k } from '../dist/src/engines/speech-analysis/builtin/synthetic-references.js';
import { listen } from '../dist/src/engines/speech-analysis/builtin/utterance.js';
import { trackPitch } from '../dist/src/engines/speech-analysis/builtin/pitch.js';

const DEV = JSON.parse(readFileSync(new URL('./analyzer-dev/dev-set.json', import.meta.url), 'utf8'));
const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';
const ALSA_SOUNDS = '/usr/share/sounds/alsa';
const SAMPLE_RATE = 16_000;
const DELAY_SECONDS = 0.3;
const scratch = mkdtempSync(join(tmpdir(), 'bench-analyzer-'));
chmodSync(scratch, 0o755);
const tts = new EspeakTextToSpeechEngine();
/** Whether a command is on the PATH (whatever it answers to `args`). */
const installed = (command, args) => {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
  } catch (error) {
    if (error.code === 'ENOENT') return false;
  }
  return true;
};
const hasFlite = installed('flite', ['-lv']);
const hasFestival = installed('text2wave', ['-h']);
const hasLibrivox = existsSync(LIBRIVOX);
const hasAlsa = existsSync(join(ALSA_SOUNDS, 'Front_Left.wav'));
if (!hasFlite) console.log('flite is not installed: its voices are skipped (apt-get install flite)');
if (!hasFestival) console.log('festival is not installed: its voices are skipped (apt-get install festival festvox-kallpc16k festvox-us-slt-hts)');
if (!hasLibrivox) console.log('pocketsphinx-testdata is not installed: the LibriVox family is skipped (apt-get install pocketsphinx-testdata)');
if (!hasAlsa) console.log("alsa-utils is not installed: the channel-names family is skipped (apt-get install alsa-utils)");

/** A take: 16 kHz samples, and where each word starts when eSpeak said it (null when unknown). */
async function say(voice, text, language, { pitchRange, slower = 1 } = {}) {
  const [source, name] = voice.split(':');
  if (source === 'espeak') {
    const rate = Math.round(Math.min(MAX_RATE, Math.max(MIN_RATE, DEFAULT_RATE / slower)));
    const synthesis = await tts.synthesize(text, { language, voice: name, intonation: pitchRange, rate });
    const { samples, sampleRate } = decodeWav(synthesis.audio);
    return { audio: resampleTo16k(samples, sampleRate), words: synthesis.words };
  }
  if (source === 'flite') {
    if (!hasFlite || language !== 'en') return null;
    const file = join(scratch, 'flite.wav');
    execFileSync('flite', ['-voice', name, '--setf', `duration_stretch=${slower}`, '-t', text, '-o', file]);
    const { samples, sampleRate } = decodeWav(readFileSync(file));
    return { audio: resampleTo16k(samples, sampleRate), words: null };
  }
  if (source === 'festival') {
    if (!hasFestival || language !== 'en') return null;
    const file = join(scratch, 'festival.wav');
    writeFileSync(join(scratch, 'festival.txt'), text);
    // HTS voices keep their own durations (Duration_Stretch is a diphone-voice parameter): their words are then
    // placed at the actor's starts at their own pace.
    execFileSync('text2wave', ['-eval', `(voice_${name})`, '-eval', `(Parameter.set 'Duration_Stretch ${slower})`, join(scratch, 'festival.txt'), '-o', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    const { samples, sampleRate } = decodeWav(readFileSync(file));
    return { audio: resampleTo16k(samples, sampleRate), words: null };
  }
  if (voice === 'human:alsa') {
    if (!hasAlsa) return null;
    const { samples, sampleRate } = decodeWav(readFileSync(join(ALSA_SOUNDS, DEV.alsaFiles[DEV.sentences.alsa.indexOf(text)])));
    return { audio: resampleTo16k(samples, sampleRate), words: null };
  }
  if (source === 'human') {
    if (!hasLibrivox) return null;
    const index = DEV.sentences.librivox.indexOf(text);
    const { samples } = decodeWav(readFileSync(join(LIBRIVOX, DEV.librivoxFiles[index])));
    return { audio: Float32Array.from(samples, (sample) => sample / 32768), words: null };
  }
  throw new Error(`unknown voice ${voice}`);
}

const POCKETSPHINX_MODEL = '/usr/share/pocketsphinx/model/en-us';
const hasPocketsphinx = installed('pocketsphinx_continuous', ['-h']) && existsSync(join(POCKETSPHINX_MODEL, 'cmudict-en-us.dict'));
if (!hasPocketsphinx) console.log('pocketsphinx is not installed: English clips other than eSpeak\'s get eSpeak\'s word timings stretched over their speech, and flite\'s dubs are moved onto the actor as a whole (apt-get install pocketsphinx pocketsphinx-en-us)');

/**
 * Where each word of an English clip starts and ends, from pocketsphinx forced to the text (a grammar of that one
 * line): an aligner independent of the analyzer. Null when pocketsphinx is missing or does not find every word.
 */
function alignWords(audio, text) {
  if (!hasPocketsphinx) return null;
  const words = text.split(/\s+/).filter(Boolean);
  const spoken = words.map((word) => word.toLowerCase().replace(/[^a-z']/g, ''));
  writeFileSync(join(scratch, 'align.wav'), wav(audio));
  writeFileSync(join(scratch, 'align.jsgf'), `#JSGF V1.0;\ngrammar line;\npublic <line> = ${spoken.join(' ')};\n`);
  const output = execFileSync('pocketsphinx_continuous', [
    '-infile', join(scratch, 'align.wav'), '-jsgf', join(scratch, 'align.jsgf'), '-time', 'yes',
    '-hmm', join(POCKETSPHINX_MODEL, 'en-us'), '-dict', join(POCKETSPHINX_MODEL, 'cmudict-en-us.dict'), '-logfn', '/dev/null',
  ], { encoding: 'utf8' });
  const found = [...output.matchAll(/^([a-z']+)(?:\(\d+\))? (\d+\.\d+) (\d+\.\d+) /gm)].map(([, word, start, end]) => ({ word, start: Number(start), end: Number(end) }));
  if (found.length !== words.length || found.some((entry, index) => entry.word !== spoken[index])) return null;
  return found.map((entry, index) => ({ text: words[index], start: entry.start, end: entry.end }));
}

/**
 * A clip's word timings: eSpeak's own events for its takes, else pocketsphinx's alignment (English), else eSpeak's
 * timings of the text stretched over where the clip has speech.
 */
async function wordTimes(take, text, language) {
  if (take.words) return take.words;
  const aligned = language === 'en' ? alignWords(take.audio, text) : null;
  if (aligned) return aligned;
  const model = await tts.synthesize(text, { language, voice: 'm1' });
  const { speech } = listen(take.audio).activity;
  const first = speech.indexOf(1) / 100;
  const last = (speech.lastIndexOf(1) + 1) / 100;
  const modelFirst = model.words[0].start;
  const modelLast = model.words.at(-1).end;
  const scale = (last - first) / (modelLast - modelFirst);
  return model.words.map((word) => ({ text: word.text, start: first + (word.start - modelFirst) * scale, end: first + (word.end - modelFirst) * scale }));
}

const delayed = (audio, seconds) => {
  const out = new Float32Array(audio.length + Math.round(seconds * SAMPLE_RATE));
  out.set(audio, Math.round(seconds * SAMPLE_RATE));
  return out;
};
const wav = (audio) => encodeWav(Int16Array.from(audio, (sample) => Math.max(-32768, Math.min(32767, Math.round(sample * 32767)))), SAMPLE_RATE);
/** Where the speech of a signal starts and ends, in seconds: runs of speech under 50 ms (a click) do not count. */
const speechSpan = (audio) => {
  const { speech } = listen(audio).activity;
  const run = (frame) => speech.subarray(frame, frame + 5).every((value) => value === 1);
  const first = speech.findIndex((_, frame) => run(frame));
  const last = speech.findLastIndex((_, frame) => frame >= 4 && run(frame - 4));
  return { start: first / 100, end: (last + 1) / 100 };
};
/** Dubs that had no word timings to follow and were moved onto the actor as a whole line. */
const wholeLineDubs = [];
/** 5 ms fades at the ends of a spliced word, so a cut does not click. */
const FADE_SAMPLES = 80;
/**
 * The line dubbed onto the actor, as samples, as a dubber follows the actor word by word: the voice says the line at
 * the actor's pace (eSpeak's rate, flite's duration stretch, set from how long the voice takes at its own pace), and
 * each of its words (eSpeak's events, else pocketsphinx's alignment), with the pause after it, is placed where the
 * actor's word starts, or where the voice finished its previous word if that is later: no word is cut short (cut
 * at the actor's next word, 13 of 100 right lines scored under 50 on pronunciation; placed so, 10). Without word
 * timings for both, the whole take is moved to the actor's cue.
 */
async function dub(voice, text, language, actor, options = {}) {
  const own = await say(voice, text, language, options);
  if (!own) return null;
  const ownSpan = speechSpan(own.audio);
  const take = await say(voice, text, language, { ...options, slower: (actor.span.end - actor.span.start) / (ownSpan.end - ownSpan.start) });
  const words = take.words ?? (language === 'en' ? alignWords(take.audio, text) : null);
  if (!words || !actor.words || words.length !== actor.words.length) {
    wholeLineDubs.push(`${voice} "${text}"`);
    const shift = Math.round((actor.span.start - speechSpan(take.audio).start) * SAMPLE_RATE);
    return shift >= 0 ? delayed(take.audio, shift / SAMPLE_RATE) : take.audio.subarray(-shift);
  }
  const at = (seconds) => Math.round(seconds * SAMPLE_RATE);
  const out = new Float32Array(actor.audio.length + SAMPLE_RATE);
  let end = 0;
  let spoken = 0;
  for (const [index, word] of words.entries()) {
    const from = at(word.start);
    const until = index + 1 < words.length ? at(words[index + 1].start) : take.audio.length;
    const target = Math.max(at(actor.words[index].start), spoken);
    const length = Math.max(0, Math.min(until - from, out.length - target));
    for (let sample = 0; sample < length; sample++) {
      const fade = Math.min(1, sample / FADE_SAMPLES, (length - 1 - sample) / FADE_SAMPLES);
      out[target + sample] += take.audio[from + sample] * fade;
    }
    spoken = target + at(word.end) - from;
    end = Math.max(end, target + length);
  }
  return out.subarray(0, end);
}
const medianPitch = (audio) => {
  const utterance = listen(audio);
  const contour = trackPitch(audio, utterance.activity.speech);
  const voiced = Array.from(contour.hz).filter((_, point) => contour.voiced[point]).sort((a, b) => a - b);
  return voiced[Math.floor(voiced.length / 2)] ?? 0;
};

const port = 19_100 + (process.pid % 400);
const base = `http://127.0.0.1:${port}`;
const ADMIN = 'bench-analyzer@example.com';
const { service } = await startService(port, {
  PUBLIC_URL: base,
  DATA_DIR: join(scratch, 'data'),
  SEED_DEMO: 'false',
  ADMIN_EMAILS: ADMIN,
  JOBS_POLL_SECONDS: '0.5',
});
const login = async (email) => {
  const { access_token } = await (await post('/auth/dev-login', { email })).json();
  return { authorization: `Bearer ${access_token}` };
};
async function post(path, body, headers = {}, method = 'POST') {
  const response = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response;
}
const upload = async (path, audio, headers, method = 'POST') => {
  const form = new FormData();
  form.append('file', new Blob([wav(audio)], { type: 'audio/wav' }), 'take.wav');
  const response = await fetch(`${base}${path}`, { method, headers, body: form });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
};
const admin = await login(ADMIN);
const dubber = await login('bench-dubber@example.com');

async function createToken(family, actorId, index, text, actorTake) {
  const words = await wordTimes(actorTake, text, family.language);
  const duration = actorTake.audio.length / SAMPLE_RATE;
  const token = await (await post('/tokens', { title: `${family.name} ${index}`, actor_id: actorId, start_time: 0, end_time: duration, language: family.language }, admin)).json();
  await upload(`/tokens/${token.id}/audio`, actorTake.audio, admin, 'PUT');
  const round = (seconds) => Math.floor(Math.min(duration, Math.max(0, seconds)) * 1000) / 1000;
  const segment = { start: round(words[0].start), end: round(words.at(-1).end), text, words: words.map((word) => ({ word: word.text, start: round(word.start), end: round(word.end) })) };
  await post(`/tokens/${token.id}/scripts`, { segments: [segment] }, admin, 'PUT');
  return { id: token.id, words };
}

/** Uploads a take as the dubber and waits for its analysis: the result, or the failure code. */
async function analyze(tokenId, audio) {
  const { job_id } = await upload(`/tokens/${tokenId}/upload-audio`, audio, dubber);
  for (;;) {
    const polled = await (await fetch(`${base}/tokens/analysis-result/${job_id}`, { headers: dubber })).json();
    if (polled.status === 'completed') return { result: polled.result };
    if (polled.status === 'failed') return { failed: polled.error_code };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const CLASS_RANK = { same: 3, late: 2, 'actor-late': 2, other: 1, noise: 0 };
const newCounts = () => ({ concordant: 0, discordant: 0, tied: 0 });
const report = [];
const started = performance.now();
// ANALYZER_FAMILIES=flite-en,human-en runs only those families.
const only = process.env.ANALYZER_FAMILIES?.split(',');
for (const family of DEV.families.filter((family) => !only || only.includes(family.name))) {
  const sentences = DEV.sentences[family.sentences];
  const probe = await say(family.actor, sentences[0], family.language);
  if (!probe) {
    console.log(`${family.name}: skipped (${family.actor} is not installed)`);
    continue;
  }
  const { id: actorId } = await (await post('/actors', { name: `${family.name} actor` }, admin)).json();
  const stats = { family: family.name, language: family.language, concordant: 0, discordant: 0, tied: 0, withoutLate: newCounts(), actorLate: newCounts(), pairsRight: 0, pairs: 0, startErrors: [], noiseCompleted: 0, noiseTakes: 0, noiseMaxOverall: null, expressiveness: [], takes: 0, refused: [] };
  for (const [index, text] of sentences.entries()) {
    const actor = await say(family.actor, text, family.language);
    const token = await createToken(family, actorId, index, text, actor);
    const cue = { audio: actor.audio, words: token.words, span: speechSpan(actor.audio) };
    const actorPitch = medianPitch(actor.audio);
    const takes = [];
    const record = async (kind, voice, audio, trueWords) => {
      const outcome = await analyze(token.id, audio);
      takes.push({ kind, voice, score: outcome.result ? outcome.result.overall : -1, outcome, audio });
      if (kind !== 'noise' && outcome.failed) stats.refused.push(`#${index} ${kind}/${voice} ${outcome.failed}`);
      stats.takes++;
      // The one take whose word starts are known exactly is the actor's own clip 300 ms late: the token's words, moved.
      if (outcome.result && trueWords) {
        for (const [word, found] of outcome.result.words.entries()) {
          if (found.start_ms !== null && trueWords[word]) stats.startErrors.push(Math.abs(found.start_ms - trueWords[word].start * 1000));
        }
      }
      return outcome;
    };
    for (const voice of family.otherVoices) {
      const take = await dub(voice, text, family.language, cue);
      if (!take) continue;
      await record('same', voice, take);
      await record('late', voice, delayed(take, DELAY_SECONDS));
    }
    await record('actor-late', family.actor, delayed(actor.audio, DELAY_SECONDS), token.words.map((word) => ({ start: word.start + DELAY_SECONDS })));
    const otherText = sentences[(index + 1) % sentences.length];
    const other = await say(family.actor, otherText, family.language);
    await record('other', family.actor, other.audio);
    if (index === 0) {
      const noises = Object.entries(NON_SPEECH_SOUNDS).map(([name, make]) => [name, make(4)]);
      if (hasAlsa) {
        const { samples, sampleRate } = decodeWav(readFileSync(join(ALSA_SOUNDS, 'Noise.wav')));
        noises.push(['alsa Noise.wav', resampleTo16k(samples, sampleRate)]);
      }
      for (const [name, audio] of noises) {
        const outcome = await record('noise', name, audio);
        stats.noiseTakes++;
        if (outcome.result) {
          stats.noiseCompleted++;
          stats.noiseMaxOverall = Math.max(stats.noiseMaxOverall ?? 0, outcome.result.overall);
        }
      }
    }
    if (family.expressive) {
      const flat = await dub(family.expressive, text, family.language, cue, { pitchRange: 0 });
      const livelyOutcome =
        takes.find((take) => take.kind === 'same' && take.voice === family.expressive)?.outcome ??
        (await analyze(token.id, await dub(family.expressive, text, family.language, cue)));
      const flatOutcome = await analyze(token.id, flat);
      stats.expressiveness.push({
        sentence: index,
        lively: livelyOutcome.result?.expressiveness ?? null,
        flat: flatOutcome.result?.expressiveness ?? null,
        flatMonotone: flatOutcome.result?.sentences?.[0]?.monotone ?? null,
      });
    }
    // Kendall's tau within this token: every pair of takes of different classes.
    for (let a = 0; a < takes.length; a++) {
      for (let b = a + 1; b < takes.length; b++) {
        const classOrder = Math.sign(CLASS_RANK[takes[a].kind] - CLASS_RANK[takes[b].kind]);
        if (classOrder === 0) continue;
        const scoreOrder = Math.sign(takes[a].score - takes[b].score);
        const kinds = [takes[a].kind, takes[b].kind];
        const counts = [];
        if (!kinds.includes('actor-late')) counts.push(stats);
        if (!kinds.includes('late')) counts.push(stats.actorLate);
        if (!kinds.includes('late') && !kinds.includes('actor-late')) counts.push(stats.withoutLate);
        for (const count of counts) {
          if (scoreOrder === 0) count.tied++;
          else if (scoreOrder === classOrder) count.concordant++;
          else count.discordant++;
        }
      }
    }
    // Same line in a voice of the other gender against the other line in the actor's own voice.
    const otherGender = takes.filter((take) => {
      if (take.kind !== 'same') return false;
      const ratio = medianPitch(take.audio) / actorPitch;
      return ratio >= 1.4 || ratio <= 1 / 1.4;
    });
    for (const same of otherGender) {
      for (const wrong of takes.filter((take) => take.kind === 'other')) {
        stats.pairs++;
        if (same.score > wrong.score) stats.pairsRight++;
      }
    }
    const describe = ({ result, failed }) => (result ? `${result.overall} (timing ${result.timing}, pronunciation ${result.pronunciation})` : failed);
    const line = takes.filter((take) => take.kind !== 'noise').map((take) => `${take.kind}/${take.voice} ${describe(take.outcome)}`).join(', ');
    console.log(`  ${family.name} #${index}: ${line}`);
  }
  report.push(stats);
}

const percent = (part, whole) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : 'n/a');
console.log(`\nanalyzer quality (${report.reduce((sum, stats) => sum + stats.takes, 0)} takes through POST /tokens/:id/upload-audio, ${((performance.now() - started) / 1000).toFixed(0)} s)`);
for (const stats of report) {
  const kendall = ({ concordant, discordant, tied }) => (concordant - discordant) / (concordant + discordant + tied);
  const tau = kendall(stats);
  const errors = [...stats.startErrors].sort((a, b) => a - b);
  const startError = errors.length > 0
    ? `median ${errors[Math.floor(errors.length / 2)].toFixed(0)} ms, p95 ${errors[Math.floor(0.95 * (errors.length - 1))].toFixed(0)} ms, max ${errors.at(-1).toFixed(0)} ms over ${errors.length} words`
    : 'no true timings';
  console.log(`${stats.family}:`);
  console.log(`  Kendall tau (same > late > other > noise, within each token): ${tau.toFixed(3)}   goal >= 0.8`);
  console.log(`    without late takes (same > other > noise): ${kendall(stats.withoutLate).toFixed(3)}; with the actor's own clip late as "late": ${kendall(stats.actorLate).toFixed(3)}`);
  console.log(`  same line in the other gender's voice above other line in the actor's voice: ${stats.pairsRight}/${stats.pairs} = ${percent(stats.pairsRight, stats.pairs)}   goal >= 95 %`);
  console.log(`  word-start error against true timings: ${startError}`);
  console.log(`  speech takes refused (scored -1 above): ${stats.refused.length === 0 ? 'none' : stats.refused.join(', ')}`);
  console.log(`  noise takes completed: ${stats.noiseCompleted} of ${stats.noiseTakes}${stats.noiseMaxOverall !== null ? `, highest overall ${stats.noiseMaxOverall}` : ''}`);
  if (stats.expressiveness.length > 0) {
    const gaps = stats.expressiveness.map((entry) => (entry.lively ?? 0) - (entry.flat ?? 0));
    console.log(`  expressiveness, actor's range vs monotone: ${stats.expressiveness.map((entry) => `${entry.lively}/${entry.flat}${entry.flatMonotone ? ' (monotone)' : ''}`).join(', ')}; smallest gap ${Math.min(...gaps)}   goal >= 20 on every line`);
  }
}
console.log(`dubs moved as a whole line (no word timings): ${wholeLineDubs.length === 0 ? 'none' : wholeLineDubs.join(', ')}`);
for (const language of [...new Set(report.map((stats) => stats.language))]) {
  const families = report.filter((stats) => stats.language === language);
  const right = families.reduce((sum, stats) => sum + stats.pairsRight, 0);
  const pairs = families.reduce((sum, stats) => sum + stats.pairs, 0);
  console.log(`${language}, all families: same line in the other gender's voice above other line in the actor's voice ${right}/${pairs} = ${percent(right, pairs)}`);
}

service.kill('SIGTERM');
await once(service, 'exit');
rmSync(scratch, { recursive: true, force: true });
