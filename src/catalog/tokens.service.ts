import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DataSource, In, type Repository, type SelectQueryBuilder } from 'typeorm';
import { likePattern, pageOf, type Page } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { AUDIO_DESCRIPTION, isAudio } from '../storage/upload/audio-types.js';
import { receiveFileUpload } from '../storage/upload/file-upload.js';
import { ActorEntity } from './actor.entity.js';
import { clipNotUploaded, InvalidTimesError, scriptNotFound, tokenNotFound, UnknownReferenceError } from './catalog-errors.js';
import { toScriptDto, toTokenDetailDto, toTokenSummaryDto } from './catalog.mapper.js';
import type { CreateTokenDto, ImportScriptsDto, TokenQueryDto, UpdateTokenDto } from './dto/catalog-input.dto.js';
import type { ScriptDto, TokenDetailDto, TokenSummaryDto } from './dto/catalog.dto.js';
import { validateScriptImport } from './script-import.js';
import { ScriptWordEntity } from './script-word.entity.js';
import { ScriptEntity } from './script.entity.js';
import { SourceUrlEntity } from './source-url.entity.js';
import { TokenEntity } from './token.entity.js';

// A clip is a line or two of dialogue; anything bigger is not a clip.
const MAX_CLIP_BYTES = 50 * 1024 * 1024;

/** A token's clip and reference words, as the analysis of a dubbing needs them. */
export interface TokenReference {
  clipKey: string | null;
  /** BCP 47 language of the line. */
  language: string;
  /** The text of each script (sentence), in order. */
  sentences: string[];
  /** `sentence` is the index of the word's script in `sentences`. */
  words: Array<{ scriptWordId: number; text: string; start: number; end: number; sentence: number }>;
}

const clipKey = (tokenId: number, extension: string) => `tokens/${tokenId}/clip-${randomUUID()}.${extension}`;

/**
 * A token with everything a player needs, in one query (no DISTINCT/LIMIT wrapper as findOne would add); the
 * hottest read of the service, and what bench/token-read.mjs measures against bare node:http + pg.
 */
export const tokenDetailQuery = (tokens: Repository<TokenEntity>, id: number) =>
  tokens
    .createQueryBuilder('token')
    .innerJoinAndSelect('token.actor', 'actor')
    .leftJoinAndSelect('token.url', 'url')
    .leftJoinAndSelect('token.scripts', 'script')
    .leftJoinAndSelect('script.words', 'word')
    .where('token.id = :id', { id })
    .orderBy('script.order', 'ASC')
    .addOrderBy('word.order', 'ASC');

@Injectable()
export class TokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: ObjectStorage,
    private readonly config: AppConfig,
  ) {}

  private get tokens() {
    return this.dataSource.getRepository(TokenEntity);
  }

  async list(query: TokenQueryDto): Promise<Page<TokenSummaryDto>> {
    const { page, limit, skip } = pageOf(query);
    const builder = this.tokens
      .createQueryBuilder('token')
      .innerJoinAndSelect('token.actor', 'actor')
      .leftJoinAndSelect('token.url', 'url')
      .orderBy('token.id', 'DESC')
      .skip(skip)
      .take(limit);
    this.applyFilters(builder, query);
    const [tokens, total] = await builder.getManyAndCount();
    return { items: tokens.map(toTokenSummaryDto), total, page, limit };
  }

  private applyFilters(builder: SelectQueryBuilder<TokenEntity>, query: TokenQueryDto): void {
    if (query.actor_id) builder.andWhere('token.actorId = :actorId', { actorId: query.actor_id });
    if (query.language) builder.andWhere('token.language = :language', { language: query.language });
    if (query.tag) builder.andWhere(':tag = ANY(token.tags)', { tag: query.tag });
    if (query.title) builder.andWhere('token.title ILIKE :title', { title: likePattern(query.title) });
    if (query.actor) {
      builder.andWhere(
        '(actor.name ILIKE :actor OR EXISTS (SELECT 1 FROM unnest(actor.aliases) AS alias WHERE alias ILIKE :actor))',
        { actor: likePattern(query.actor) },
      );
    }
    if (query.q) {
      // Served by the trigram index on scripts.text, whatever the language.
      builder.andWhere('EXISTS (SELECT 1 FROM scripts s WHERE s.token_id = token.id AND s.text ILIKE :q)', {
        q: likePattern(query.q),
      });
    }
  }

  /** Throws TOKEN_NOT_FOUND unless the token exists. */
  async assertExists(id: number): Promise<void> {
    if (!(await this.tokens.existsBy({ id }))) throw tokenNotFound(id);
  }

  /** Summaries (title, actor, times) of the tokens that exist among `ids`, by id. */
  async summaries(ids: number[]): Promise<Map<number, TokenSummaryDto>> {
    if (ids.length === 0) return new Map();
    const tokens = await this.tokens.find({ where: { id: In(ids) }, relations: { actor: true, url: true } });
    return new Map(tokens.map((token) => [token.id, toTokenSummaryDto(token)]));
  }

  /** The storage key of the token's clip (null before one is uploaded); TOKEN_NOT_FOUND for no token. */
  async clipKeyOf(id: number): Promise<string | null> {
    const token = await this.tokens.findOne({ where: { id }, select: { id: true, audioKey: true } });
    if (!token) throw tokenNotFound(id);
    return token.audioKey;
  }

  /** What a dubbing is compared with: the clip and every script word in order, times in seconds into the clip. */
  async referenceOf(id: number): Promise<TokenReference> {
    const token = await this.tokens.findOne({ where: { id }, select: { id: true, audioKey: true, language: true } });
    if (!token) throw tokenNotFound(id);
    const scripts = await this.dataSource.getRepository(ScriptEntity).find({
      where: { tokenId: id },
      relations: { words: true },
      order: { order: 'ASC', words: { order: 'ASC' } },
    });
    return {
      clipKey: token.audioKey,
      language: token.language,
      sentences: scripts.map((script) => script.text),
      words: scripts.flatMap((script, sentence) =>
        (script.words ?? []).map((word) => ({ scriptWordId: word.id, text: word.word, start: word.startTime, end: word.endTime, sentence })),
      ),
    };
  }


  async get(id: number): Promise<TokenDetailDto> {
    const token = await tokenDetailQuery(this.tokens, id).getOne();
    if (!token) throw tokenNotFound(id);
    return toTokenDetailDto(token);
  }

  async getScript(id: number): Promise<ScriptDto> {
    const script = await this.dataSource.getRepository(ScriptEntity).findOne({
      where: { id },
      relations: { words: true },
      order: { words: { order: 'ASC' } },
    });
    if (!script) throw scriptNotFound(id);
    return toScriptDto(script);
  }

  async create(body: CreateTokenDto): Promise<TokenDetailDto> {
    this.assertTimes(body.start_time, body.end_time);
    await this.assertReferences(body.actor_id, body.url_id);
    const { id } = await this.tokens.save(
      this.tokens.create({
        title: body.title,
        actorId: body.actor_id,
        urlId: body.url_id ?? null,
        startTime: body.start_time,
        endTime: body.end_time,
        language: body.language,
        tags: body.tags ?? [],
      }),
    );
    return this.get(id);
  }

  async update(id: number, body: UpdateTokenDto): Promise<TokenDetailDto> {
    const token = await this.tokens.findOneBy({ id });
    if (!token) throw tokenNotFound(id);
    const startTime = body.start_time ?? token.startTime;
    const endTime = body.end_time ?? token.endTime;
    this.assertTimes(startTime, endTime);
    await this.assertReferences(body.actor_id, body.url_id);
    await this.tokens.update(
      { id },
      {
        title: body.title,
        actorId: body.actor_id,
        urlId: body.url_id,
        startTime,
        endTime,
        language: body.language,
        tags: body.tags,
      },
    );
    return this.get(id);
  }

  async delete(id: number): Promise<void> {
    const token = await this.tokens.findOneBy({ id });
    if (!token) throw tokenNotFound(id);
    await this.tokens.delete({ id });
    if (token.audioKey) await this.storage.delete(token.audioKey).catch(() => undefined);
  }

  /** Streams the clip into storage (type checked from its bytes) and replaces the previous clip. */
  async uploadAudio(id: number, req: Request): Promise<TokenDetailDto> {
    const token = await this.tokens.findOneBy({ id });
    if (!token) throw tokenNotFound(id);
    const file = await receiveFileUpload(req, this.storage, {
      field: 'file',
      maxBytes: MAX_CLIP_BYTES,
      timeoutMs: this.config.storage.uploadTimeoutMs,
      accept: isAudio,
      describe: AUDIO_DESCRIPTION,
      keyFor: (type) => clipKey(id, type.ext),
    });
    await this.switchClip(token, file.key, file.contentType);
    return this.get(id);
  }

  /** Stores audio the service made itself (the demo catalog) as a token's clip. */
  async attachClip(id: number, audio: Readable, contentType: string, extension: string): Promise<void> {
    const token = await this.tokens.findOneBy({ id });
    if (!token) throw tokenNotFound(id);
    const stored = await this.storage.put(clipKey(id, extension), audio, { contentType });
    await this.switchClip(token, stored.key, contentType);
  }

  private async switchClip(token: TokenEntity, key: string, contentType: string): Promise<void> {
    const updated = await this.tokens.update({ id: token.id }, { audioKey: key, audioContentType: contentType });
    if (!updated.affected) {
      await this.storage.delete(key); // the token was deleted meanwhile
      throw tokenNotFound(token.id);
    }
    if (token.audioKey) await this.storage.delete(token.audioKey).catch(() => undefined);
  }

  /** A short-lived URL of the clip's audio. */
  async audioUrl(id: number): Promise<string> {
    const token = await this.tokens.findOne({ where: { id }, select: { id: true, audioKey: true } });
    if (!token) throw tokenNotFound(id);
    if (!token.audioKey) throw clipNotUploaded(id);
    return this.storage.presignGet(token.audioKey, { expiresInSeconds: this.config.storage.signedUrlTtlSeconds });
  }

  /** Replaces all of a token's scripts and words with a validated transcript, in one transaction. */
  async importScripts(id: number, body: ImportScriptsDto): Promise<TokenDetailDto> {
    const token = await this.tokens.findOneBy({ id });
    if (!token) throw tokenNotFound(id);
    const scripts = validateScriptImport(body, token.endTime - token.startTime);
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(ScriptEntity, { tokenId: id });
      for (const script of scripts) {
        const saved = await manager.save(
          manager.create(ScriptEntity, {
            tokenId: id,
            order: script.order,
            text: script.text,
            startTime: script.startTime,
            endTime: script.endTime,
          }),
        );
        if (script.words.length > 0) {
          await manager.insert(
            ScriptWordEntity,
            script.words.map((word) => ({ ...word, scriptId: saved.id })),
          );
        }
      }
    });
    return this.get(id);
  }

  private assertTimes(start: number, end: number): void {
    if (end <= start) throw new InvalidTimesError(start, end);
  }

  private async assertReferences(actorId?: number, urlId?: number | null): Promise<void> {
    if (actorId !== undefined && !(await this.dataSource.getRepository(ActorEntity).existsBy({ id: actorId }))) {
      throw new UnknownReferenceError('Actor', actorId);
    }
    if (urlId && !(await this.dataSource.getRepository(SourceUrlEntity).existsBy({ id: urlId }))) {
      throw new UnknownReferenceError('URL', urlId);
    }
  }
}
