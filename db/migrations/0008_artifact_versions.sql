DROP INDEX "chapters_session_position_key";--> statement-breakpoint
DROP INDEX "highlights_session_start_idx";--> statement-breakpoint
DROP INDEX "transcript_segments_session_start_idx";--> statement-breakpoint
ALTER TABLE "chapters" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "highlights" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "transcript_segments" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "chapters_session_version_position_key" ON "chapters" USING btree ("session_id","version","position");--> statement-breakpoint
CREATE INDEX "highlights_session_start_idx" ON "highlights" USING btree ("session_id","version","start_ms");--> statement-breakpoint
CREATE INDEX "transcript_segments_session_start_idx" ON "transcript_segments" USING btree ("session_id","version","start_ms");