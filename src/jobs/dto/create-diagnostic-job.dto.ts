import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MayBeAbsent } from '../../common/may-be-absent.decorator.js';

export class CreateDiagnosticJobDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 5, description: 'Progress steps to report' })
  @MayBeAbsent()
  @IsInt()
  @Min(1)
  @Max(100)
  steps?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 60000, default: 200, description: 'Milliseconds per step' })
  @MayBeAbsent()
  @IsInt()
  @Min(0)
  @Max(60_000)
  step_ms?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 10, default: 0, description: 'Attempts that fail (retryably) first' })
  @MayBeAbsent()
  @IsInt()
  @Min(0)
  @Max(10)
  fail_attempts?: number;
}
