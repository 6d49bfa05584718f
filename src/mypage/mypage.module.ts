import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import { BookmarkEntity } from './bookmark.entity.js';
import { AnalysisModule } from '../analysis/analysis.module.js';
import { BookmarksController } from './bookmarks.controller.js';
import { BookmarksService } from './bookmarks.service.js';
import { MypageController } from './mypage.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([BookmarkEntity]), AnalysisModule, CatalogModule],
  controllers: [BookmarksController, MypageController],
  providers: [BookmarksService],
})
export class MypageModule {}
