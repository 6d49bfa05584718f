import { MigrationInterface, QueryRunner } from "typeorm";

export class Platform1795495491467 implements MigrationInterface {
    name = 'Platform1795495491467'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "job_events" ("id" BIGSERIAL NOT NULL, "job_id" uuid NOT NULL, "job_type" character varying(64) NOT NULL, "owner_id" uuid, "snapshot" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_77f0d06e95eed355f7a38f6093b" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_job_events_job" ON "job_events"  ("job_id", "id") `);
        await queryRunner.query(`CREATE TABLE "jobs" ("id" uuid NOT NULL, "type" character varying(64) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'queued', "progress" smallint NOT NULL DEFAULT '0', "stage" character varying(64), "message" text, "payload" jsonb NOT NULL DEFAULT '{}', "result" jsonb, "error" jsonb, "owner_id" uuid, "attempts" integer NOT NULL DEFAULT '0', "max_attempts" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "heartbeat_at" TIMESTAMP WITH TIME ZONE, "deadline_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "chk_jobs_progress" CHECK ("progress" BETWEEN 0 AND 100), CONSTRAINT "chk_jobs_status" CHECK ("status" IN ('queued', 'processing', 'completed', 'failed', 'canceled')), CONSTRAINT "PK_cf0a6c42b72fcc7f7c237def345" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_jobs_type_status" ON "jobs"  ("type", "status") `);
        await queryRunner.query(`CREATE INDEX "idx_jobs_owner_created" ON "jobs"  ("owner_id", "created_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_jobs_owner_created"`);
        await queryRunner.query(`DROP INDEX "public"."idx_jobs_type_status"`);
        await queryRunner.query(`DROP TABLE "jobs"`);
        await queryRunner.query(`DROP INDEX "public"."idx_job_events_job"`);
        await queryRunner.query(`DROP TABLE "job_events"`);
    }

}
