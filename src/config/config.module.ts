import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, loadAppConfig } from './app-config.js';

@Global()
@Module({})
export class ConfigModule {
  /** Pass a ready AppConfig (tests, worker) or let the module read the process environment. */
  static forRoot(config: AppConfig = loadAppConfig()): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}
