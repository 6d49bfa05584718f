import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/domain-error.js';
import { tokenNotFound } from '../catalog/catalog-errors.js';
import { toTokenSummaryDto } from '../catalog/catalog.mapper.js';
import { TokenEntity } from '../catalog/token.entity.js';
import { BookmarkEntity } from './bookmark.entity.js';
import type { BookmarkDto } from './bookmark.dto.js';

const toBookmarkDto = (bookmark: BookmarkEntity): BookmarkDto => ({
  id: bookmark.id,
  token_id: bookmark.tokenId,
  created_at: bookmark.createdAt.toISOString(),
  token: toTokenSummaryDto(bookmark.token!),
});

/** A user's bookmarks; every method is scoped to the caller. */
@Injectable()
export class BookmarksService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get bookmarks() {
    return this.dataSource.getRepository(BookmarkEntity);
  }

  /** Adds the bookmark, or finds the one that exists: `created` says which. */
  async add(userId: string, tokenId: number): Promise<{ bookmark: BookmarkDto; created: boolean }> {
    if (!(await this.dataSource.getRepository(TokenEntity).existsBy({ id: tokenId }))) throw tokenNotFound(tokenId);
    const inserted = await this.bookmarks
      .createQueryBuilder()
      .insert()
      .values({ userId, tokenId })
      .orIgnore()
      .returning(['id'])
      .execute();
    const created = inserted.raw.length > 0;
    return { bookmark: (await this.find(userId, tokenId))!, created };
  }

  async remove(userId: string, tokenId: number): Promise<void> {
    const { affected } = await this.bookmarks.delete({ userId, tokenId });
    if (!affected) throw new NotFoundError(`Bookmark of token ${tokenId}`, 'BOOKMARK_NOT_FOUND');
  }

  async list(userId: string): Promise<BookmarkDto[]> {
    const bookmarks = await this.bookmarks.find({
      where: { userId },
      relations: { token: { actor: true, url: true } },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
    return bookmarks.map(toBookmarkDto);
  }

  private async find(userId: string, tokenId: number): Promise<BookmarkDto | null> {
    const bookmark = await this.bookmarks.findOne({
      where: { userId, tokenId },
      relations: { token: { actor: true, url: true } },
    });
    return bookmark ? toBookmarkDto(bookmark) : null;
  }
}
