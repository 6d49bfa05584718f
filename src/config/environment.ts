import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';

export enum NodeEnv {
  Development = 'development',
  Production = 'production',
  Test = 'test',
}

const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalised)) return true;
  if (['false', '0', 'no', 'off', ''].includes(normalised)) return false;
  return value;
};
const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;

/**
 * Every environment variable the service reads, with its default. The only place `process.env` is interpreted;
 * `.env.example` mirrors this class.
 */
export class EnvironmentVariables {
  @IsEnum(NodeEnv)
  NODE_ENV: NodeEnv = NodeEnv.Development;

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8000;

  @IsString()
  HOST = '0.0.0.0';

  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL?: string;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(65535)
  EMBEDDED_POSTGRES_PORT = 0;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  PUBLIC_URL?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(toList)
  @IsString({ each: true })
  CORS_ORIGINS: string[] = ['http://localhost:3000', 'http://localhost:5173'];

  @IsString()
  BODY_LIMIT = '1mb';

  @IsIn(['local', 's3'])
  STORAGE_DRIVER: 'local' | 's3' = 'local';

  @IsOptional()
  @IsString()
  @MinLength(32)
  STORAGE_SIGNING_SECRET?: string;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  SIGNED_URL_TTL_SECONDS = 900;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(24 * 3600)
  UPLOAD_TIMEOUT_SECONDS = 300;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  S3_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  S3_BUCKET?: string;

  @IsString()
  S3_REGION = 'us-east-1';

  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  @Transform(toBoolean)
  @IsBoolean()
  S3_FORCE_PATH_STYLE = true;

  @Transform(toBoolean)
  @IsBoolean()
  JOBS_WORKER = true;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(64)
  JOBS_CONCURRENCY = 2;

  @Transform(toNumber)
  @IsNumber()
  @Min(0.5)
  @Max(60)
  JOBS_POLL_SECONDS = 1;

  @Transform(toNumber)
  @IsNumber()
  @Min(0.2)
  @Max(300)
  JOBS_HEARTBEAT_SECONDS = 10;

  @Transform(toNumber)
  @IsNumber()
  @Min(0.05)
  @Max(300)
  SSE_HEARTBEAT_SECONDS = 15;

  @Transform(toNumber)
  @IsNumber()
  @Min(1)
  @Max(600)
  SHUTDOWN_TIMEOUT_SECONDS = 25;

  @Transform(toBoolean)
  @IsBoolean()
  DIAGNOSTIC_JOBS = false;

  @Transform(toBoolean)
  @IsBoolean()
  SEED_DEMO = true;

  @IsIn(['builtin', 'remote'])
  ANALYSIS_ENGINE: 'builtin' | 'remote' = 'builtin';

  /** builtin, in a process that runs jobs: analyse one line of eSpeak's at start-up, so the first take is not the one that warms up. */
  @Transform(toBoolean)
  @IsBoolean()
  ANALYSIS_WARM_UP = true;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  ANALYSIS_SERVER_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(16)
  ANALYSIS_WEBHOOK_SECRET?: string;

  @Transform(toNumber)
  @IsInt()
  @Min(1024)
  @Max(4 * 1024 * 1024 * 1024)
  ANALYSIS_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

  @Transform(toNumber)
  @IsNumber()
  @Min(1)
  @Max(600)
  ANALYSIS_TIMEOUT_SECONDS = 30;

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(10)
  ANALYSIS_REMOTE_RETRIES = 3;

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(60_000)
  ANALYSIS_REMOTE_RETRY_DELAY_MS = 1000;

  @IsIn(['none', 'openai', 'ml-server', 'seed-atot'])
  SPEECH_TO_TEXT_ENGINE: 'none' | 'openai' | 'ml-server' | 'seed-atot' = 'none';

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  ATOT_URL?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  STT_BASE_URL?: string;

  @IsOptional()
  @IsString()
  STT_API_KEY?: string;

  @IsString()
  @MinLength(1)
  STT_MODEL = 'whisper-1';

  @Transform(toNumber)
  @IsInt()
  @Min(16_000)
  @Max(25 * 1000 * 1000)
  STT_MAX_CHUNK_BYTES = 24 * 1000 * 1000;

  @Transform(toNumber)
  @IsNumber()
  @Min(1)
  @Max(3600)
  STT_TIMEOUT_SECONDS = 600;

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(10)
  STT_RETRIES = 3;

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(60_000)
  STT_RETRY_DELAY_MS = 1000;


  @IsIn(['none', 'openai', 'seed-ttot'])
  TEXT_GENERATION_ENGINE: 'none' | 'openai' | 'seed-ttot' = 'none';

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  LLM_BASE_URL?: string;

  @IsOptional()
  @IsString()
  LLM_API_KEY?: string;

  @IsString()
  @MinLength(1)
  LLM_MODEL = 'gpt-4o-mini';

  @Transform(toNumber)
  @IsNumber()
  @Min(0.01)
  @Max(600)
  LLM_TIMEOUT_SECONDS = 30;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  TTOT_URL?: string;

  @Transform(toNumber)
  @IsNumber()
  @Min(0.01)
  @Max(600)
  VOICE_TIMEOUT_SECONDS = 30;

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(100)
  VOICE_CONTEXT_TURNS = 10;

  @IsString()
  @MaxLength(4000)
  VOICE_SYSTEM_PROMPT = 'You are a friendly voice assistant. Answer briefly, in the language the user speaks.';

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(100_000)
  VOICE_MAX_TEXT_CHARS = 2000;

  @IsIn(['espeak', 'openai', 'seed-tts'])
  TEXT_TO_SPEECH_ENGINE: 'espeak' | 'openai' | 'seed-tts' = 'espeak';

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  TTS_BASE_URL?: string;

  @IsOptional()
  @IsString()
  TTS_API_KEY?: string;

  @IsString()
  @MinLength(1)
  TTS_MODEL = 'tts-1';

  @IsString()
  @MinLength(1)
  TTS_VOICE = 'alloy';

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  TTS_URL?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  ML_SERVER_URL?: string;

  @Transform(toNumber)
  @IsNumber()
  @Min(0.1)
  @Max(600)
  ML_SERVER_POLL_SECONDS = 5;

  @IsOptional()
  @IsString()
  @MinLength(16)
  VIDEO_WEBHOOK_SECRET?: string;

  @Transform(toNumber)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024 * 1024)
  VIDEO_MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(100_000)
  VIDEO_ANONYMOUS_RATE_LIMIT_PER_MINUTE = 20;

  @IsIn(['builtin', 'yue', 'remote'])
  MUSIC_ENGINE: 'builtin' | 'yue' | 'remote' = 'builtin';

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(64)
  MUSIC_CONCURRENCY = 1;

  @Transform(toNumber)
  @IsInt()
  @Min(10)
  @Max(24 * 3600)
  MUSIC_DEADLINE_SECONDS = 3600;

  @Transform(toBoolean)
  @IsBoolean()
  MUSIC_ALLOW_ANONYMOUS = false;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(100_000)
  MUSIC_ANONYMOUS_RATE_LIMIT_PER_MINUTE = 5;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  MUSIC_REMOTE_URL?: string;

  @Transform(toNumber)
  @IsNumber()
  @Min(0.1)
  @Max(600)
  MUSIC_REMOTE_POLL_SECONDS = 5;

  @Transform(toNumber)
  @IsNumber()
  @Min(0.01)
  @Max(600)
  MUSIC_REMOTE_TIMEOUT_SECONDS = 30;

  @IsOptional()
  @IsString()
  @MinLength(1)
  YUE_DIR?: string;

  @IsString()
  @MinLength(1)
  YUE_PYTHON = 'python3';

  @IsString()
  @MinLength(1)
  YUE_STAGE1_MODEL = 'm-a-p/YuE-s1-7B-anneal-en-cot';

  @IsString()
  @MinLength(1)
  YUE_STAGE2_MODEL = 'm-a-p/YuE-s2-1B-general';

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(32)
  YUE_RUN_N_SEGMENTS = 2;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(64)
  YUE_STAGE2_BATCH_SIZE = 4;

  @Transform(toNumber)
  @IsInt()
  @Min(100)
  @Max(100_000)
  YUE_MAX_NEW_TOKENS = 3000;

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(64)
  YUE_CUDA_IDX = 0;

  @IsOptional()
  @IsString()
  @MinLength(32)
  JWT_SECRET?: string;

  @Transform(toNumber)
  @IsInt()
  @Min(30)
  @Max(24 * 3600)
  JWT_ACCESS_TTL_SECONDS = 900;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(365)
  REFRESH_TOKEN_TTL_DAYS = 30;

  @Transform(toNumber)
  @IsInt()
  @Min(10)
  @Max(3600)
  STREAM_TOKEN_TTL_SECONDS = 300;

  @IsOptional()
  @IsString()
  GOOGLE_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  GOOGLE_CLIENT_SECRET?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  GOOGLE_CALLBACK_URL?: string;

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  GOOGLE_AUTHORIZATION_URL = 'https://accounts.google.com/o/oauth2/v2/auth';

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  GOOGLE_USERINFO_URL = 'https://openidconnect.googleapis.com/v1/userinfo';

  @IsString()
  GOOGLE_ISSUER = 'https://accounts.google.com';

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  FRONTEND_URL = 'http://localhost:3000';

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  AUTH_DEV_LOGIN?: boolean;

  @Transform(toList)
  @IsString({ each: true })
  ADMIN_EMAILS: string[] = [];

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(100_000)
  AUTH_RATE_LIMIT_PER_MINUTE = 30;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

function describe(error: ValidationError, raw: Record<string, string | undefined>): string {
  const constraints = Object.values(error.constraints ?? {}).join('; ');
  const given = raw[error.property];
  return `${error.property}: ${constraints}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`;
}

/** Reads and validates the variables; throws a ConfigurationError naming every bad variable. */
export function parseEnvironment(raw: Record<string, string | undefined>): EnvironmentVariables {
  // An empty variable (as left by copying .env.example) means "use the default".
  const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''));
  const env = plainToInstance(EnvironmentVariables, present, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: true });
  if (errors.length > 0) throw new ConfigurationError(errors.map((error) => describe(error, raw)));
  return env;
}
