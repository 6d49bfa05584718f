import { Module } from '@nestjs/common';
import { ActorsController } from './actors.controller.js';
import { ActorsService } from './actors.service.js';
import { DemoCatalogSeeder } from './demo/demo-catalog.seeder.js';
import { TokensController } from './tokens.controller.js';
import { TokensService } from './tokens.service.js';
import { UrlsController } from './urls.controller.js';
import { UrlsService } from './urls.service.js';

@Module({
  controllers: [TokensController, ActorsController, UrlsController],
  providers: [TokensService, ActorsService, UrlsService, DemoCatalogSeeder],
  exports: [TokensService, DemoCatalogSeeder],
})
export class CatalogModule {}
