import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.js';
import { PageDto, PageQueryDto, type Page } from '../common/pagination.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { Public } from '../common/public.decorator.js';
import { CreateUrlDto, UpdateUrlDto } from './dto/catalog-input.dto.js';
import { SourceUrlDto } from './dto/catalog.dto.js';
import { UrlsService } from './urls.service.js';

@ApiTags('catalog')
@Controller('urls')
export class UrlsController {
  constructor(private readonly urls: UrlsService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Source videos tokens are cut from' })
  @ApiOkResponse({ type: PageDto(SourceUrlDto) })
  list(@Query() query: PageQueryDto): Promise<Page<SourceUrlDto>> {
    return this.urls.list(query);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add a source video (admin); the YouTube id is read from the URL' })
  @ApiCreatedResponse({ type: SourceUrlDto })
  @ApiConflictResponse({ description: 'Already in the catalog' })
  create(@Body() body: CreateUrlDto): Promise<SourceUrlDto> {
    return this.urls.create(body);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a source video (admin)' })
  @ApiOkResponse({ type: SourceUrlDto })
  update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateUrlDto): Promise<SourceUrlDto> {
    return this.urls.update(id, body);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a source video; its tokens keep existing without it (admin)' })
  @ApiNoContentResponse()
  delete(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.urls.delete(id);
  }
}
