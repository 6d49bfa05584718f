import type { AppConfig } from './config/app-config.js';
import type { OpenDatabase } from './database/database.js';

/** What a process runs on, in the words of its one start-up line at info; no secret ever appears in it. */
export interface StartUpSummary {
  database: string;
  storage: string;
  engines: EngineSummary;
  jobs: string;
}

export function startUpSummary(config: AppConfig, database: Pick<OpenDatabase, 'description'>): StartUpSummary {
  const s3 = config.storage.s3;
  return {
    database: database.description,
    storage: s3
      ? `s3 bucket ${s3.bucket} at ${s3.endpoint ? withoutCredentials(s3.endpoint) : `AWS ${s3.region}`}`
      : `local disk in ${config.storage.localDir}`,
    engines: engineSummary(config),
    jobs: config.jobs.worker ? `run here, ${config.jobs.concurrency} at once per type` : 'run by worker processes',
  };
}

/** Which engine does what, as the start-up line, GET / and /health say it (URLs without credentials). */
export interface EngineSummary {
  analysis: string;
  textToSpeech: string;
  /** `none` when no speech-to-text engine is configured (video transcripts answer 503). */
  speechToText: string;
  /** Voice replies: `none` when unconfigured (step 2 of a voice turn fails with ENGINE_NOT_CONFIGURED). */
  textGeneration: string;
  /** Voice reply audio: the built-in eSpeak NG unless TEXT_TO_SPEECH_ENGINE names a server. */
  replySpeech: string;
  /** Songs: the built-in synthesizer, YuE's infer.py, or a seed 004 server; with the cluster-wide limit. */
  music: string;
}

export function engineSummary(config: AppConfig): EngineSummary {
  const stt = config.speechToText;
  const llm = config.textGeneration;
  const speech = config.voice.speech;
  return {
    analysis: config.analysis.engine === 'remote' ? `remote at ${withoutCredentials(config.analysis.serverUrl ?? '')}` : 'builtin',
    textToSpeech: 'builtin (eSpeak NG)',
    speechToText:
      stt.engine === 'openai'
        ? `openai at ${withoutCredentials(stt.openai.baseUrl ?? '')} (model ${stt.openai.model})`
        : stt.engine === 'ml-server'
          ? `ml-server at ${withoutCredentials(stt.mlServer.url ?? '')}`
          : stt.engine === 'seed-atot'
            ? `seed-atot at ${withoutCredentials(stt.seedAtotUrl ?? '')}`
            : 'none',
    textGeneration:
      llm.engine === 'openai'
        ? `openai at ${withoutCredentials(llm.openai.baseUrl ?? '')} (model ${llm.openai.model})`
        : llm.engine === 'seed-ttot'
          ? `seed-ttot at ${withoutCredentials(llm.seedTtotUrl ?? '')}`
          : 'none',
    replySpeech:
      speech.engine === 'openai'
        ? `openai at ${withoutCredentials(speech.openai.baseUrl ?? '')} (model ${speech.openai.model})`
        : speech.engine === 'seed-tts'
          ? `seed-tts at ${withoutCredentials(speech.seedTtsUrl ?? '')}`
          : 'builtin (eSpeak NG)',
    music: `${musicEngine(config)}, ${config.music.concurrency} at once`,
  };
}

function musicEngine({ music }: AppConfig): string {
  if (music.engine === 'remote') return `remote at ${withoutCredentials(music.remote.url ?? '')}`;
  if (music.engine === 'yue') return `yue in ${music.yue.dir} (model ${music.yue.stage1Model})`;
  return 'builtin (procedural synthesizer)';
}

/** The web process's line: where it listens, what it runs on, where the docs are. */
export function webStartUpLine(config: AppConfig, summary: StartUpSummary): string {
  return (
    `YouSync listening on ${config.host}:${config.port} (${config.publicUrl}); database: ${summary.database}; ` +
    `storage: ${summary.storage}; engines: analysis ${summary.engines.analysis}, text-to-speech ` +
    `${summary.engines.textToSpeech}, speech-to-text ${summary.engines.speechToText}, text generation ` +
    `${summary.engines.textGeneration}, voice replies spoken by ${summary.engines.replySpeech}, music ${summary.engines.music}; jobs: ${summary.jobs}; docs at ${config.publicUrl}/docs`
  );
}

/** A worker's line. */
export function workerStartUpLine(summary: StartUpSummary): string {
  return (
    `YouSync worker ${process.pid} running jobs; database: ${summary.database}; storage: ${summary.storage}; ` +
    `engines: analysis ${summary.engines.analysis}, text-to-speech ${summary.engines.textToSpeech}, ` +
    `speech-to-text ${summary.engines.speechToText}, music ${summary.engines.music}`
  );
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}
