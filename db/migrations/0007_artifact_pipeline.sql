CREATE TABLE "artifact_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"job_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "artifacts" ADD COLUMN "progress" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "artifact_runs" ADD CONSTRAINT "artifact_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_runs" ADD CONSTRAINT "artifact_runs_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "artifact_runs_session_idx" ON "artifact_runs" USING btree ("session_id");--> statement-breakpoint
-- Tenant isolation like every tenant table (migration 0004, decision 004).
ALTER TABLE "artifact_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "artifact_runs" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "artifact_runs" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());
