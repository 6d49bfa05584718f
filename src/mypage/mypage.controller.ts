import { Controller, Delete, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AnalysisHistoryService } from '../analysis/analysis-history.service.js';
import {
  AnalysisSummaryDto,
  DeletedResultsDto,
  DubbedTokenDto,
  ScoresDto,
  TokenAnalysisStatusDto,
} from '../analysis/dto/analysis.dto.js';
import { Auth } from '../auth/auth.decorators.js';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { BookmarkDto } from './bookmark.dto.js';
import { BookmarksService } from './bookmarks.service.js';

class AveragesDto extends ScoresDto {
  @ApiProperty({ description: 'Completed analyses averaged' })
  count: number;
}

class OverviewDto {
  @ApiProperty({ type: [BookmarkDto] })
  bookmarks: BookmarkDto[];

  @ApiProperty({ type: [DubbedTokenDto] })
  dubbed_tokens: DubbedTokenDto[];

  @ApiProperty({ type: [AnalysisSummaryDto], description: 'Your ten latest analyses' })
  recent_results: AnalysisSummaryDto[];

  @ApiProperty({ type: AveragesDto })
  averages: AveragesDto;
}

@ApiTags('mypage')
@Auth()
@Controller('mypage')
export class MypageController {
  constructor(
    private readonly history: AnalysisHistoryService,
    private readonly bookmarks: BookmarksService,
  ) {}

  @Get('my-dubbed-tokens')
  @ApiOperation({ summary: 'Tokens you dubbed, with attempts, best and latest scores' })
  @ApiOkResponse({ type: [DubbedTokenDto] })
  dubbedTokens(@CurrentUser() user: AuthenticatedUser): Promise<DubbedTokenDto[]> {
    return this.history.dubbedTokens(user.id);
  }

  @Get('tokens/:tokenId/analysis-status')
  @ApiOperation({ summary: 'Whether you dubbed this token, whether an analysis is running, and the latest one' })
  @ApiOkResponse({ type: TokenAnalysisStatusDto })
  @ApiNotFoundResponse({ description: 'Unknown token' })
  tokenStatus(@CurrentUser() user: AuthenticatedUser, @Param('tokenId', ParseIdPipe) tokenId: number): Promise<TokenAnalysisStatusDto> {
    return this.history.tokenStatus(user.id, tokenId);
  }

  @Delete('tokens/:tokenId/my-results')
  @ApiOperation({ summary: 'Delete your analyses of this token and their recordings, so you can dub it again' })
  @ApiOkResponse({ type: DeletedResultsDto })
  @ApiNotFoundResponse({ description: 'Unknown token' })
  deleteResults(@CurrentUser() user: AuthenticatedUser, @Param('tokenId', ParseIdPipe) tokenId: number): Promise<DeletedResultsDto> {
    return this.history.deleteResults(user.id, tokenId);
  }

  @Get('overview')
  @ApiOperation({ summary: 'My page in one response: bookmarks, dubbed tokens, recent results, averages' })
  @ApiOkResponse({ type: OverviewDto })
  async overview(@CurrentUser() user: AuthenticatedUser): Promise<OverviewDto> {
    const [bookmarks, dubbed, recent, averages] = await Promise.all([
      this.bookmarks.list(user.id),
      this.history.dubbedTokens(user.id),
      this.history.recent(user.id),
      this.history.averages(user.id),
    ]);
    return { bookmarks, dubbed_tokens: dubbed, recent_results: recent, averages };
  }
}
