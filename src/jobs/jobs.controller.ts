import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Auth, Roles, StreamTokenAllowed } from '../auth/auth.decorators.js';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user.decorator.js';
import { AppConfig } from '../config/app-config.js';
import { DIAGNOSTIC_JOB, type DiagnosticJobPayload } from './diagnostic.job.js';
import { CreateDiagnosticJobDto } from './dto/create-diagnostic-job.dto.js';
import { JobDto } from './dto/job.dto.js';
import { toJobSnapshot } from './job-snapshot.js';
import { JobStreams, type JobProjection } from './job-stream.js';
import { ANY_OWNER, JobsService } from './jobs.service.js';

/** Admins see every job; anyone else only their own. */
const viewer = (user: AuthenticatedUser) => (user.role === 'admin' ? ANY_OWNER : user.id);

const jobFrame: JobProjection = (event) => ({ event: 'job', data: JobDto.from(event.data) });

@ApiTags('jobs')
@Auth()
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly streams: JobStreams,
    private readonly config: AppConfig,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'A job of the caller: status, progress, result or error' })
  @ApiOkResponse({ type: JobDto })
  async get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser): Promise<JobDto> {
    return JobDto.from(toJobSnapshot(await this.jobs.findOwned(id, viewer(user))));
  }

  @Get(':id/events')
  @ApiOperation({
    summary: 'SSE stream of a job (`event: job`), ending when it finishes; resumes after `Last-Event-ID`',
  })
  @ApiProduces('text/event-stream')
  @StreamTokenAllowed()
  async events(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthenticatedUser,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.jobs.findOwned(id, viewer(user));
    await this.streams.stream(req, res, id, jobFrame);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a queued or running job (409 when it already finished)' })
  @ApiOkResponse({ type: JobDto })
  async cancel(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser): Promise<JobDto> {
    return JobDto.from(toJobSnapshot(await this.jobs.cancel(id, viewer(user))));
  }

  @Post('diagnostic')
  @Roles('admin')
  @ApiOperation({ summary: 'Queue a diagnostic job that only sleeps and reports progress (operators, tests)' })
  @ApiOkResponse({ type: JobDto })
  async diagnostic(@Body() body: CreateDiagnosticJobDto, @CurrentUser() user: AuthenticatedUser): Promise<JobDto> {
    if (!this.config.jobs.diagnostic) throw new NotFoundException('Diagnostic jobs are disabled (DIAGNOSTIC_JOBS)');
    const payload: DiagnosticJobPayload = {
      steps: body.steps ?? 5,
      stepMs: body.step_ms ?? 200,
      failAttempts: body.fail_attempts ?? 0,
    };
    return JobDto.from(toJobSnapshot(await this.jobs.create(DIAGNOSTIC_JOB, payload, { ownerId: user.id })));
  }
}
