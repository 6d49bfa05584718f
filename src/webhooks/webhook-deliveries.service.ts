import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';

/** Longer than any delivery stays valid: five minutes' timestamp tolerance either side of its time. */
const REMEMBER_MS = 60 * 60 * 1000;

/** The webhook ids already accepted, across every instance: a delivery is applied at most once. */
@Injectable()
export class WebhookDeliveries {
  constructor(@InjectRepository(WebhookDeliveryEntity) private readonly deliveries: Repository<WebhookDeliveryEntity>) {}

  /** Records a delivery; false when it was already recorded (a replay or a duplicate). */
  async accept(route: string, webhookId: string, jobId: string | null): Promise<boolean> {
    await this.deliveries.delete({ receivedAt: LessThan(new Date(Date.now() - REMEMBER_MS)) });
    const inserted = await this.deliveries
      .createQueryBuilder()
      .insert()
      .values({ id: `${route}:${webhookId}`.slice(0, 300), jobId })
      .orIgnore()
      .returning(['id'])
      .execute();
    return inserted.raw.length > 0;
  }

  /** Forgets a delivery that could not be applied, so that the sender's retry is not taken for a replay. */
  async forget(route: string, webhookId: string): Promise<void> {
    await this.deliveries.delete({ id: `${route}:${webhookId}`.slice(0, 300) });
  }
}
