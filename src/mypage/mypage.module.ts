import { Module } from '@nestjs/common';
import { AnalysisModule } from '../analysis/analysis.module.js';
import { BookmarksController } from './bookmarks.controller.js';
import { BookmarksService } from './bookmarks.service.js';
import { MypageController } from './mypage.controller.js';

@Module({
  imports: [AnalysisModule],
  controllers: [BookmarksController, MypageController],
  providers: [BookmarksService],
})
export class MypageModule {}
