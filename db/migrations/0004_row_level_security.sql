-- Tenant isolation in depth (DESIGN.md section 4): every tenant-owned table only
-- shows and accepts rows of the tenant in `app.tenant_id`, set per transaction by
-- db/tenantContext.ts. FORCE makes the policies bind the table owner too.
CREATE OR REPLACE FUNCTION lectern_current_tenant() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
--> statement-breakpoint
-- Directory tables (memberships, invitations, domains) must also be readable across
-- schools by the sign-in service, which resolves a person's schools before any school
-- is chosen. Its connections set app.directory = on; the app's never do.
CREATE OR REPLACE FUNCTION lectern_directory_access() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce(current_setting('app.directory', true), '') = 'on' $$;
--> statement-breakpoint
ALTER TABLE "audit_logs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "audit_logs" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "audit_logs" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "courses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "courses" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "courses" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "lessons" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "lessons" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "lessons" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sessions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "sessions" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "enrollments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "enrollments" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "enrollments" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "session_participants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "session_participants" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "session_participants" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "session_state_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "session_state_events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "session_state_events" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "session_doc_checkpoints" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "session_doc_checkpoints" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "session_doc_checkpoints" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "studio_scenes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "studio_scenes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "studio_scenes" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "studio_assets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "studio_assets" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "studio_assets" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "chat_messages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "chat_messages" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "chat_messages" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "questions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "questions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "questions" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "question_upvotes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "question_upvotes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "question_upvotes" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "polls" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "polls" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "polls" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "poll_options" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "poll_options" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "poll_options" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "poll_votes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "poll_votes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "poll_votes" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "hands" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "hands" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "hands" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "ctas" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ctas" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ctas" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "recordings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "recordings" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "recordings" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "artifacts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "artifacts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "artifacts" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "transcript_segments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "transcript_segments" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "transcript_segments" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "chapters" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "chapters" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "chapters" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "highlights" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "highlights" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "highlights" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "summaries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "summaries" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "summaries" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "replays" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "replays" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "replays" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "replay_access_logs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "replay_access_logs" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "replay_access_logs" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "idempotency_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "idempotency_keys" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "idempotency_keys" USING ("tenant_id" = lectern_current_tenant()) WITH CHECK ("tenant_id" = lectern_current_tenant());--> statement-breakpoint
ALTER TABLE "tenant_domains" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenant_domains" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "tenant_domains" USING ("tenant_id" = lectern_current_tenant() OR lectern_directory_access()) WITH CHECK ("tenant_id" = lectern_current_tenant() OR lectern_directory_access());--> statement-breakpoint
ALTER TABLE "user_roles" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "user_roles" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "user_roles" USING ("tenant_id" = lectern_current_tenant() OR lectern_directory_access()) WITH CHECK ("tenant_id" = lectern_current_tenant() OR lectern_directory_access());--> statement-breakpoint
ALTER TABLE "invitations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invitations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invitations" USING ("tenant_id" = lectern_current_tenant() OR lectern_directory_access()) WITH CHECK ("tenant_id" = lectern_current_tenant() OR lectern_directory_access());--> statement-breakpoint
-- The event log's hot paths as functions, so that setting the tenant and the work
-- itself are one round trip (see db/eventLog.ts and docs/decisions/002).
CREATE OR REPLACE FUNCTION lectern_append_events(
  p_tenant uuid, p_session uuid, p_types text[], p_versions int[], p_actors uuid[],
  p_payloads jsonb[], p_updates bytea[], p_keys text[]
) RETURNS TABLE (id bigint, sequence bigint, occurred_at timestamptz)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
  n int := cardinality(p_types);
  base bigint;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  -- The row lock serialises writers of one session: sequences stay gap-free.
  UPDATE sessions SET last_event_seq = last_event_seq + n
  WHERE sessions.id = p_session AND sessions.tenant_id = p_tenant
  RETURNING last_event_seq - n INTO base;
  IF base IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY
  INSERT INTO session_state_events AS e
    (tenant_id, session_id, sequence, type, version, actor_user_id, payload, yjs_update, idempotency_key)
  SELECT p_tenant, p_session, base + b.ord, b.type, b.version, b.actor, b.payload, b.yjs, b.key
  FROM unnest(p_types, p_versions, p_actors, p_payloads, p_updates, p_keys)
    WITH ORDINALITY AS b(type, version, actor, payload, yjs, key, ord)
  RETURNING e.id, e.sequence, e.occurred_at;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION lectern_read_events(
  p_tenant uuid, p_session uuid, p_after bigint, p_limit int, p_keys text[]
) RETURNS SETOF session_state_events
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  IF p_keys IS NULL THEN
    RETURN QUERY SELECT * FROM session_state_events e
      WHERE e.session_id = p_session AND e.tenant_id = p_tenant AND e.sequence > p_after
      ORDER BY e.sequence LIMIT p_limit;
  ELSE
    RETURN QUERY SELECT * FROM session_state_events e
      WHERE e.session_id = p_session AND e.tenant_id = p_tenant AND e.idempotency_key = ANY (p_keys)
      ORDER BY e.sequence;
  END IF;
END
$$;
