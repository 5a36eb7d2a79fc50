-- Leaner event log rows: one composite key to the session (which pins the tenant and
-- locks only the already-locked session row), no key to users (the log is history),
-- and only the indexes an append must pay for.
CREATE UNIQUE INDEX "sessions_id_tenant_key" ON "sessions" USING btree ("id","tenant_id");--> statement-breakpoint
ALTER TABLE "session_state_events" DROP CONSTRAINT "session_state_events_tenant_id_tenants_id_fk";--> statement-breakpoint
ALTER TABLE "session_state_events" DROP CONSTRAINT "session_state_events_session_id_sessions_id_fk";--> statement-breakpoint
ALTER TABLE "session_state_events" DROP CONSTRAINT "session_state_events_actor_user_id_users_id_fk";--> statement-breakpoint
ALTER TABLE "session_state_events" ADD CONSTRAINT "session_state_events_session_fk" FOREIGN KEY ("session_id","tenant_id") REFERENCES "public"."sessions"("id","tenant_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
DROP INDEX "session_state_events_session_occurred_idx";--> statement-breakpoint
DROP INDEX "session_state_events_session_idempotency_key";--> statement-breakpoint
CREATE UNIQUE INDEX "session_state_events_session_idempotency_key" ON "session_state_events" USING btree ("session_id","idempotency_key") WHERE "session_state_events"."idempotency_key" is not null;
