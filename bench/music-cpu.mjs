// CPU time of the built-in music engine for a 30 s track (goal: under 3 s on this 2-core machine), with the share
// of each stage (composing and singing, rendering, MP3 encoding), wall time and peak RSS. The first run, which also
// starts eSpeak NG's WebAssembly, is shown apart; the median is of the runs after it.
// Run: npm run bench:music
import { readFileSync } from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { BuiltinMusicEngine } from '../dist/src/engines/music/builtin/builtin-music.engine.js';
import { EspeakTextToSpeechEngine } from '../dist/src/engines/text-to-speech/espeak/espeak-text-to-speech.engine.js';
import { mib, rssMeter } from './support.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const GENRE = process.env.BENCH_GENRE ?? 'K-POP';
// Five two-bar lines at 118 BPM, with two bars of intro and two of outro: 30 s.
const LYRICS = `[verse]
여름이 왔네 햇살이 빛나네
바다로 가자 우리 함께
파도 소리 들려와

[chorus]
I never thought I would see you again
walking alone in the summer rain`;

const engine = new BuiltinMusicEngine(new EspeakTextToSpeechEngine());
// This process's CPU plus that of its children it has waited for (ffmpeg's LAME encodes the MP3): /proc's
// utime, stime, cutime and cstime, in clock ticks of 10 ms.
const cpuNow = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return [11, 12, 13, 14].reduce((total, index) => total + Number(fields[index]), 0) * 10;
};
const cpuMs = (since) => cpuNow() - since;

async function run(seed) {
  const stages = {};
  const cpuBefore = cpuNow();
  const wallBefore = performance.now();
  const track = await engine.generate({
    jobId: `bench-${seed}`,
    genre: GENRE,
    lyrics: LYRICS,
    seed,
    signal: new AbortController().signal,
    progress: async (_percent, stage) => void (stages[stage] ??= cpuMs(cpuBefore)),
  });
  const bytes = await buffer(track.audio);
  const cpu = cpuMs(cpuBefore);
  return {
    cpu,
    wall: performance.now() - wallBefore,
    seconds: track.durationSeconds,
    bytes: bytes.length,
    singing: stages.rendering,
    rendering: stages.encoding - stages.rendering,
    encoding: cpu - stages.encoding,
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => `${value.toFixed(0)} ms`.padStart(8);
const line = (label, result) =>
  console.log(
    `${label.padEnd(8)} CPU ${ms(result.cpu)}  wall ${ms(result.wall)}  ` +
      `(compose+sing ${ms(result.singing)}, render ${ms(result.rendering)}, encode ${ms(result.encoding)})`,
  );

const meter = rssMeter();
const first = await run(1);
console.log(`genre ${JSON.stringify(GENRE)}, track ${first.seconds.toFixed(1)} s, ${(first.bytes / 1024).toFixed(0)} KiB MP3; node ${process.version}`);
line('first', first);
const runs = [];
for (let index = 0; index < RUNS; index++) {
  runs.push(await run(index + 2));
  line(`run ${index + 1}`, runs.at(-1));
}
const { baseline, peak } = meter.stop();
const pick = (key) => median(runs.map((result) => result[key]));
console.log(`median of ${RUNS}: CPU ${ms(pick('cpu'))} per ${first.seconds.toFixed(1)} s track (goal < 3000 ms), wall ${ms(pick('wall'))}`);
console.log(`  compose+sing ${ms(pick('singing'))}, render ${ms(pick('rendering'))}, encode (ffmpeg's LAME) ${ms(pick('encoding'))}`);
console.log(`RSS: baseline ${mib(baseline)} MiB, peak ${mib(peak)} MiB (max RSS of the process ${mib(process.resourceUsage().maxRSS * 1024)} MiB)`);
