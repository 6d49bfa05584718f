import { Controller, Get, Header, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Auth, StreamTokenAllowed } from '../auth/auth.decorators.js';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { JobStreams, type JobProjection } from '../jobs/job-stream.js';
import { ApiUploadErrors } from '../storage/upload/api-upload-errors.decorator.js';
import { analysisNotCompleted } from './analysis-errors.js';
import { analysisStatusOf } from './analysis.mapper.js';
import { AnalysisService } from './analysis.service.js';
import { AnalysisResultDto, UploadAcceptedDto } from './dto/analysis.dto.js';
import { renderPitchPlot } from './pitch-plot.js';

/** The old server's progress events: `data: {status, progress, message[, result]}`, no event name. */
const progressFrame: JobProjection = ({ data: job }) => {
  const status = analysisStatusOf(job.status);
  return {
    data: {
      status,
      progress: job.progress,
      message: job.message,
      job_id: job.id,
      ...(status === 'completed' ? { result: job.result } : {}),
      ...(job.error ? { error_code: job.error.code } : {}),
    },
  };
};

@ApiTags('analysis')
@Auth()
@Controller('tokens')
export class AnalysisController {
  constructor(
    private readonly analysis: AnalysisService,
    private readonly streams: JobStreams,
  ) {}

  @Post(':tokenId/upload-audio')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Upload your recording of a token; its analysis starts in the background',
    description:
      'multipart/form-data, field `file`: wav, mp3, m4a/aac, ogg/opus, webm or flac (checked from the bytes), up to ' +
      'ANALYSIS_MAX_UPLOAD_BYTES (50 MiB). Answers at once; follow GET /tokens/analysis-progress/{job_id}.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiOkResponse({ type: UploadAcceptedDto })
  @ApiNotFoundResponse({ description: 'Unknown token' })
  @ApiConflictResponse({ description: 'The token has no clip to dub over yet' })
  @ApiUploadErrors()
  @ApiPayloadTooLargeResponse()
  @ApiUnsupportedMediaTypeResponse()
  upload(
    @CurrentUser() user: AuthenticatedUser,
    @Param('tokenId', ParseIdPipe) tokenId: number,
    @Req() req: Request,
  ): Promise<UploadAcceptedDto> {
    return this.analysis.upload(user.id, tokenId, req);
  }

  @Get('analysis-result/:jobId')
  @ApiOperation({ summary: 'The state and, when completed, the result of one of your analyses' })
  @ApiOkResponse({ type: AnalysisResultDto })
  @ApiNotFoundResponse({ description: 'Unknown, or not yours' })
  result(@CurrentUser() user: AuthenticatedUser, @Param('jobId') jobId: string): Promise<AnalysisResultDto> {
    return this.analysis.result(user.id, jobId);
  }

  @Get('analysis-progress/:jobId')
  @StreamTokenAllowed()
  @ApiOperation({
    summary: 'SSE: `data: {status, progress, message[, result]}` until completed or failed',
    description: 'Each event has an `id:`; reconnecting with Last-Event-ID resumes without loss or duplicates.',
  })
  @ApiProduces('text/event-stream')
  @ApiNotFoundResponse({ description: 'Unknown, or not yours' })
  async progress(
    @CurrentUser() user: AuthenticatedUser,
    @Param('jobId') jobId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.analysis.ownedJob(user.id, jobId);
    await this.streams.stream(req, res, jobId, progressFrame);
  }

  // Not an SSE route, so no ?stream_token: a browser fetches it with the bearer header (then a blob: URL or
  // inline SVG); a token in an <img> URL would end up in history, logs and Referer headers.
  @Get('analysis-result/:jobId/plot.svg')
  @Header('Content-Type', 'image/svg+xml; charset=utf-8')
  @Header('Cache-Control', 'private, max-age=300')
  @ApiOperation({
    summary: "Your and the actor's pitch contours on one time axis, with the word boundaries (SVG)",
    description: 'Needs the Authorization header (not `?stream_token`): fetch it and show it inline or as a blob: URL.',
  })
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: 'An SVG image', content: { 'image/svg+xml': { schema: { type: 'string' } } } })
  @ApiNotFoundResponse({ description: 'Unknown, not yours, or not completed yet' })
  async plot(@CurrentUser() user: AuthenticatedUser, @Param('jobId') jobId: string): Promise<string> {
    const result = await this.analysis.result(user.id, jobId);
    if (result.status !== 'completed' || !result.result) throw analysisNotCompleted(jobId);
    return renderPitchPlot(result.result, `Token ${result.token_id}: your recording against the original`);
  }
}
