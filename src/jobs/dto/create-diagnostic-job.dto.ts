import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class CreateDiagnosticJobDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 5, description: 'Progress steps to report' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  steps?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 60000, default: 200, description: 'Milliseconds per step' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  step_ms?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 10, default: 0, description: 'Attempts that fail (retryably) first' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  fail_attempts?: number;
}
