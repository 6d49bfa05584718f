import { MigrationInterface, QueryRunner } from "typeorm";

export class VoiceTurns1796250000000 implements MigrationInterface {
    name = 'VoiceTurns1796250000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "voice_turns" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_id" uuid NOT NULL, "input_key" character varying(1024), "input_content_type" character varying(255), "input_text" text, "atot_text" text, "ttot_text" text, "output_key" character varying(1024), "steps" jsonb NOT NULL, "errors" jsonb NOT NULL, "latency_ms" jsonb NOT NULL, "engines" jsonb NOT NULL, "closed" boolean NOT NULL DEFAULT false, "job_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_58f24fa8c407797705a5b052193" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_voice_turns_owner" ON "voice_turns"  ("owner_id", "created_at") `);
        await queryRunner.query(`ALTER TABLE "voice_turns" ADD CONSTRAINT "FK_4bb840e95a24a1a494aeea8e791" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "voice_turns" DROP CONSTRAINT "FK_4bb840e95a24a1a494aeea8e791"`);
        await queryRunner.query(`DROP INDEX "public"."idx_voice_turns_owner"`);
        await queryRunner.query(`DROP TABLE "voice_turns"`);
    }

}
