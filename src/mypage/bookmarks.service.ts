import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { TokenSummaryDto } from '../catalog/dto/catalog.dto.js';
import { TokensService } from '../catalog/tokens.service.js';
import { NotFoundError } from '../common/domain-error.js';
import { BookmarkEntity } from './bookmark.entity.js';
import type { BookmarkDto } from './bookmark.dto.js';

const toBookmarkDto = (bookmark: BookmarkEntity, token: TokenSummaryDto): BookmarkDto => ({
  id: bookmark.id,
  token_id: bookmark.tokenId,
  created_at: bookmark.createdAt.toISOString(),
  token,
});

/** A user's bookmarks; every method is scoped to the caller. */
@Injectable()
export class BookmarksService {
  constructor(
    @InjectRepository(BookmarkEntity) private readonly bookmarks: Repository<BookmarkEntity>,
    private readonly tokens: TokensService,
  ) {}

  /** Adds the bookmark, or finds the one that exists: `created` says which. */
  async add(userId: string, tokenId: number): Promise<{ bookmark: BookmarkDto; created: boolean }> {
    await this.tokens.assertExists(tokenId);
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
    const bookmarks = await this.bookmarks.find({ where: { userId }, order: { createdAt: 'DESC', id: 'DESC' } });
    const tokens = await this.tokens.summaries(bookmarks.map((bookmark) => bookmark.tokenId));
    // A token deleted meanwhile takes its bookmarks with it (ON DELETE CASCADE); skip one caught in between.
    return bookmarks.flatMap((bookmark) => (tokens.has(bookmark.tokenId) ? [toBookmarkDto(bookmark, tokens.get(bookmark.tokenId)!)] : []));
  }

  private async find(userId: string, tokenId: number): Promise<BookmarkDto | null> {
    const bookmark = await this.bookmarks.findOneBy({ userId, tokenId });
    const token = bookmark && (await this.tokens.summaries([tokenId])).get(tokenId);
    return bookmark && token ? toBookmarkDto(bookmark, token) : null;
  }
}
