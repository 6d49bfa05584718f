import { Readable } from 'node:stream';
import type { TextToSpeechEngine } from '../../text-to-speech/text-to-speech.engine.js';
import { parseLyrics } from '../lyrics.js';
import { MusicEngine, type GeneratedTrack, type MusicRequest } from '../music.engine.js';
import { compose } from './composition.js';
import { styleForGenre } from './genre-style.js';
import { encodeMp3 } from './mp3.js';
import { renderTrack, SAMPLE_RATE } from './render.js';
import { singLyrics } from './singing.js';

/** Bumped whenever the same request would give different audio. */
export const BUILTIN_MUSIC_VERSION = '1.0.0';

/**
 * The procedural synthesizer: the genre text picks a style (genre-style.ts), the lyrics become a song of note
 * events (composition.ts), the text-to-speech engine sings them (singing.ts), instruments play the notes
 * (render.ts) and LAME in ffmpeg makes the MP3 (mp3.ts). No server, no model weights; the same request and seed give the
 * same bytes.
 */
export class BuiltinMusicEngine extends MusicEngine {
  readonly name = 'builtin';

  constructor(private readonly textToSpeech: TextToSpeechEngine) {
    super();
  }

  async generate(request: MusicRequest): Promise<GeneratedTrack> {
    const { signal } = request;
    signal.throwIfAborted();
    const style = styleForGenre(request.genre);
    const composition = compose(parseLyrics(request.lyrics), style, request.seed);
    await request.progress(5, 'composing', `${style.genre}, ${style.bpm} BPM, ${style.mode}, ${composition.bars} bars`);

    const progress = progressSteps(request, 5);
    const voice = await singLyrics(this.textToSpeech, composition, signal, (fraction) => progress.report(5 + 30 * fraction, 'singing'));
    progress.report(35, 'rendering');
    await progress.settle();
    const pcm = await renderTrack(composition, style, {
      seed: request.seed,
      signal,
      voice,
      onProgress: (fraction) => progress.report(35 + 25 * fraction, 'rendering'),
    });
    progress.report(60, 'encoding');
    await progress.settle();
    const mp3 = await encodeMp3(pcm, signal, (fraction) => progress.report(60 + 35 * fraction, 'encoding'));
    await progress.settle();
    signal.throwIfAborted();

    return {
      audio: Readable.from([mp3]),
      durationSeconds: pcm.left.length / SAMPLE_RATE,
      engine: { name: this.name, version: BUILTIN_MUSIC_VERSION },
    };
  }
}

/**
 * Progress in steps of 5 percent, never going back, so a track sends about twenty updates; a new stage is always
 * sent, at the same percent if need be (singing ends at 35, where rendering starts: rendering was reported only when
 * it lasted long enough to yield, and a test waiting for it failed on a busy machine). Updates from inside a stage
 * queue up; `settle` waits for them and throws the first failure of request.progress.
 */
function progressSteps(request: MusicRequest, from: number) {
  let reported = from;
  let reportedStage: string | undefined;
  let pending: Promise<void> = Promise.resolve();
  let failure: unknown;
  const report = (percent: number, stage: string) => {
    const rounded = Math.max(reported, Math.floor(percent / 5) * 5);
    if ((rounded === reported && stage === reportedStage) || failure !== undefined) return;
    reported = rounded;
    reportedStage = stage;
    pending = pending.then(() => request.progress(rounded, stage)).catch((error: unknown) => void (failure ??= error));
  };
  const settle = async () => {
    await pending;
    if (failure !== undefined) throw failure;
  };
  return { report, settle };
}
