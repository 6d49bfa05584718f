import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Auth, Roles, StreamTokenAllowed } from '../auth/auth.decorators.js';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user.decorator.js';
import { JobStreams } from '../jobs/job-stream.js';
import { ApiUploadErrors } from '../storage/upload/api-upload-errors.decorator.js';
import {
  AtotStepDto,
  FullPipelineDto,
  ProcessAudioDto,
  TtotStepDto,
  VoiceRootDto,
  VoiceTextInputDto,
  VoiceTurnStartedDto,
  VoiceUserRecordDto,
} from './dto/voice.dto.js';
import { voiceTurnFrame } from './voice-turn.job.js';
import { VoiceService } from './voice.service.js';

const VoiceInputBody = () =>
  ApiBody({
    description: 'JSON `{text}` (skips recognition), or multipart/form-data with the audio in `file`',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(VoiceTextInputDto) },
        { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
      ],
    },
  });

@ApiTags('voice')
@ApiExtraModels(VoiceTextInputDto)
@Auth()
@Controller('voice')
export class VoiceController {
  constructor(
    private readonly voice: VoiceService,
    private readonly streams: JobStreams,
  ) {}

  @Get()
  @ApiOperation({ summary: "The caller's record: every turn's input audio, recognised text, reply and reply audio" })
  @ApiOkResponse({ type: VoiceRootDto })
  root(@CurrentUser() user: AuthenticatedUser): Promise<VoiceRootDto> {
    return this.voice.root(user);
  }

  @Get('users')
  @Roles('admin')
  @ApiOperation({ summary: 'Every user who has voice turns (admin)' })
  @ApiOkResponse({ type: [VoiceUserRecordDto] })
  users(): Promise<VoiceUserRecordDto[]> {
    return this.voice.users();
  }

  @Get('users/:id')
  @ApiOperation({ summary: "A user's record: the caller's own, or anyone's for an admin" })
  @ApiOkResponse({ type: VoiceUserRecordDto })
  @ApiNotFoundResponse({ description: "Another user's, for a non-admin" })
  user(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<VoiceUserRecordDto> {
    return this.voice.userRecord(user, id);
  }

  @Post('atot')
  @HttpCode(200)
  @ApiOperation({ summary: "Step 1: start the caller's open turn from audio (recognised) or text" })
  @ApiConsumes('application/json', 'multipart/form-data')
  @VoiceInputBody()
  @ApiOkResponse({ type: AtotStepDto })
  @ApiUploadErrors()
  atot(@CurrentUser() user: AuthenticatedUser, @Body() body: VoiceTextInputDto, @Req() req: Request): Promise<AtotStepDto> {
    return this.voice.atot(user, { text: body?.text, req });
  }

  @Get('atot')
  @ApiOperation({ summary: "Seed alias: the open turn's step 1 as POST /voice/atot answered it", deprecated: true })
  @ApiOkResponse({ type: AtotStepDto })
  @ApiConflictResponse({ description: 'VOICE_STEP_OUT_OF_ORDER: no open turn (POST /voice/atot first)' })
  atotAlias(@CurrentUser() user: AuthenticatedUser): Promise<AtotStepDto> {
    return this.voice.openAtot(user);
  }

  @Post('ttot')
  @HttpCode(200)
  @ApiOperation({ summary: "Step 2: generate the reply for the caller's open turn" })
  @ApiOkResponse({ type: TtotStepDto })
  @ApiConflictResponse({ description: 'VOICE_STEP_OUT_OF_ORDER: no recognised text yet (POST /voice/atot first)' })
  ttot(@CurrentUser() user: AuthenticatedUser): Promise<TtotStepDto> {
    return this.voice.ttot(user);
  }

  @Get('ttot')
  @ApiOperation({ summary: 'Seed alias of POST /voice/ttot', deprecated: true })
  @ApiOkResponse({ type: TtotStepDto })
  @ApiConflictResponse({ description: 'VOICE_STEP_OUT_OF_ORDER' })
  ttotAlias(@CurrentUser() user: AuthenticatedUser): Promise<TtotStepDto> {
    return this.voice.ttot(user);
  }

  @Post('process-audio')
  @HttpCode(200)
  @ApiOperation({ summary: 'Step 3: speak the reply and save the turn (saved with output_wav null when synthesis fails)' })
  @ApiOkResponse({ type: ProcessAudioDto })
  @ApiConflictResponse({ description: 'VOICE_STEP_OUT_OF_ORDER: no reply yet (POST /voice/ttot first)' })
  processAudio(@CurrentUser() user: AuthenticatedUser): Promise<ProcessAudioDto> {
    return this.voice.processAudio(user);
  }

  @Post('run-full-pipeline')
  @HttpCode(200)
  @ApiOperation({ summary: 'All three steps on a new turn (seed shape, plus turn_id and each step latency_ms)' })
  @ApiConsumes('application/json', 'multipart/form-data')
  @VoiceInputBody()
  @ApiOkResponse({ type: FullPipelineDto })
  @ApiUploadErrors()
  runFullPipeline(@CurrentUser() user: AuthenticatedUser, @Body() body: VoiceTextInputDto, @Req() req: Request): Promise<FullPipelineDto> {
    return this.voice.runFullPipeline(user, { text: body?.text, req });
  }

  @Post('turns')
  @HttpCode(202)
  @ApiOperation({ summary: 'A streamed turn: answers at once; follow events (transcript, reply.delta, audio, done/error)' })
  @ApiConsumes('application/json', 'multipart/form-data')
  @VoiceInputBody()
  @ApiOkResponse({ type: VoiceTurnStartedDto })
  @ApiUploadErrors()
  startTurn(@CurrentUser() user: AuthenticatedUser, @Body() body: VoiceTextInputDto, @Req() req: Request): Promise<VoiceTurnStartedDto> {
    return this.voice.startStreamedTurn(user, { text: body?.text, req });
  }

  @Get('turns/:id/events')
  @StreamTokenAllowed()
  @ApiOperation({ summary: 'SSE of a streamed turn: `transcript`, `reply.delta`…, `audio`, then `done` (the full-pipeline shape) or `error`' })
  @ApiProduces('text/event-stream')
  @ApiNotFoundResponse({ description: 'Unknown, or not yours' })
  async events(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const jobId = await this.voice.turnJobId(user, id);
    await this.streams.stream(req, res, jobId, voiceTurnFrame, 'start');
  }

  @Get('turns/:id/input')
  @ApiOperation({ summary: "A turn's input audio (owner only), streamed" })
  @ApiProduces('audio/*')
  @ApiNotFoundResponse({ description: 'Unknown, not yours, or typed' })
  async input(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<StreamableFile> {
    const audio = await this.voice.audio(user, id, 'input');
    return new StreamableFile(audio.body, { type: audio.contentType, length: audio.size });
  }

  @Get('turns/:id/output')
  @ApiOperation({ summary: "A turn's reply audio (owner only), streamed" })
  @ApiProduces('audio/*')
  @ApiNotFoundResponse({ description: 'Unknown, not yours, or not synthesised' })
  async output(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<StreamableFile> {
    const audio = await this.voice.audio(user, id, 'output');
    return new StreamableFile(audio.body, { type: audio.contentType, length: audio.size });
  }
}
