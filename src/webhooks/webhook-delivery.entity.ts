import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A webhook delivery already accepted, remembered so that a replay of it is ignored. */
@Entity({ name: 'webhook_deliveries' })
@Index('idx_webhook_deliveries_received', ['receivedAt'])
export class WebhookDeliveryEntity {
  /** The sender's `webhook-id`, prefixed by the route it arrived on. */
  @PrimaryColumn({ type: 'varchar', length: 300, primaryKeyConstraintName: 'PK_webhook_deliveries' })
  id: string;

  @Column({ type: 'uuid', nullable: true })
  jobId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  receivedAt: Date;
}
