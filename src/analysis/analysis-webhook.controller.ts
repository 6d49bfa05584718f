import { Controller, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../common/public.decorator.js';
import type { RawBodyRequest } from '../configure-app.js';
import { AnalysisService } from './analysis.service.js';
import { AnalysisWebhookDto } from './dto/analysis.dto.js';

@ApiTags('analysis')
@Public()
@Controller('tokens/webhook')
export class AnalysisWebhookController {
  constructor(private readonly analysis: AnalysisService) {}

  @Post('analysis-complete')
  @HttpCode(200)
  @ApiOperation({
    summary: "The analysis server's callback with a result (signed, Standard Webhooks)",
    description:
      'Signature: `webhook-signature: v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{raw body}">` ' +
      'with ANALYSIS_WEBHOOK_SECRET; the timestamp must be within five minutes. A delivery for a job that is no ' +
      'longer processing (a duplicate) answers 200 and changes nothing.',
  })
  @ApiHeader({ name: 'webhook-id', required: true })
  @ApiHeader({ name: 'webhook-timestamp', required: true, description: 'Unix seconds' })
  @ApiHeader({ name: 'webhook-signature', required: true })
  @ApiBody({ type: AnalysisWebhookDto })
  @ApiOkResponse({ schema: { properties: { status: { enum: ['received', 'ignored'] } } } })
  @ApiUnauthorizedResponse({ description: 'Missing, wrong or stale signature' })
  @ApiBadRequestResponse()
  receive(@Query('job_id') jobId: unknown, @Req() req: Request) {
    return this.analysis.receiveWebhook(jobId, (req as RawBodyRequest).rawBody, req.headers);
  }
}
