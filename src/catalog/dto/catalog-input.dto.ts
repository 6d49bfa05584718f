import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsId } from '../../common/is-id.decorator.js';
import { MayBeAbsent } from '../../common/may-be-absent.decorator.js';
import { PageQueryDto } from '../../common/pagination.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimAll = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item.trim() : item)) : value;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** An optional list of short texts, each trimmed. */
const TextList = (maxItems: number, maxLength: number) =>
  applyDecorators(
    MayBeAbsent(),
    Transform(trimAll),
    IsArray(),
    ArrayMaxSize(maxItems),
    IsString({ each: true }),
    Length(1, maxLength, { each: true }),
  );

/** A time in seconds: a finite number, not negative. */
const Seconds = () => applyDecorators(IsNumber({ allowNaN: false, allowInfinity: false }), Min(0));

export class TokenQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only tokens of this actor' })
  @IsOptional()
  @Type(() => Number)
  @IsId()
  actor_id?: number;

  @ApiPropertyOptional({ description: "Actor's name or alias contains this" })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  actor?: string;

  @ApiPropertyOptional({ description: 'Title contains this' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  title?: string;

  @ApiPropertyOptional({ example: 'ko' })
  @IsOptional()
  @Matches(LANGUAGE)
  language?: string;

  @ApiPropertyOptional({ example: 'synthetic' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  tag?: string;

  @ApiPropertyOptional({ description: "Text search in the tokens' scripts (any language, e.g. 안녕)" })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  q?: string;
}

export class ActorQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Name or any alias contains this' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  q?: string;
}

export class CreateActorDto {
  @ApiProperty({ example: '송강호' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ type: [String], example: ['Song Kang-ho'] })
  @TextList(50, 200)
  aliases?: string[];
}

// skipNullProperties: false, so `null` is refused for a column that cannot be empty (only an absent field is skipped).
export class UpdateActorDto extends PartialType(CreateActorDto, { skipNullProperties: false }) {}

export class CreateUrlDto {
  @ApiProperty({ example: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' })
  @Transform(trim)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @Length(1, 2048)
  url: string;

  @ApiPropertyOptional()
  @MayBeAbsent()
  @Transform(trim)
  @IsString()
  @Length(1, 300)
  title?: string;
}

export class UpdateUrlDto extends PartialType(CreateUrlDto, { skipNullProperties: false }) {}

export class CreateTokenDto {
  @ApiProperty({ description: 'The film or drama', example: '기생충' })
  @Transform(trim)
  @IsString()
  @Length(1, 300)
  title: string;

  @ApiProperty({ example: 1 })
  @IsId()
  actor_id: number;

  @ApiPropertyOptional({ nullable: true, type: Number, example: 1 })
  @IsOptional()
  @IsId()
  url_id?: number | null;

  @ApiProperty({ description: 'Seconds from the start of the source video', example: 61.5 })
  @Seconds()
  @Max(24 * 3600)
  start_time: number;

  @ApiProperty({ description: 'Seconds from the start of the source video; after start_time', example: 64 })
  @Seconds()
  @Max(24 * 3600)
  end_time: number;

  @ApiProperty({ example: 'ko' })
  @Matches(LANGUAGE)
  language: string;

  @ApiPropertyOptional({ type: [String] })
  @TextList(20, 50)
  tags?: string[];
}

/** url_id may be null (the token loses its source video); every other field is left out to keep its value. */
export class UpdateTokenDto extends PartialType(CreateTokenDto, { skipNullProperties: false }) {}

/** A word as Whisper reports it (word_timestamps); the leading space Whisper puts in words is trimmed. */
export class WhisperWordDto {
  @ApiProperty({ example: ' 안녕하세요' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  word: string;

  @ApiProperty()
  @Seconds()
  start: number;

  @ApiProperty()
  @Seconds()
  end: number;

  @ApiPropertyOptional()
  @MayBeAbsent()
  @Seconds()
  @Max(1)
  probability?: number;
}

/** A segment of Whisper's output; fields Whisper adds that we do not keep are accepted and ignored. */
export class WhisperSegmentDto {
  @ApiProperty()
  @Seconds()
  start: number;

  @ApiProperty()
  @Seconds()
  end: number;

  @ApiProperty()
  @Transform(trim)
  @IsString()
  @Length(1, 5000)
  text: string;

  @ApiPropertyOptional({ type: [WhisperWordDto] })
  @MayBeAbsent()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => WhisperWordDto)
  words?: WhisperWordDto[];

  @IsOptional() id?: unknown;
  @IsOptional() seek?: unknown;
  @IsOptional() tokens?: unknown;
  @IsOptional() temperature?: unknown;
  @IsOptional() avg_logprob?: unknown;
  @IsOptional() compression_ratio?: unknown;
  @IsOptional() no_speech_prob?: unknown;
}

/**
 * Whisper-style JSON (openai-whisper / faster-whisper with word timestamps): segments with words, times in
 * seconds from the start of the clip. Replaces all of a token's scripts and words at once.
 */
export class ImportScriptsDto {
  @ApiProperty({ type: [WhisperSegmentDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => WhisperSegmentDto)
  segments: WhisperSegmentDto[];

  @IsOptional() text?: unknown;
  @IsOptional() language?: unknown;
  @IsOptional() task?: unknown;
  @IsOptional() duration?: unknown;
}
