import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TextToSpeechModule } from '../engines/text-to-speech/text-to-speech.module.js';
import { ActorEntity } from './actor.entity.js';
import { ScriptWordEntity } from './script-word.entity.js';
import { ScriptEntity } from './script.entity.js';
import { SourceUrlEntity } from './source-url.entity.js';
import { TokenEntity } from './token.entity.js';
import { ActorsController } from './actors.controller.js';
import { ActorsService } from './actors.service.js';
import { DemoCatalogSeeder } from './demo/demo-catalog.seeder.js';
import { TokensController } from './tokens.controller.js';
import { TokensService } from './tokens.service.js';
import { UrlsController } from './urls.controller.js';
import { UrlsService } from './urls.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([ActorEntity, SourceUrlEntity, TokenEntity, ScriptEntity, ScriptWordEntity]),
    TextToSpeechModule,
  ],
  controllers: [TokensController, ActorsController, UrlsController],
  providers: [TokensService, ActorsService, UrlsService, DemoCatalogSeeder],
  exports: [TokensService, DemoCatalogSeeder],
})
export class CatalogModule {}
