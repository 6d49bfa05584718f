import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConflictError } from '../common/domain-error.js';
import { pageOf, type Page, type PageQueryDto } from '../common/pagination.js';
import { isUniqueViolation, urlNotFound } from './catalog-errors.js';
import { toSourceUrlDto } from './catalog.mapper.js';
import type { CreateUrlDto, UpdateUrlDto } from './dto/catalog-input.dto.js';
import type { SourceUrlDto } from './dto/catalog.dto.js';
import { SourceUrlEntity } from './source-url.entity.js';

const YOUTUBE_ID = /^[\w-]{11}$/;

/** The video id of a YouTube URL (watch, youtu.be, shorts, embed, live), or null for any other URL. */
export function youtubeIdOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname.replace(/^(www|m|music)\./, '');
    let id: string | null | undefined;
    if (host === 'youtu.be') id = parsed.pathname.split('/')[1];
    else if (host === 'youtube.com' || host === 'youtube-nocookie.com') {
      const [, first, second] = parsed.pathname.split('/');
      id = first === 'watch' ? parsed.searchParams.get('v') : ['shorts', 'embed', 'live', 'v'].includes(first ?? '') ? second : null;
    }
    return id && YOUTUBE_ID.test(id) ? id : null;
  } catch {
    return null;
  }
}

@Injectable()
export class UrlsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get urls() {
    return this.dataSource.getRepository(SourceUrlEntity);
  }

  async list(query: PageQueryDto): Promise<Page<SourceUrlDto>> {
    const { page, limit, skip } = pageOf(query);
    const [urls, total] = await this.urls.findAndCount({ order: { id: 'DESC' }, skip, take: limit });
    return { items: urls.map(toSourceUrlDto), total, page, limit };
  }

  async create(body: CreateUrlDto): Promise<SourceUrlDto> {
    return this.saveUnique(this.urls.create({ url: body.url, title: body.title ?? null, youtubeId: youtubeIdOf(body.url) }));
  }

  async update(id: number, body: UpdateUrlDto): Promise<SourceUrlDto> {
    const url = await this.urls.findOneBy({ id });
    if (!url) throw urlNotFound(id);
    if (body.url !== undefined) Object.assign(url, { url: body.url, youtubeId: youtubeIdOf(body.url) });
    if (body.title !== undefined) url.title = body.title;
    return this.saveUnique(url);
  }

  async delete(id: number): Promise<void> {
    const { affected } = await this.urls.delete({ id });
    if (!affected) throw urlNotFound(id);
  }

  private async saveUnique(url: SourceUrlEntity): Promise<SourceUrlDto> {
    try {
      return toSourceUrlDto(await this.urls.save(url));
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('URL_EXISTS', `${url.url} is already in the catalog`);
      throw error;
    }
  }
}
