import { ApiProperty } from '@nestjs/swagger';
import { IsId } from '../common/is-id.decorator.js';
import { TokenSummaryDto } from '../catalog/dto/catalog.dto.js';

export class AddBookmarkDto {
  @ApiProperty({ example: 1 })
  @IsId()
  token_id: number;
}

export class BookmarkDto {
  @ApiProperty()
  id: number;

  @ApiProperty()
  token_id: number;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: TokenSummaryDto, description: "The token's title, actor and times" })
  token: TokenSummaryDto;
}
