import { Global, Module } from '@nestjs/common';
import { EventBus } from './event-bus.js';
import { PostgresNotifications } from './postgres-notifications.js';
import { SseService } from './sse.service.js';

@Global()
@Module({
  providers: [EventBus, SseService, PostgresNotifications],
  exports: [EventBus, SseService, PostgresNotifications],
})
export class EventsModule {}
