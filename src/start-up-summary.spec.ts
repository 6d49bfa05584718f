import { describe, expect, it } from 'vitest';
import { loadAppConfig } from './config/app-config.js';
import { describeDatabaseUrl } from './database/database.js';
import { startUpSummary, webStartUpLine } from './start-up-summary.js';

const secrets = { NODE_ENV: 'production', AUTH_DEV_LOGIN: 'false', JWT_SECRET: 'j'.repeat(40), STORAGE_SIGNING_SECRET: 's'.repeat(40) };

describe(startUpSummary.name, () => {
  it('names an external database by user, host, port and name, never its password', () => {
    const url = 'postgres://yousync:hunter2-secret@db.internal:6432/yousync';
    expect(describeDatabaseUrl(url)).toBe('yousync@db.internal:6432/yousync');
    expect(describeDatabaseUrl('postgresql://db.internal/yousync')).toBe('db.internal:5432/yousync');
  });

  it('says where it listens, what it runs on and where the docs are, without credentials of S3 or engines', () => {
    const config = loadAppConfig({
      ...secrets,
      PORT: '9000',
      PUBLIC_URL: 'https://api.yousync.example',
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'yousync',
      S3_ENDPOINT: 'http://minio-user:minio-secret@127.0.0.1:9000',
      S3_SECRET_ACCESS_KEY: 'aws-secret',
      ANALYSIS_ENGINE: 'remote',
      ANALYSIS_SERVER_URL: 'http://analysis.internal:8080',
      ANALYSIS_WEBHOOK_SECRET: 'webhook-secret-webhook',
      SPEECH_TO_TEXT_ENGINE: 'openai',
      STT_BASE_URL: 'http://whisper:stt-password@127.0.0.1:8080/v1',
      STT_API_KEY: 'stt-api-key',
      TEXT_GENERATION_ENGINE: 'openai',
      LLM_BASE_URL: 'http://ollama:llm-password@127.0.0.1:11434/v1',
      LLM_API_KEY: 'llm-api-key',
      LLM_MODEL: 'llama3.2',
      JOBS_WORKER: 'false',
      MUSIC_ENGINE: 'remote',
      MUSIC_REMOTE_URL: 'http://yue:music-password@gpu.internal:8080',
    });
    const summary = startUpSummary(config, { description: 'PostgreSQL at yousync@db.internal:5432/yousync' });
    const line = webStartUpLine(config, summary);

    expect(line).toContain('listening on 0.0.0.0:9000 (https://api.yousync.example)');
    expect(line).toContain('docs at https://api.yousync.example/docs');
    expect(summary).toEqual({
      database: 'PostgreSQL at yousync@db.internal:5432/yousync',
      storage: 's3 bucket yousync at http://127.0.0.1:9000',
      engines: {
        analysis: 'remote at http://analysis.internal:8080',
        textToSpeech: 'builtin (eSpeak NG)',
        speechToText: 'openai at http://127.0.0.1:8080/v1 (model whisper-1)',
        textGeneration: 'openai at http://127.0.0.1:11434/v1 (model llama3.2)',
        replySpeech: 'builtin (eSpeak NG)',
        music: 'remote at http://gpu.internal:8080, 1 at once',
      },
      jobs: 'run by worker processes',
    });
    for (const secret of ['minio-secret', 'aws-secret', 'webhook-secret', 'stt-password', 'stt-api-key', 'llm-password', 'llm-api-key', 'music-password', 'j'.repeat(40), 's'.repeat(40)]) {
      expect(JSON.stringify(summary) + line).not.toContain(secret);
    }
  });
});
