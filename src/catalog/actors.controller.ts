import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.js';
import { PageDto, type Page } from '../common/pagination.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { Public } from '../common/public.decorator.js';
import { ActorsService } from './actors.service.js';
import { ActorQueryDto, CreateActorDto, UpdateActorDto } from './dto/catalog-input.dto.js';
import { ActorDetailDto, ActorDto } from './dto/catalog.dto.js';

@ApiTags('catalog')
@Controller('actors')
export class ActorsController {
  constructor(private readonly actors: ActorsService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Actors; `q` matches the name or any alias' })
  @ApiOkResponse({ type: PageDto(ActorDto) })
  list(@Query() query: ActorQueryDto): Promise<Page<ActorDto>> {
    return this.actors.list(query);
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'An actor with their tokens' })
  @ApiOkResponse({ type: ActorDetailDto })
  @ApiNotFoundResponse()
  get(@Param('id', ParseIdPipe) id: number): Promise<ActorDetailDto> {
    return this.actors.get(id);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add an actor (admin)' })
  @ApiCreatedResponse({ type: ActorDto })
  @ApiConflictResponse({ description: 'An actor with that name exists' })
  create(@Body() body: CreateActorDto): Promise<ActorDto> {
    return this.actors.create(body);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change an actor (admin)' })
  @ApiOkResponse({ type: ActorDto })
  update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateActorDto): Promise<ActorDto> {
    return this.actors.update(id, body);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an actor without tokens (admin)' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'The actor still has tokens' })
  delete(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.actors.delete(id);
  }
}
