import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConflictError } from '../common/domain-error.js';
import { likePattern, pageOf, type Page } from '../common/pagination.js';
import { ActorEntity } from './actor.entity.js';
import { actorNotFound, isForeignKeyViolation, isUniqueViolation } from './catalog-errors.js';
import { toActorDto, toTokenSummaryDto } from './catalog.mapper.js';
import type { ActorQueryDto, CreateActorDto, UpdateActorDto } from './dto/catalog-input.dto.js';
import type { ActorDetailDto, ActorDto } from './dto/catalog.dto.js';
import { TokenEntity } from './token.entity.js';

@Injectable()
export class ActorsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get actors() {
    return this.dataSource.getRepository(ActorEntity);
  }

  async list(query: ActorQueryDto): Promise<Page<ActorDto>> {
    const { page, limit, skip } = pageOf(query);
    const builder = this.actors.createQueryBuilder('actor').orderBy('actor.name', 'ASC').skip(skip).take(limit);
    if (query.q) {
      builder.where(
        '(actor.name ILIKE :q OR EXISTS (SELECT 1 FROM unnest(actor.aliases) AS alias WHERE alias ILIKE :q))',
        { q: likePattern(query.q) },
      );
    }
    const [actors, total] = await builder.getManyAndCount();
    return { items: actors.map(toActorDto), total, page, limit };
  }

  async get(id: number): Promise<ActorDetailDto> {
    const actor = await this.actors.findOneBy({ id });
    if (!actor) throw actorNotFound(id);
    const tokens = await this.dataSource.getRepository(TokenEntity).find({
      where: { actorId: id },
      relations: { actor: true, url: true },
      order: { id: 'DESC' },
    });
    return { ...toActorDto(actor), tokens: tokens.map(toTokenSummaryDto) };
  }

  async create(body: CreateActorDto): Promise<ActorDto> {
    try {
      return toActorDto(await this.actors.save(this.actors.create({ name: body.name, aliases: body.aliases ?? [] })));
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('ACTOR_EXISTS', `An actor named "${body.name}" exists`);
      throw error;
    }
  }

  async update(id: number, body: UpdateActorDto): Promise<ActorDto> {
    const actor = await this.actors.findOneBy({ id });
    if (!actor) throw actorNotFound(id);
    try {
      return toActorDto(await this.actors.save(this.actors.merge(actor, body)));
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('ACTOR_EXISTS', `An actor named "${body.name}" exists`);
      throw error;
    }
  }

  async delete(id: number): Promise<void> {
    try {
      const { affected } = await this.actors.delete({ id });
      if (!affected) throw actorNotFound(id);
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new ConflictError('ACTOR_HAS_TOKENS', `Actor ${id} still has tokens; delete or move them first`);
      }
      throw error;
    }
  }
}
