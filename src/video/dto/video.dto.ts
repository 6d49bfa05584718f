import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsString, IsUUID, Length } from 'class-validator';
import { MayBeAbsent } from '../../common/may-be-absent.decorator.js';

export class GenerateUploadUrlDto {
  @ApiProperty({ example: 'example.mp4', description: 'Only its last path segment is kept, sanitised' })
  @IsString()
  @Length(1, 1024)
  filename: string;

  @ApiProperty({ example: 'video/mp4', description: 'video/* or audio/*; the upload must send this Content-Type' })
  @IsString()
  @Length(1, 255)
  filetype: string;
}

export class UploadUrlDto {
  @ApiProperty({ description: 'Presigned PUT: send the bytes with the same Content-Type as filetype' })
  url: string;

  @ApiProperty({ example: 'videos/anonymous/20250911_143020_abc12345_example.mp4' })
  fileKey: string;
}

export class RequestProcessDto {
  @ApiProperty({ example: 'videos/anonymous/20250911_143020_abc12345_example.mp4' })
  @IsString()
  @Length(1, 1024)
  fileKey: string;
}

export class ProcessStartedDto {
  @ApiProperty({ example: 'Video processing started.' })
  message: string;

  @ApiProperty({ format: 'uuid' })
  jobId: string;
}

export class JobErrorDto {
  @ApiProperty({ example: 'ENGINE_UNAVAILABLE' })
  code: string;

  @ApiProperty()
  message: string;
}

export class VideoJobStatusDto {
  @ApiProperty({ format: 'uuid' })
  job_id: string;

  @ApiProperty({ enum: ['queued', 'processing', 'completed', 'failed', 'canceled'] })
  status: string;

  @ApiProperty({ minimum: 0, maximum: 100 })
  progress: number;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'What is happening now' })
  message: string | null;

  @ApiPropertyOptional({ type: JobErrorDto, description: 'When failed' })
  error?: JobErrorDto;
}

export class TranscriptWordDto {
  @ApiProperty() word: string;
  @ApiProperty({ description: 'Seconds' }) start: number;
  @ApiProperty({ description: 'Seconds' }) end: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Null when the engine gives none (OpenAI)' }) probability: number | null;
}

export class TranscriptSegmentDto {
  @ApiProperty() id: number;
  @ApiProperty({ description: 'Seconds' }) start: number;
  @ApiProperty({ description: 'Seconds' }) end: number;
  @ApiProperty() text: string;
  @ApiPropertyOptional() avg_logprob?: number;
  @ApiPropertyOptional() no_speech_prob?: number;
  @ApiProperty({ type: [TranscriptWordDto] }) words: TranscriptWordDto[];
}

export class TranscriptEngineDto {
  @ApiProperty({ example: 'openai' }) name: string;
  @ApiProperty({ example: 'whisper-1' }) model: string;
}

export class TranscriptDto {
  @ApiProperty({ format: 'uuid' }) job_id: string;
  @ApiProperty() text: string;
  @ApiProperty({ example: 'en', description: 'ISO 639-1' }) language: string;
  @ApiProperty({ description: 'Seconds' }) duration: number;
  @ApiProperty({ type: [TranscriptSegmentDto] }) segments: TranscriptSegmentDto[];
  @ApiProperty({ type: TranscriptEngineDto }) engine: TranscriptEngineDto;
  @ApiProperty() created_at: string;
}

export class VideoCallbackDto {
  @ApiProperty({ format: 'uuid', description: 'The job_id this service sent to process-video' })
  @IsUUID()
  job_id: string;

  @ApiPropertyOptional({ type: Object, description: "Whisper's JSON as the ML server has it: {text, segments, language, ...}" })
  @MayBeAbsent()
  @IsObject()
  result?: Record<string, unknown>;

  @ApiPropertyOptional({ type: Object, description: 'Instead of result, when the ML server failed: {code, message}' })
  @MayBeAbsent()
  @IsObject()
  error?: Record<string, unknown>;
}
