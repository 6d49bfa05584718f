import { describe, expect, it } from 'vitest';
import { AppConfig, loadAppConfig } from './app-config.js';
import { ConfigurationError, parseEnvironment } from './environment.js';

describe(parseEnvironment.name, () => {
  it('gives every variable its default on an empty environment', () => {
    const sut = parseEnvironment({});
    expect(sut).toMatchObject({ PORT: 8000, DATA_DIR: './data', NODE_ENV: 'development', STORAGE_DRIVER: 'local', JOBS_WORKER: true });
    expect(sut.DATABASE_URL).toBeUndefined();
  });

  it('converts numbers, booleans and lists', () => {
    const sut = parseEnvironment({ PORT: '9000', JOBS_WORKER: 'false', CORS_ORIGINS: 'https://a.example, https://b.example' });
    expect(sut.PORT).toBe(9000);
    expect(sut.JOBS_WORKER).toBe(false);
    expect(sut.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });

  it('treats an empty variable as unset', () => {
    const sut = parseEnvironment({ PORT: '', DATABASE_URL: '' });
    expect(sut.PORT).toBe(8000);
    expect(sut.DATABASE_URL).toBeUndefined();
  });

  it('names every bad variable and the value it got', () => {
    const error = (() => {
      try {
        parseEnvironment({ PORT: 'abc', JOBS_WORKER: 'maybe', DATABASE_URL: 'mysql://x' });
      } catch (caught) {
        return caught as ConfigurationError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error!.message).toMatch(/PORT: .*integer.*\(got "abc"\)/);
    expect(error!.message).toMatch(/JOBS_WORKER: .*boolean.*\(got "maybe"\)/);
    expect(error!.message).toMatch(/DATABASE_URL: /);
  });

  it('ignores variables it does not know', () => {
    expect(parseEnvironment({ PATH: '/bin', HOME: '/root' })).not.toHaveProperty('PATH');
  });
});

describe(AppConfig.name, () => {
  it('requires the S3 bucket when the S3 driver is chosen', () => {
    expect(() => loadAppConfig({ STORAGE_DRIVER: 's3', STORAGE_SIGNING_SECRET: 'x'.repeat(32) })).toThrow(/S3_BUCKET/);
  });

  it('requires explicit secrets in production', () => {
    expect(() => loadAppConfig({ NODE_ENV: 'production' })).toThrow(/STORAGE_SIGNING_SECRET: required when NODE_ENV=production/);
  });

  it('refuses the development login in production, and leaves it on by default elsewhere', () => {
    const secrets = { JWT_SECRET: 'j'.repeat(40), STORAGE_SIGNING_SECRET: 's'.repeat(40) };
    expect(() => loadAppConfig({ NODE_ENV: 'production', AUTH_DEV_LOGIN: 'true', ...secrets })).toThrow(
      /AUTH_DEV_LOGIN: must not be true when NODE_ENV=production/,
    );
    expect(loadAppConfig({ NODE_ENV: 'production', ...secrets }).auth.devLogin).toBe(false);
    expect(loadAppConfig({ NODE_ENV: 'test', ...secrets }).auth.devLogin).toBe(true);
  });

  it('derives the public URL from the port', () => {
    const sut = loadAppConfig({ PORT: '8123', STORAGE_SIGNING_SECRET: 'x'.repeat(32) });
    expect(sut.publicUrl).toBe('http://localhost:8123');
  });

  it('has no speech-to-text engine by default, and names what each engine needs', () => {
    const secrets = { JWT_SECRET: 'j'.repeat(40), STORAGE_SIGNING_SECRET: 's'.repeat(40) };
    const sut = loadAppConfig(secrets);
    expect(sut.speechToText.engine).toBe('none');
    expect(sut.speechToText.openai.maxChunkBytes).toBeLessThan(25 * 1000 * 1000);
    expect(sut.video.maxUploadBytes).toBe(2 * 1024 ** 3);
    expect(() => loadAppConfig({ ...secrets, SPEECH_TO_TEXT_ENGINE: 'openai' })).toThrow(/STT_BASE_URL: required when SPEECH_TO_TEXT_ENGINE=openai/);
    expect(() => loadAppConfig({ ...secrets, SPEECH_TO_TEXT_ENGINE: 'ml-server' })).toThrow(/ML_SERVER_URL: required[\s\S]*VIDEO_WEBHOOK_SECRET: required/);
    expect(() => loadAppConfig({ ...secrets, SPEECH_TO_TEXT_ENGINE: 'whisper' })).toThrow(/SPEECH_TO_TEXT_ENGINE/);
    expect(() => loadAppConfig({ ...secrets, STT_MAX_CHUNK_BYTES: String(26 * 1000 * 1000) })).toThrow(/STT_MAX_CHUNK_BYTES/);
    const openai = loadAppConfig({ ...secrets, SPEECH_TO_TEXT_ENGINE: 'openai', STT_BASE_URL: 'http://127.0.0.1:8080/v1/' });
    expect(openai.speechToText.openai).toMatchObject({ baseUrl: 'http://127.0.0.1:8080/v1', model: 'whisper-1' });
  });
});
