DROP INDEX "artifact_runs_session_idx";--> statement-breakpoint
ALTER TABLE "artifact_runs" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX "artifact_runs_session_idx" ON "artifact_runs" USING btree ("session_id","version");