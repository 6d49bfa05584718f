import { Controller, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../common/public.decorator.js';
import { JobCallbacks } from '../webhooks/job-callbacks.service.js';
import type { RawBodyRequest } from '../webhooks/raw-body.js';
import { VideoCallbackDto } from './dto/video.dto.js';
import { VideoService } from './video.service.js';

@ApiTags('video')
@Public()
@Controller('api/upload-video')
export class VideoCallbackController {
  constructor(
    private readonly videos: VideoService,
    private readonly callbacks: JobCallbacks,
  ) {}

  @Post('result')
  @HttpCode(200)
  @ApiOperation({
    summary: "The ML server's callback with Whisper's result (seed 003), signed Standard Webhooks style",
    description:
      'Signature: `webhook-signature: v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{raw body}">` with ' +
      'VIDEO_WEBHOOK_SECRET; the timestamp must be within five minutes; the signed body names the job. A delivery ' +
      'already accepted (same webhook-id), or for a job no longer processing, answers 200 `ignored` and changes nothing.',
  })
  @ApiHeader({ name: 'webhook-id', required: true })
  @ApiHeader({ name: 'webhook-timestamp', required: true, description: 'Unix seconds' })
  @ApiHeader({ name: 'webhook-signature', required: true })
  @ApiBody({ type: VideoCallbackDto })
  @ApiOkResponse({ schema: { properties: { status: { enum: ['received', 'ignored'] } } } })
  @ApiUnauthorizedResponse({ description: 'Missing, wrong or stale signature' })
  @ApiBadRequestResponse()
  receive(@Query() query: Record<string, unknown>, @Req() req: Request) {
    return this.callbacks.receive(this.videos.callback, { query, rawBody: (req as RawBodyRequest).rawBody, headers: req.headers });
  }
}
