import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from './common/public.decorator.js';
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
}

@ApiTags('platform')
@Public()
@Controller()
export class AppController {
  @Get()
  @ApiOperation({ summary: 'Service name, version and status' })
  @ApiOkResponse({ type: ServiceInfoDto })
  info(): ServiceInfoDto {
    return { service: SERVICE_NAME, version: SERVICE_VERSION, status: 'ok', docs: '/docs' };
  }
}
