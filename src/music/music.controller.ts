import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { StreamTokenAllowed } from '../auth/auth.decorators.js';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user.decorator.js';
import { Public } from '../common/public.decorator.js';
import {
  GenerateMusicDto,
  MusicJobCreatedDto,
  MusicJobDto,
  MusicJobStatusDto,
  MusicServerStatusDto,
} from './dto/music.dto.js';
import { MusicAccessGuard } from './music-access.guard.js';
import { MusicAnonymousThrottleGuard } from './music-anonymous-throttle.guard.js';
import { MusicService } from './music.service.js';

const callerOf = (user: AuthenticatedUser | null) => user?.id ?? null;

// Signed-in callers see only their own jobs. Seed 004's clients send no token: with MUSIC_ALLOW_ANONYMOUS they
// are served (rate-limited) and reach their jobs by id; otherwise every route answers them 401, as Swagger shows.
@ApiTags('music')
@Public()
@ApiBearerAuth()
@UseGuards(MusicAccessGuard)
@ApiUnauthorizedResponse({ description: 'No token, and MUSIC_ALLOW_ANONYMOUS is off (with it on, the token is optional)' })
@Controller('music')
export class MusicController {
  constructor(private readonly music: MusicService) {}

  @Post('generate-music-async')
  @HttpCode(200)
  @UseGuards(MusicAnonymousThrottleGuard)
  @ApiOperation({ summary: 'Queue a song from a genre and lyrics; follow it at job-status/{job_id} or events' })
  @ApiOkResponse({ type: MusicJobCreatedDto })
  @ApiBadRequestResponse({ description: 'genre_txt (1-200) or lyrics_txt (1-5000) missing, blank or too long' })
  @ApiTooManyRequestsResponse({ description: 'Anonymous caller over MUSIC_ANONYMOUS_RATE_LIMIT_PER_MINUTE' })
  generateAsync(@CurrentUser() user: AuthenticatedUser | null, @Body() body: GenerateMusicDto): Promise<MusicJobCreatedDto> {
    return this.music.generateAsync(callerOf(user), body);
  }

  @Post('generate-music-sync')
  @HttpCode(200)
  @UseGuards(MusicAnonymousThrottleGuard)
  @ApiOperation({
    summary: 'Generate a song and answer with the MP3 (attachment "<job id>.mp3", header X-Job-Id)',
    description: 'While a generation runs or waits, 429 with `Retry-After` and the queue size. A client that disconnects cancels it.',
  })
  @ApiProduces('audio/mpeg')
  @ApiOkResponse({ content: { 'audio/mpeg': { schema: { type: 'string', format: 'binary' } } } })
  @ApiBadRequestResponse({ description: 'genre_txt or lyrics_txt invalid' })
  @ApiTooManyRequestsResponse({ description: 'The engine is busy (seed 004 detail), or an anonymous caller is over its rate' })
  generateSync(
    @CurrentUser() user: AuthenticatedUser | null,
    @Body() body: GenerateMusicDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.music.generateSync(callerOf(user), body, req, res);
  }

  @Get('job-status/:jobId')
  @ApiOperation({ summary: "A job's state: status, times, error, progress, queue position, download URL" })
  @ApiOkResponse({ type: MusicJobStatusDto })
  @ApiNotFoundResponse({ description: '해당 작업을 찾을 수 없습니다. (unknown, or not yours)' })
  status(@CurrentUser() user: AuthenticatedUser | null, @Param('jobId') jobId: string): Promise<MusicJobStatusDto> {
    return this.music.status(callerOf(user), jobId);
  }

  // Seed 004's Python client downloads from `{base_url}/music/download/{id}`: with its base URL moved to /music that
  // is music/download/{id}, so the script runs unchanged.
  @Get(['download/:jobId', 'music/download/:jobId'])
  @ApiOperation({
    summary: "The track's MP3 (Range requests answered with 206)",
    description: '`/music/music/download/{job_id}` is the same, where seed 004\'s client looks with its base URL at /music.',
  })
  @ApiProduces('audio/mpeg')
  @ApiOkResponse({ content: { 'audio/mpeg': { schema: { type: 'string', format: 'binary' } } } })
  @ApiBadRequestResponse({ description: '다운로드할 수 없습니다. 현재 상태: <status>' })
  @ApiNotFoundResponse({ description: '해당 작업을 찾을 수 없습니다.' })
  download(
    @CurrentUser() user: AuthenticatedUser | null,
    @Param('jobId') jobId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.music.download(callerOf(user), jobId, req, res);
  }

  @Get('status')
  @ApiOperation({ summary: 'Your generation running now (active_job), the jobs waiting (everyone\'s), your job count' })
  @ApiOkResponse({ type: MusicServerStatusDto })
  serverStatus(@CurrentUser() user: AuthenticatedUser | null): Promise<MusicServerStatusDto> {
    return this.music.serverStatus(callerOf(user));
  }

  @Get('jobs')
  @ApiOperation({ summary: 'Your newest 100 jobs by id' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: { $ref: '#/components/schemas/MusicJobDto' } } })
  list(@CurrentUser() user: AuthenticatedUser | null): Promise<Record<string, MusicJobDto>> {
    return this.music.list(callerOf(user));
  }

  @Get('events')
  @StreamTokenAllowed()
  @ApiOperation({
    summary: 'SSE: `event: job_update`, `data: {active_job, jobs: {<id>: {...}}}` now and on every change of your jobs',
    description: 'With `job_id`, that job only (how an anonymous caller follows the job it holds the id of).',
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'job_id', required: false, description: 'Follow this job only' })
  @ApiNotFoundResponse({ description: 'job_id unknown, or not yours' })
  events(
    @CurrentUser() user: AuthenticatedUser | null,
    @Query('job_id') jobId: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.music.events(callerOf(user), typeof jobId === 'string' ? jobId : jobId === undefined ? undefined : '', req, res);
  }

  @Post('jobs/:jobId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a waiting or running generation (a YuE process is killed with its children)' })
  @ApiOkResponse({ type: MusicJobStatusDto })
  @ApiNotFoundResponse({ description: 'Unknown, or not yours' })
  @ApiConflictResponse({ description: 'Already completed, failed or canceled' })
  cancel(@CurrentUser() user: AuthenticatedUser | null, @Param('jobId') jobId: string): Promise<MusicJobStatusDto> {
    return this.music.cancel(callerOf(user), jobId);
  }

  @Delete('jobs/:jobId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a job and its track (canceled first if still running)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'Unknown, or not yours' })
  remove(@CurrentUser() user: AuthenticatedUser | null, @Param('jobId') jobId: string): Promise<void> {
    return this.music.remove(callerOf(user), jobId);
  }
}
