import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiFoundResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../auth/auth.decorators.js';
import { PageDto, type Page } from '../common/pagination.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { Public } from '../common/public.decorator.js';
import { ApiUploadErrors } from '../storage/upload/api-upload-errors.decorator.js';
import { CreateTokenDto, ImportScriptsDto, TokenQueryDto, UpdateTokenDto } from './dto/catalog-input.dto.js';
import { ScriptDto, TokenDetailDto, TokenSummaryDto } from './dto/catalog.dto.js';
import { TokensService } from './tokens.service.js';

@ApiTags('catalog')
@Controller()
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Public()
  @Get('tokens')
  @ApiOperation({ summary: 'Browse dubbable lines: filter by actor, title, language, tag; search script text' })
  @ApiOkResponse({ type: PageDto(TokenSummaryDto) })
  list(@Query() query: TokenQueryDto): Promise<Page<TokenSummaryDto>> {
    return this.tokens.list(query);
  }

  @Public()
  @Get('tokens/:id')
  @ApiOperation({ summary: 'A token with its actor, source URL, scripts and every word with its timing' })
  @ApiOkResponse({ type: TokenDetailDto })
  @ApiNotFoundResponse()
  get(@Param('id', ParseIdPipe) id: number): Promise<TokenDetailDto> {
    return this.tokens.get(id);
  }

  @Public()
  @Get('tokens/:id/audio')
  @ApiOperation({ summary: "The clip's audio: a redirect to a short-lived URL (supports Range requests)" })
  @ApiFoundResponse({ description: 'Redirect to the audio' })
  @ApiNotFoundResponse({ description: 'Unknown token, or no clip uploaded yet' })
  async audio(@Param('id', ParseIdPipe) id: number, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'private, max-age=60');
    res.redirect(302, await this.tokens.audioUrl(id));
  }

  @Public()
  @Get('scripts/:id')
  @ApiOperation({ summary: 'A script (sentence) with its words' })
  @ApiOkResponse({ type: ScriptDto })
  @ApiNotFoundResponse()
  script(@Param('id', ParseIdPipe) id: number): Promise<ScriptDto> {
    return this.tokens.getScript(id);
  }

  @Post('tokens')
  @Roles('admin')
  @ApiOperation({ summary: 'Add a token (admin)' })
  @ApiCreatedResponse({ type: TokenDetailDto })
  create(@Body() body: CreateTokenDto): Promise<TokenDetailDto> {
    return this.tokens.create(body);
  }

  @Patch('tokens/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a token (admin)' })
  @ApiOkResponse({ type: TokenDetailDto })
  update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateTokenDto): Promise<TokenDetailDto> {
    return this.tokens.update(id, body);
  }

  @Delete('tokens/:id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a token, its scripts and its clip (admin)' })
  @ApiNoContentResponse()
  delete(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.tokens.delete(id);
  }

  @Put('tokens/:id/audio')
  @Roles('admin')
  @ApiOperation({ summary: "Upload the token's clip audio (admin); streamed, type checked from the bytes" })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiOkResponse({ type: TokenDetailDto })
  @ApiUploadErrors()
  @ApiPayloadTooLargeResponse({ description: 'Over 50 MiB' })
  @ApiUnsupportedMediaTypeResponse({ description: 'Not wav, mp3, m4a/aac, ogg/opus, webm or flac' })
  uploadAudio(@Param('id', ParseIdPipe) id: number, @Req() req: Request): Promise<TokenDetailDto> {
    return this.tokens.uploadAudio(id, req);
  }

  @Put('tokens/:id/scripts')
  @Roles('admin')
  @ApiOperation({
    summary: "Replace a token's scripts and words from Whisper-style JSON (admin)",
    description:
      'Segments with words, times in seconds from the start of the clip. Validated as a whole: segments inside ' +
      'the clip and not overlapping, words inside their segment. Stored in one transaction, or not at all.',
  })
  @ApiOkResponse({ type: TokenDetailDto })
  @ApiBadRequestResponse({ description: 'Every problem found, nothing stored' })
  importScripts(@Param('id', ParseIdPipe) id: number, @Body() body: ImportScriptsDto): Promise<TokenDetailDto> {
    return this.tokens.importScripts(id, body);
  }
}
