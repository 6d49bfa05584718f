import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { StreamTokenAllowed } from '../auth/auth.decorators.js';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user.decorator.js';
import { Public } from '../common/public.decorator.js';
import { JobStreams, type JobProjection } from '../jobs/job-stream.js';
import { VideoAnonymousThrottleGuard } from './video-anonymous-throttle.guard.js';
import {
  GenerateUploadUrlDto,
  ProcessStartedDto,
  RequestProcessDto,
  TranscriptDto,
  UploadUrlDto,
  VideoJobStatusDto,
} from './dto/video.dto.js';
import { toVideoJobStatus, VideoService } from './video.service.js';

/** `data: {job_id, status, progress, message[, error]}` after each change, until completed or failed. */
const progressFrame: JobProjection = ({ data: job }) => ({ data: toVideoJobStatus(job) });

const callerOf = (user: AuthenticatedUser | null) => user?.id ?? null;

// Anonymous callers are served, as in seed 003; with a bearer token the keys and jobs are that user's alone (so no
// bearer lock in Swagger: these routes never refuse a caller without one).
@ApiTags('video')
@Public()
@Controller('api/upload-video')
export class VideoController {
  constructor(
    private readonly videos: VideoService,
    private readonly streams: JobStreams,
  ) {}

  @Post('generate-url')
  @HttpCode(200)
  @UseGuards(VideoAnonymousThrottleGuard)
  @ApiOperation({
    summary: 'A presigned PUT URL for one video or audio file',
    description: 'PUT the bytes to `url` with `Content-Type: <filetype>`. Anonymous callers are rate-limited per address.',
  })
  @ApiOkResponse({ type: UploadUrlDto })
  @ApiUnsupportedMediaTypeResponse({ description: 'filetype is not video/* or audio/*' })
  @ApiTooManyRequestsResponse()
  generateUrl(@CurrentUser() user: AuthenticatedUser | null, @Body() body: GenerateUploadUrlDto): Promise<UploadUrlDto> {
    return this.videos.generateUploadUrl(callerOf(user), body);
  }

  @Post('request-process')
  @HttpCode(200)
  @UseGuards(VideoAnonymousThrottleGuard)
  @ApiOperation({ summary: 'Start the transcript of an uploaded video; follow it at status/{job_id}' })
  @ApiOkResponse({ type: ProcessStartedDto })
  @ApiNotFoundResponse({ description: 'Nothing uploaded at that key, or not your key' })
  @ApiPayloadTooLargeResponse({ description: 'Over VIDEO_MAX_UPLOAD_BYTES; the video was deleted' })
  @ApiServiceUnavailableResponse({ description: 'ENGINE_NOT_CONFIGURED: no speech-to-text engine; the video is kept' })
  @ApiTooManyRequestsResponse()
  requestProcess(@CurrentUser() user: AuthenticatedUser | null, @Body() body: RequestProcessDto): Promise<ProcessStartedDto> {
    return this.videos.requestProcess(callerOf(user), body.fileKey);
  }

  @Get('status/:jobId')
  @ApiOperation({ summary: 'The state of a transcript job (seed 003 polling shape), with error {code, message} when failed' })
  @ApiOkResponse({ type: VideoJobStatusDto })
  @ApiNotFoundResponse({ description: 'Unknown, or not yours' })
  status(@CurrentUser() user: AuthenticatedUser | null, @Param('jobId') jobId: string): Promise<VideoJobStatusDto> {
    return this.videos.status(callerOf(user), jobId);
  }

  @Get('progress/:jobId')
  @StreamTokenAllowed()
  @ApiOperation({
    summary: 'SSE: `data: {job_id, status, progress, message[, error]}` until completed or failed',
    description: 'Each event has an `id:`; reconnecting with Last-Event-ID resumes without loss or duplicates.',
  })
  @ApiProduces('text/event-stream')
  @ApiNotFoundResponse({ description: 'Unknown, or not yours' })
  async progress(
    @CurrentUser() user: AuthenticatedUser | null,
    @Param('jobId') jobId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.videos.visibleJob(callerOf(user), jobId);
    await this.streams.stream(req, res, jobId, progressFrame);
  }

  // Before result/:jobId, which would otherwise take "<id>.srt" for a job id.
  @Get('result/:jobId.srt')
  @Header('Content-Type', 'application/x-subrip; charset=utf-8')
  @ApiOperation({ summary: 'The transcript as SubRip subtitles' })
  @ApiProduces('application/x-subrip')
  @ApiOkResponse({ content: { 'application/x-subrip': { schema: { type: 'string' } } } })
  @ApiNotFoundResponse({ description: 'Unknown, not yours, or not completed' })
  srt(@CurrentUser() user: AuthenticatedUser | null, @Param('jobId') jobId: string): Promise<string> {
    return this.videos.subtitles(callerOf(user), jobId, 'srt');
  }

  @Get('result/:jobId.vtt')
  @Header('Content-Type', 'text/vtt; charset=utf-8')
  @ApiOperation({ summary: 'The transcript as WebVTT subtitles' })
  @ApiProduces('text/vtt')
  @ApiOkResponse({ content: { 'text/vtt': { schema: { type: 'string' } } } })
  @ApiNotFoundResponse({ description: 'Unknown, not yours, or not completed' })
  vtt(@CurrentUser() user: AuthenticatedUser | null, @Param('jobId') jobId: string): Promise<string> {
    return this.videos.subtitles(callerOf(user), jobId, 'vtt');
  }

  @Get('result/:jobId')
  @ApiOperation({ summary: 'The transcript: {text, language, duration, segments [{id, start, end, text, words}], engine}' })
  @ApiOkResponse({ type: TranscriptDto })
  @ApiNotFoundResponse({ description: 'Unknown, not yours, or not completed (TRANSCRIPT_NOT_READY)' })
  result(@CurrentUser() user: AuthenticatedUser | null, @Param('jobId') jobId: string): Promise<TranscriptDto> {
    return this.videos.transcript(callerOf(user), jobId);
  }

  @Delete('result/:jobId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the transcript, its job and the uploaded video' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'Unknown, or not yours' })
  remove(@CurrentUser() user: AuthenticatedUser | null, @Param('jobId') jobId: string): Promise<void> {
    return this.videos.remove(callerOf(user), jobId);
  }
}
