import { MigrationInterface, QueryRunner } from "typeorm";

export class WebhookDeliveries1796230000000 implements MigrationInterface {
    name = 'WebhookDeliveries1796230000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "webhook_deliveries" ("id" character varying(300) NOT NULL, "job_id" uuid, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_webhook_deliveries" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_webhook_deliveries_received" ON "webhook_deliveries" ("received_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_webhook_deliveries_received"`);
        await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    }

}
