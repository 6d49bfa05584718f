import type { ActorEntity } from './actor.entity.js';
import type { ScriptWordEntity } from './script-word.entity.js';
import type { ScriptEntity } from './script.entity.js';
import type { SourceUrlEntity } from './source-url.entity.js';
import type { TokenEntity } from './token.entity.js';
import type {
  ActorDto,
  ScriptDto,
  ScriptWordDto,
  SourceUrlDto,
  TokenDetailDto,
  TokenSummaryDto,
} from './dto/catalog.dto.js';

// Times are stored as double precision; responses round to the millisecond.
const seconds = (value: number) => Math.round(value * 1000) / 1000;

export const toActorDto = (actor: ActorEntity): ActorDto => ({
  id: actor.id,
  name: actor.name,
  aliases: actor.aliases,
  created_at: actor.createdAt.toISOString(),
});

export const toSourceUrlDto = (url: SourceUrlEntity): SourceUrlDto => ({
  id: url.id,
  url: url.url,
  youtube_id: url.youtubeId,
  title: url.title,
  created_at: url.createdAt.toISOString(),
});

/** Expects `actor` (and `url`, when set) loaded. */
export const toTokenSummaryDto = (token: TokenEntity): TokenSummaryDto => ({
  id: token.id,
  title: token.title,
  actor: { id: token.actor!.id, name: token.actor!.name },
  url: token.url ? toSourceUrlDto(token.url) : null,
  start_time: seconds(token.startTime),
  end_time: seconds(token.endTime),
  duration: seconds(token.endTime - token.startTime),
  language: token.language,
  tags: token.tags,
  has_audio: token.audioKey !== null,
  audio_url: token.audioKey !== null ? `/tokens/${token.id}/audio` : null,
  created_at: token.createdAt.toISOString(),
});

export const toScriptWordDto = (word: ScriptWordEntity): ScriptWordDto => ({
  id: word.id,
  order: word.order,
  word: word.word,
  start_time: seconds(word.startTime),
  end_time: seconds(word.endTime),
  probability: word.probability,
});

/** Expects `words` loaded, in order. */
export const toScriptDto = (script: ScriptEntity): ScriptDto => ({
  id: script.id,
  token_id: script.tokenId,
  order: script.order,
  text: script.text,
  start_time: seconds(script.startTime),
  end_time: seconds(script.endTime),
  words: (script.words ?? []).map(toScriptWordDto),
});

export const toTokenDetailDto = (token: TokenEntity): TokenDetailDto => ({
  ...toTokenSummaryDto(token),
  scripts: (token.scripts ?? []).map(toScriptDto),
});
