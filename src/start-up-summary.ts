import type { AppConfig } from './config/app-config.js';
import type { OpenDatabase } from './database/database.js';

/** What a process runs on, in the words of its one start-up line at info; no secret ever appears in it. */
export interface StartUpSummary {
  database: string;
  storage: string;
  engines: { analysis: string; textToSpeech: string };
  jobs: string;
}

export function startUpSummary(config: AppConfig, database: Pick<OpenDatabase, 'description'>): StartUpSummary {
  const s3 = config.storage.s3;
  return {
    database: database.description,
    storage: s3
      ? `s3 bucket ${s3.bucket} at ${s3.endpoint ? withoutCredentials(s3.endpoint) : `AWS ${s3.region}`}`
      : `local disk in ${config.storage.localDir}`,
    engines: {
      analysis:
        config.analysis.engine === 'remote' ? `remote at ${withoutCredentials(config.analysis.serverUrl ?? '')}` : 'builtin',
      textToSpeech: 'builtin (eSpeak NG)',
    },
    jobs: config.jobs.worker ? `run here, ${config.jobs.concurrency} at once per type` : 'run by worker processes',
  };
}

/** The web process's line: where it listens, what it runs on, where the docs are. */
export function webStartUpLine(config: AppConfig, summary: StartUpSummary): string {
  return (
    `YouSync listening on ${config.host}:${config.port} (${config.publicUrl}); database: ${summary.database}; ` +
    `storage: ${summary.storage}; engines: analysis ${summary.engines.analysis}, text-to-speech ` +
    `${summary.engines.textToSpeech}; jobs: ${summary.jobs}; docs at ${config.publicUrl}/docs`
  );
}

/** A worker's line. */
export function workerStartUpLine(summary: StartUpSummary): string {
  return (
    `YouSync worker ${process.pid} running jobs; database: ${summary.database}; storage: ${summary.storage}; ` +
    `engines: analysis ${summary.engines.analysis}, text-to-speech ${summary.engines.textToSpeech}`
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
