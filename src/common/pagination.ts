import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 100;

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

export const pageOf = (query: PageQueryDto) => {
  const page = query.page ?? 1;
  const limit = query.limit ?? 20;
  return { page, limit, skip: (page - 1) * limit };
};

/** Swagger's description of a page of T. */
export function PageDto<T>(item: new () => T) {
  class PageOfItems {
    @ApiProperty({ type: [item] })
    items: T[];

    @ApiProperty({ description: 'Items matching the query, all pages' })
    total: number;

    @ApiProperty()
    page: number;

    @ApiProperty()
    limit: number;
  }
  Object.defineProperty(PageOfItems, 'name', { value: `PageOf${item.name.replace(/Dto$/, '')}` });
  return PageOfItems;
}

/** Escapes LIKE wildcards so user text matches literally. */
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
