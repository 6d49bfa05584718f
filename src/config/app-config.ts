import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigurationError, NodeEnv, parseEnvironment, type EnvironmentVariables } from './environment.js';

export interface S3Settings {
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

/** The typed configuration every module receives. Built once at boot from the environment. */
export class AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly isProduction: boolean;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly publicUrl: string;
  readonly logLevel: string;
  readonly corsOrigins: string[];
  readonly bodyLimit: string;
  readonly shutdownTimeoutMs: number;
  /** Load the synthetic demo catalog into a freshly created embedded database. */
  readonly seedDemo: boolean;
  readonly database: { url?: string; poolSize: number; embeddedPort: number; embeddedDir: string };
  readonly storage: {
    driver: 'local' | 's3';
    localDir: string;
    signingSecret: string;
    signedUrlTtlSeconds: number;
    /** The longest a multipart upload may take to arrive (408 after); older partial writes are abandoned. */
    uploadTimeoutMs: number;
    s3?: S3Settings;
  };
  readonly jobs: {
    worker: boolean;
    concurrency: number;
    pollSeconds: number;
    heartbeatSeconds: number;
    diagnostic: boolean;
  };
  readonly sse: { heartbeatMs: number };
  readonly analysis: {
    engine: 'builtin' | 'remote';
    /** The builtin engine analyses a line of its own at start-up where jobs run (JOBS_WORKER). */
    warmUp: boolean;
    serverUrl?: string;
    webhookSecret?: string;
    maxUploadBytes: number;
    timeoutMs: number;
    retries: number;
    retryDelayMs: number;
  };
  readonly speechToText: {
    engine: 'none' | 'openai' | 'ml-server' | 'seed-atot';
    openai: { baseUrl?: string; apiKey?: string; model: string; maxChunkBytes: number };
    seedAtotUrl?: string;
    mlServer: { url?: string; pollMs: number };
    timeoutMs: number;
    retries: number;
    retryDelayMs: number;
  };
  readonly textGeneration: {
    engine: 'none' | 'openai' | 'seed-ttot';
    openai: { baseUrl?: string; apiKey?: string; model: string };
    seedTtotUrl?: string;
    timeoutMs: number;
  };
  readonly voice: {
    /** Per call to a seed ATOT/TTS server or an OpenAI speech server. */
    timeoutMs: number;
    speech: {
      engine: 'espeak' | 'openai' | 'seed-tts';
      openai: { baseUrl?: string; apiKey?: string; model: string; voice: string };
      seedTtsUrl?: string;
    };
    contextTurns: number;
    systemPrompt: string;
    maxTextChars: number;
  };
  readonly video: {
    webhookSecret?: string;
    maxUploadBytes: number;
    anonymousRateLimitPerMinute: number;
  };
  readonly music: {
    engine: 'builtin' | 'yue' | 'remote';
    /** Generations running at once across every instance and worker (one GPU: 1). */
    concurrency: number;
    deadlineSeconds: number;
    allowAnonymous: boolean;
    anonymousRateLimitPerMinute: number;
    remote: { url?: string; pollMs: number; timeoutMs: number };
    yue: {
      /** YuE's checkout; infer.py is run from its `inference` folder. */
      dir?: string;
      python: string;
      stage1Model: string;
      stage2Model: string;
      runNSegments: number;
      stage2BatchSize: number;
      maxNewTokens: number;
      cudaIdx: number;
    };
  };
  readonly auth: {
    jwtSecret: string;
    accessTtlSeconds: number;
    refreshTtlDays: number;
    streamTokenTtlSeconds: number;
    frontendUrl: string;
    devLogin: boolean;
    adminEmails: string[];
    rateLimitPerMinute: number;
    google: {
      clientId?: string;
      clientSecret?: string;
      callbackUrl: string;
      authorizationUrl: string;
      tokenUrl: string;
      userinfoUrl: string;
      issuer: string;
      jwksUrl: string;
    };
  };

  constructor(env: EnvironmentVariables) {
    const problems: string[] = [];
    this.nodeEnv = env.NODE_ENV;
    this.isProduction = env.NODE_ENV === NodeEnv.Production;
    this.port = env.PORT;
    this.host = env.HOST;
    this.dataDir = resolve(env.DATA_DIR);
    this.publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
    this.logLevel = env.LOG_LEVEL;
    this.corsOrigins = env.CORS_ORIGINS;
    this.bodyLimit = env.BODY_LIMIT;
    this.shutdownTimeoutMs = env.SHUTDOWN_TIMEOUT_SECONDS * 1000;
    this.seedDemo = env.SEED_DEMO;
    this.database = {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      embeddedPort: env.EMBEDDED_POSTGRES_PORT,
      embeddedDir: join(this.dataDir, 'postgres'),
    };

    if (env.STORAGE_DRIVER === 's3' && !env.S3_BUCKET) problems.push('S3_BUCKET: required when STORAGE_DRIVER=s3');
    const signingSecret =
      env.STORAGE_SIGNING_SECRET ?? this.developmentSecret('storage-signing', 'STORAGE_SIGNING_SECRET', problems);
    this.storage = {
      driver: env.STORAGE_DRIVER,
      localDir: join(this.dataDir, 'storage'),
      signingSecret,
      signedUrlTtlSeconds: env.SIGNED_URL_TTL_SECONDS,
      uploadTimeoutMs: env.UPLOAD_TIMEOUT_SECONDS * 1000,
      s3:
        env.STORAGE_DRIVER === 's3'
          ? {
              endpoint: env.S3_ENDPOINT,
              bucket: env.S3_BUCKET ?? '',
              region: env.S3_REGION,
              accessKeyId: env.S3_ACCESS_KEY_ID,
              secretAccessKey: env.S3_SECRET_ACCESS_KEY,
              forcePathStyle: env.S3_FORCE_PATH_STYLE,
            }
          : undefined,
    };
    this.jobs = {
      worker: env.JOBS_WORKER,
      concurrency: env.JOBS_CONCURRENCY,
      pollSeconds: env.JOBS_POLL_SECONDS,
      heartbeatSeconds: env.JOBS_HEARTBEAT_SECONDS,
      diagnostic: env.DIAGNOSTIC_JOBS,
    };
    this.sse = { heartbeatMs: env.SSE_HEARTBEAT_SECONDS * 1000 };

    if (env.ANALYSIS_ENGINE === 'remote' && !env.ANALYSIS_SERVER_URL) {
      problems.push('ANALYSIS_SERVER_URL: required when ANALYSIS_ENGINE=remote');
    }
    if (env.ANALYSIS_ENGINE === 'remote' && !env.ANALYSIS_WEBHOOK_SECRET) {
      problems.push('ANALYSIS_WEBHOOK_SECRET: required when ANALYSIS_ENGINE=remote (it authenticates the callbacks)');
    }
    this.analysis = {
      engine: env.ANALYSIS_ENGINE,
      warmUp: env.ANALYSIS_WARM_UP,
      serverUrl: env.ANALYSIS_SERVER_URL,
      webhookSecret: env.ANALYSIS_WEBHOOK_SECRET,
      maxUploadBytes: env.ANALYSIS_MAX_UPLOAD_BYTES,
      timeoutMs: env.ANALYSIS_TIMEOUT_SECONDS * 1000,
      retries: env.ANALYSIS_REMOTE_RETRIES,
      retryDelayMs: env.ANALYSIS_REMOTE_RETRY_DELAY_MS,
    };

    if (env.SPEECH_TO_TEXT_ENGINE === 'openai' && !env.STT_BASE_URL) {
      problems.push('STT_BASE_URL: required when SPEECH_TO_TEXT_ENGINE=openai (e.g. https://api.openai.com/v1 or http://127.0.0.1:8080/v1)');
    }
    if (env.SPEECH_TO_TEXT_ENGINE === 'ml-server' && !env.ML_SERVER_URL) {
      problems.push('ML_SERVER_URL: required when SPEECH_TO_TEXT_ENGINE=ml-server');
    }
    if (env.SPEECH_TO_TEXT_ENGINE === 'ml-server' && !env.VIDEO_WEBHOOK_SECRET) {
      problems.push('VIDEO_WEBHOOK_SECRET: required when SPEECH_TO_TEXT_ENGINE=ml-server (it authenticates the result callbacks)');
    }
    if (env.SPEECH_TO_TEXT_ENGINE === 'seed-atot' && !env.ATOT_URL) {
      problems.push('ATOT_URL: required when SPEECH_TO_TEXT_ENGINE=seed-atot (e.g. http://127.0.0.1:8000)');
    }
    this.speechToText = {
      engine: env.SPEECH_TO_TEXT_ENGINE,
      openai: {
        baseUrl: env.STT_BASE_URL?.replace(/\/+$/, ''),
        apiKey: env.STT_API_KEY,
        model: env.STT_MODEL,
        maxChunkBytes: env.STT_MAX_CHUNK_BYTES,
      },
      mlServer: { url: env.ML_SERVER_URL?.replace(/\/+$/, ''), pollMs: env.ML_SERVER_POLL_SECONDS * 1000 },
      seedAtotUrl: env.ATOT_URL?.replace(/\/+$/, ''),
      timeoutMs: env.STT_TIMEOUT_SECONDS * 1000,
      retries: env.STT_RETRIES,
      retryDelayMs: env.STT_RETRY_DELAY_MS,
    };
    if (env.TEXT_GENERATION_ENGINE === 'openai' && !env.LLM_BASE_URL) {
      problems.push('LLM_BASE_URL: required when TEXT_GENERATION_ENGINE=openai (e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1)');
    }
    if (env.TEXT_GENERATION_ENGINE === 'seed-ttot' && !env.TTOT_URL) {
      problems.push('TTOT_URL: required when TEXT_GENERATION_ENGINE=seed-ttot (e.g. http://127.0.0.1:8002)');
    }
    this.textGeneration = {
      engine: env.TEXT_GENERATION_ENGINE,
      openai: { baseUrl: env.LLM_BASE_URL?.replace(/\/+$/, ''), apiKey: env.LLM_API_KEY, model: env.LLM_MODEL },
      seedTtotUrl: env.TTOT_URL?.replace(/\/+$/, ''),
      timeoutMs: env.LLM_TIMEOUT_SECONDS * 1000,
    };
    if (env.TEXT_TO_SPEECH_ENGINE === 'openai' && !env.TTS_BASE_URL) {
      problems.push('TTS_BASE_URL: required when TEXT_TO_SPEECH_ENGINE=openai (e.g. https://api.openai.com/v1)');
    }
    if (env.TEXT_TO_SPEECH_ENGINE === 'seed-tts' && !env.TTS_URL) {
      problems.push('TTS_URL: required when TEXT_TO_SPEECH_ENGINE=seed-tts (the full URL of its endpoint, e.g. http://127.0.0.1:8004/tts)');
    }
    this.voice = {
      timeoutMs: env.VOICE_TIMEOUT_SECONDS * 1000,
      speech: {
        engine: env.TEXT_TO_SPEECH_ENGINE,
        openai: { baseUrl: env.TTS_BASE_URL?.replace(/\/+$/, ''), apiKey: env.TTS_API_KEY, model: env.TTS_MODEL, voice: env.TTS_VOICE },
        seedTtsUrl: env.TTS_URL,
      },
      contextTurns: env.VOICE_CONTEXT_TURNS,
      systemPrompt: env.VOICE_SYSTEM_PROMPT,
      maxTextChars: env.VOICE_MAX_TEXT_CHARS,
    };
    this.video = {
      webhookSecret: env.VIDEO_WEBHOOK_SECRET,
      maxUploadBytes: env.VIDEO_MAX_UPLOAD_BYTES,
      anonymousRateLimitPerMinute: env.VIDEO_ANONYMOUS_RATE_LIMIT_PER_MINUTE,
    };

    if (env.MUSIC_ENGINE === 'remote' && !env.MUSIC_REMOTE_URL) {
      problems.push('MUSIC_REMOTE_URL: required when MUSIC_ENGINE=remote (a server speaking seed 004\'s API, e.g. http://127.0.0.1:8080)');
    }
    if (env.MUSIC_ENGINE === 'yue' && !env.YUE_DIR) {
      problems.push('YUE_DIR: required when MUSIC_ENGINE=yue (the YuE checkout whose inference/infer.py is run)');
    }
    this.music = {
      engine: env.MUSIC_ENGINE,
      concurrency: env.MUSIC_CONCURRENCY,
      deadlineSeconds: env.MUSIC_DEADLINE_SECONDS,
      allowAnonymous: env.MUSIC_ALLOW_ANONYMOUS,
      anonymousRateLimitPerMinute: env.MUSIC_ANONYMOUS_RATE_LIMIT_PER_MINUTE,
      remote: {
        url: env.MUSIC_REMOTE_URL?.replace(/\/+$/, ''),
        pollMs: env.MUSIC_REMOTE_POLL_SECONDS * 1000,
        timeoutMs: env.MUSIC_REMOTE_TIMEOUT_SECONDS * 1000,
      },
      yue: {
        dir: env.YUE_DIR ? resolve(env.YUE_DIR) : undefined,
        python: env.YUE_PYTHON,
        stage1Model: env.YUE_STAGE1_MODEL,
        stage2Model: env.YUE_STAGE2_MODEL,
        runNSegments: env.YUE_RUN_N_SEGMENTS,
        stage2BatchSize: env.YUE_STAGE2_BATCH_SIZE,
        maxNewTokens: env.YUE_MAX_NEW_TOKENS,
        cudaIdx: env.YUE_CUDA_IDX,
      },
    };

    const devLogin = env.AUTH_DEV_LOGIN ?? !this.isProduction;
    if (devLogin && this.isProduction) {
      problems.push('AUTH_DEV_LOGIN: must not be true when NODE_ENV=production (it signs anyone in by e-mail alone)');
    }
    this.auth = {
      jwtSecret: env.JWT_SECRET ?? this.developmentSecret('jwt', 'JWT_SECRET', problems),
      accessTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
      refreshTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
      streamTokenTtlSeconds: env.STREAM_TOKEN_TTL_SECONDS,
      frontendUrl: env.FRONTEND_URL.replace(/\/+$/, ''),
      devLogin,
      adminEmails: env.ADMIN_EMAILS.map((email) => email.toLowerCase()),
      rateLimitPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
      google: {
        clientId: env.GOOGLE_CLIENT_ID,
        clientSecret: env.GOOGLE_CLIENT_SECRET,
        callbackUrl: env.GOOGLE_CALLBACK_URL ?? `${this.publicUrl}/auth/google/callback`,
        authorizationUrl: env.GOOGLE_AUTHORIZATION_URL,
        tokenUrl: env.GOOGLE_TOKEN_URL,
        userinfoUrl: env.GOOGLE_USERINFO_URL,
        issuer: env.GOOGLE_ISSUER,
        jwksUrl: env.GOOGLE_JWKS_URL,
      },
    };
    if (problems.length > 0) throw new ConfigurationError(problems);
  }

  /**
   * Outside production a missing secret is generated once and kept in DATA_DIR, so a newcomer's `npm start`
   * needs no set-up and restarts keep signed URLs and sessions valid. Production must set it explicitly.
   */
  private developmentSecret(name: string, variable: string, problems: string[]): string {
    if (this.isProduction) {
      problems.push(`${variable}: required when NODE_ENV=production`);
      return '';
    }
    const dir = join(this.dataDir, 'secrets');
    const file = join(dir, name);
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      // DATA_DIR itself stays reachable (the embedded server runs as another user when started by root).
      mkdirSync(this.dataDir, { recursive: true });
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      try {
        writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        // Another process starting on the same DATA_DIR wrote it first; theirs wins.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      return readFileSync(file, 'utf8').trim();
    }
  }
}

export function loadAppConfig(raw: Record<string, string | undefined> = process.env): AppConfig {
  return new AppConfig(parseEnvironment(raw));
}
