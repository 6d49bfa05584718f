import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth } from '../auth/auth.decorators.js';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { AddBookmarkDto, BookmarkDto } from './bookmark.dto.js';
import { BookmarksService } from './bookmarks.service.js';

@ApiTags('mypage')
@Auth()
@Controller('mypage/bookmarks')
export class BookmarksController {
  constructor(private readonly bookmarks: BookmarksService) {}

  @Post()
  @ApiOperation({ summary: 'Bookmark a token; bookmarking it again is not an error (200 instead of 201)' })
  @ApiCreatedResponse({ type: BookmarkDto })
  @ApiOkResponse({ type: BookmarkDto, description: 'Already bookmarked' })
  @ApiNotFoundResponse({ description: 'Unknown token' })
  async add(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: AddBookmarkDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BookmarkDto> {
    const { bookmark, created } = await this.bookmarks.add(user.id, body.token_id);
    res.status(created ? 201 : 200);
    return bookmark;
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a bookmark of yours' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'You have no bookmark of that token' })
  remove(@CurrentUser() user: AuthenticatedUser, @Param('tokenId', ParseIdPipe) tokenId: number): Promise<void> {
    return this.bookmarks.remove(user.id, tokenId);
  }

  @Get()
  @ApiOperation({ summary: 'Your bookmarks, newest first, with each token’s title, actor and times' })
  @ApiOkResponse({ type: [BookmarkDto] })
  list(@CurrentUser() user: AuthenticatedUser): Promise<BookmarkDto[]> {
    return this.bookmarks.list(user.id);
  }
}
