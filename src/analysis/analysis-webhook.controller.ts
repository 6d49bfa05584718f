import { Controller, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../common/public.decorator.js';
import { JobCallbacks } from '../webhooks/job-callbacks.service.js';
import type { RawBodyRequest } from '../webhooks/raw-body.js';
import { AnalysisService } from './analysis.service.js';
import { AnalysisWebhookDto } from './dto/analysis.dto.js';

@ApiTags('analysis')
@Public()
@Controller('tokens/webhook')
export class AnalysisWebhookController {
  constructor(
    private readonly analysis: AnalysisService,
    private readonly callbacks: JobCallbacks,
  ) {}

  @Post('analysis-complete')
  @HttpCode(200)
  @ApiOperation({
    summary: "The analysis server's callback with a result (signed, Standard Webhooks)",
    description:
      'Signature: `webhook-signature: v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{raw body}">` ' +
      'with ANALYSIS_WEBHOOK_SECRET; the timestamp must be within five minutes. The URL is the `webhook_url` ' +
      'the analysis server was given for the job, `job_id` and `signature` included: a delivery sent to ' +
      "another job's URL answers 401. A delivery already accepted (same webhook-id), or one for a job that is " +
      'no longer processing, answers 200 `ignored` and changes nothing.',
  })
  @ApiQuery({ name: 'job_id', required: true, description: 'The job, as in the webhook_url given', schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'signature', required: true, description: "This service's signature of job_id, as in the webhook_url given", type: String })
  @ApiHeader({ name: 'webhook-id', required: true })
  @ApiHeader({ name: 'webhook-timestamp', required: true, description: 'Unix seconds' })
  @ApiHeader({ name: 'webhook-signature', required: true })
  @ApiBody({ type: AnalysisWebhookDto })
  @ApiOkResponse({ schema: { properties: { status: { enum: ['received', 'ignored'] } } } })
  @ApiUnauthorizedResponse({ description: 'Missing, wrong or stale signature' })
  @ApiBadRequestResponse()
  receive(@Query() query: Record<string, unknown>, @Req() req: Request) {
    return this.callbacks.receive(this.analysis.webhook, { query, rawBody: (req as RawBodyRequest).rawBody, headers: req.headers });
  }
}
