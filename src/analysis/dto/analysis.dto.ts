import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject } from 'class-validator';
import { TokenSummaryDto } from '../../catalog/dto/catalog.dto.js';

export const ANALYSIS_STATUSES = ['processing', 'completed', 'failed'] as const;
export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];

export class UploadAcceptedDto {
  @ApiProperty({ example: 'Upload complete; the analysis runs in the background.' })
  message: string;

  @ApiProperty({ format: 'uuid' })
  job_id: string;

  @ApiProperty({ example: 'processing' })
  status: 'processing';
}

export class AnalysisResultDto {
  @ApiProperty({ enum: ANALYSIS_STATUSES })
  status: AnalysisStatus;

  @ApiProperty({ format: 'uuid' })
  job_id: string;

  @ApiProperty({ description: 'The token the recording is of (as a string, as the old server sent it)' })
  token_id: string;

  @ApiProperty({ minimum: 0, maximum: 100 })
  progress: number;

  @ApiPropertyOptional({
    nullable: true,
    type: Object,
    description:
      'When completed: {overall, timing, pronunciation, intonation, fluency, completeness (0-100), ' +
      'expressiveness (0-100, optional: how much of the actor\'s pitch range, pitch movement and loudness movement the take kept), ' +
      'sentences (optional): [{sentence (index of the script), expressiveness, monotone}], words: ' +
      '[{script_word_id, text, expected_start_ms, expected_end_ms, start_ms, end_ms, offset_ms, score, ' +
      'error_type: none|omission|early|late|mispronunciation, monotone (optional: said flat where the actor was not)}], ' +
      'pitch: {reference, user}, engine: {name, version}}. The built-in engine 2.0.0 judges pronunciation on the words ' +
      '(against the script and other lines said by synthetic voices), so its scores are not comparable with 1.x.',
  })
  result: Record<string, unknown> | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  message: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why it failed: NO_SPEECH, ENGINE_UNAVAILABLE, …' })
  error_code: string | null;
}

export class AnalysisWebhookDto {
  @ApiProperty({ type: Object, description: "The analysis server's result" })
  @IsObject()
  analysis_results: Record<string, unknown>;
}

export class ScoresDto {
  @ApiPropertyOptional({ nullable: true, type: Number }) overall: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) timing: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) pronunciation: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) intonation: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) fluency: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) completeness: number | null;
}

export class AnalysisSummaryDto extends ScoresDto {
  @ApiProperty({ format: 'uuid' })
  job_id: string;

  @ApiProperty()
  token_id: number;

  @ApiProperty({ enum: ANALYSIS_STATUSES })
  status: AnalysisStatus;

  @ApiProperty({ minimum: 0, maximum: 100 })
  progress: number;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  completed_at: string | null;
}

export class DubbedTokenDto {
  @ApiProperty({ type: TokenSummaryDto })
  token: TokenSummaryDto;

  @ApiProperty({ description: 'Completed analyses of this token' })
  attempts: number;

  @ApiPropertyOptional({ nullable: true, type: Number })
  best_overall: number | null;

  @ApiProperty({ type: AnalysisSummaryDto })
  latest: AnalysisSummaryDto;
}

export class TokenAnalysisStatusDto {
  @ApiProperty()
  token_id: number;

  @ApiProperty({ description: 'Whether you have any analysis of this token' })
  has_analysis: boolean;

  @ApiProperty({ description: 'Whether one is still running' })
  in_progress: boolean;

  @ApiProperty()
  attempts: number;

  @ApiPropertyOptional({ type: AnalysisSummaryDto, nullable: true })
  latest: AnalysisSummaryDto | null;
}

export class DeletedResultsDto {
  @ApiProperty()
  token_id: number;

  @ApiProperty({ description: 'Analyses removed, with their recordings' })
  deleted: number;
}
