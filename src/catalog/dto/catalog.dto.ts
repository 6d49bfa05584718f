import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const SECONDS_IN_SOURCE = 'Seconds from the start of the source video';
const SECONDS_IN_CLIP = "Seconds from the start of the token's clip";

export class ActorRefDto {
  @ApiProperty()
  id: number;

  @ApiProperty({ example: '송강호' })
  name: string;
}

export class ActorDto extends ActorRefDto {
  @ApiProperty({ type: [String], example: ['Song Kang-ho'] })
  aliases: string[];

  @ApiProperty({ format: 'date-time' })
  created_at: string;
}

export class SourceUrlDto {
  @ApiProperty()
  id: number;

  @ApiProperty({ example: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' })
  url: string;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'dQw4w9WgXcQ' })
  youtube_id: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  title: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;
}

export class TokenSummaryDto {
  @ApiProperty()
  id: number;

  @ApiProperty({ description: 'The film or drama', example: '기생충' })
  title: string;

  @ApiProperty({ type: ActorRefDto })
  actor: ActorRefDto;

  @ApiPropertyOptional({ type: SourceUrlDto, nullable: true })
  url: SourceUrlDto | null;

  @ApiProperty({ description: SECONDS_IN_SOURCE, example: 83.2 })
  start_time: number;

  @ApiProperty({ description: SECONDS_IN_SOURCE, example: 86.9 })
  end_time: number;

  @ApiProperty({ description: 'Seconds (end_time − start_time)', example: 3.7 })
  duration: number;

  @ApiProperty({ example: 'ko' })
  language: string;

  @ApiProperty({ type: [String], example: ['drama'] })
  tags: string[];

  @ApiProperty({ description: 'Whether the clip audio has been uploaded' })
  has_audio: boolean;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Where to fetch the clip audio', example: '/tokens/1/audio' })
  audio_url: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;
}

export class ScriptWordDto {
  @ApiProperty()
  id: number;

  @ApiProperty()
  order: number;

  @ApiProperty({ example: '안녕하세요' })
  word: string;

  @ApiProperty({ description: SECONDS_IN_CLIP })
  start_time: number;

  @ApiProperty({ description: SECONDS_IN_CLIP })
  end_time: number;

  @ApiPropertyOptional({ nullable: true, type: Number, description: "The recogniser's confidence, 0-1" })
  probability: number | null;
}

export class ScriptDto {
  @ApiProperty()
  id: number;

  @ApiProperty()
  token_id: number;

  @ApiProperty()
  order: number;

  @ApiProperty()
  text: string;

  @ApiProperty({ description: SECONDS_IN_CLIP })
  start_time: number;

  @ApiProperty({ description: SECONDS_IN_CLIP })
  end_time: number;

  @ApiProperty({ type: [ScriptWordDto] })
  words: ScriptWordDto[];
}

export class TokenDetailDto extends TokenSummaryDto {
  @ApiProperty({ type: [ScriptDto] })
  scripts: ScriptDto[];
}

export class ActorDetailDto extends ActorDto {
  @ApiProperty({ type: [TokenSummaryDto] })
  tokens: TokenSummaryDto[];
}
