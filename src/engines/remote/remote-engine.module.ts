import { Module } from '@nestjs/common';
import { MetricsModule } from '../../metrics/metrics.module.js';
import { RemoteEngineClient } from './remote-engine-client.js';

@Module({
  imports: [MetricsModule],
  providers: [RemoteEngineClient],
  exports: [RemoteEngineClient],
})
export class RemoteEngineModule {}
