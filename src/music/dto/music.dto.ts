import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MayBeAbsent } from '../../common/may-be-absent.decorator.js';

const NOT_BLANK = /\S/;

export class GenerateMusicDto {
  @ApiProperty({ description: 'Genre, mood, instruments: e.g. "신나는 K-POP", "sad piano ballad" (1-200 characters)', example: '신나는 K-POP' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(NOT_BLANK, { message: 'genre_txt must not be blank' })
  genre_txt: string;

  @ApiProperty({
    description: 'Lyrics (1-5000 characters): YuE-style section tags ([verse], [chorus], ...) or blank-line paragraphs',
    example: '여름이 왔네 햇살이 빛나네\n바다로 가자 우리 함께',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  @Matches(NOT_BLANK, { message: 'lyrics_txt must not be blank' })
  lyrics_txt: string;

  @ApiPropertyOptional({ description: 'The same genre, lyrics and seed give the same track (built-in engine); random when absent', minimum: 0, maximum: 2147483647 })
  @MayBeAbsent()
  @IsInt()
  @Min(0)
  @Max(2147483647)
  seed?: number;
}

export class MusicJobCreatedDto {
  @ApiProperty({ format: 'uuid' }) job_id: string;
  @ApiProperty({ enum: ['queued'] }) status: 'queued';
}

export class MusicJobErrorDto {
  @ApiProperty() code: string;
  @ApiProperty() message: string;
}

/** A job as `jobs`, `events` and `job-status` show it (seed 004's fields, no server paths). */
export class MusicJobDto {
  @ApiProperty({ format: 'uuid' }) job_id: string;
  @ApiProperty({ enum: ['queued', 'processing', 'completed', 'failed', 'canceled'] }) status: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) started_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completed_at: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The failure's message (seed 004: a string); its code is in error_code" })
  error: string | null;
  @ApiProperty({ nullable: true, type: String }) error_code: string | null;
  @ApiProperty({ description: '0-100' }) progress: number;
  @ApiProperty({ nullable: true, type: String, description: 'What the engine is doing' }) stage: string | null;
  @ApiProperty({ nullable: true, type: String, description: '`/music/download/{job_id}` once completed' }) download_url: string | null;
}

export class MusicJobStatusDto extends MusicJobDto {
  @ApiProperty({ nullable: true, type: Number, description: '1 for the next to start; null unless queued' })
  queue_position: number | null;
}

export class MusicServerStatusDto {
  @ApiProperty({ nullable: true, type: String, description: "Your job being generated now, or null (another caller's is never shown)" })
  active_job: string | null;
  @ApiProperty({ description: 'Jobs of every caller waiting for a generation slot' }) queue_size: number;
  @ApiProperty({ description: 'Your jobs' }) job_count: number;
}
