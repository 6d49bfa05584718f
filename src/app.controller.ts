import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from './common/public.decorator.js';
import { AppConfig } from './config/app-config.js';
import { engineSummary } from './start-up-summary.js';
import { SERVICE_NAME, SERVICE_VERSION } from './service-info.js';

class ServiceInfoDto {
  @ApiProperty({ example: SERVICE_NAME })
  service: string;

  @ApiProperty({ example: SERVICE_VERSION })
  version: string;

  @ApiProperty({ example: 'ok' })
  status: string;

  @ApiProperty({ example: '/docs' })
  docs: string;

  @ApiProperty({ example: '/console', description: 'A page that tries every flow in the browser' })
  console: string;

  @ApiProperty({
    description: 'Which engine does what; speechToText `none` means video transcripts are refused (503)',
    example: { analysis: 'builtin', textToSpeech: 'builtin (eSpeak NG)', speechToText: 'none' },
  })
  engines: Record<string, string>;
}

@ApiTags('platform')
@Public()
@Controller()
export class AppController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @ApiOperation({ summary: 'Service name, version and status' })
  @ApiOkResponse({ type: ServiceInfoDto })
  info(): ServiceInfoDto {
    return { service: SERVICE_NAME, version: SERVICE_VERSION, status: 'ok', docs: '/docs', console: '/console', engines: { ...engineSummary(this.config) } };
  }
}
