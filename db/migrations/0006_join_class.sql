-- Joining a live class in one statement (db/liveClass.ts joinLiveClass): claim
-- the request's idempotency key, lock the class, check it is still live, mark
-- the person present and append participant.joined. Run in autocommit, the
-- class's lock is held only inside the statement and its commit: a class's
-- start, when everyone joins at once, never waits on the app between steps.
CREATE OR REPLACE FUNCTION lectern_join_class(
  p_tenant uuid, p_session uuid, p_user uuid, p_role text,
  p_version int, p_payload jsonb, p_key text, p_key_hash text
) RETURNS TABLE (outcome text, status text, sequence bigint, occurred_at timestamptz)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
  current_status text;
  stored_hash text;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  IF p_key IS NOT NULL THEN
    INSERT INTO idempotency_keys (tenant_id, key, request_hash, status_code, response)
    VALUES (p_tenant, p_key, p_key_hash, 200, jsonb_build_object('sessionId', p_session))
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
      SELECT k.request_hash INTO stored_hash FROM idempotency_keys k
      WHERE k.tenant_id = p_tenant AND k.key = p_key;
      IF stored_hash IS DISTINCT FROM p_key_hash THEN
        RETURN QUERY SELECT 'key_conflict'::text, NULL::text, NULL::bigint, NULL::timestamptz;
        RETURN;
      END IF;
    END IF;
  END IF;
  -- The class's lock first, as every lifecycle step takes it (see lockSession).
  SELECT s.status INTO current_status FROM sessions s
  WHERE s.id = p_session AND s.tenant_id = p_tenant
  FOR NO KEY UPDATE;
  IF current_status IS NULL THEN
    RETURN QUERY SELECT 'not_found'::text, NULL::text, NULL::bigint, NULL::timestamptz;
    RETURN;
  END IF;
  IF current_status <> 'live' THEN
    RETURN QUERY SELECT 'not_live'::text, current_status, NULL::bigint, NULL::timestamptz;
    RETURN;
  END IF;
  IF EXISTS (
    SELECT 1 FROM session_participants p
    WHERE p.session_id = p_session AND p.user_id = p_user
      AND p.joined_at IS NOT NULL AND p.left_at IS NULL
  ) THEN
    RETURN QUERY SELECT 'present'::text, current_status, NULL::bigint, NULL::timestamptz;
    RETURN;
  END IF;
  INSERT INTO session_participants AS p (tenant_id, session_id, user_id, role, joined_at, left_at)
  VALUES (p_tenant, p_session, p_user, p_role, now(), NULL)
  ON CONFLICT (session_id, user_id)
  DO UPDATE SET joined_at = now(), left_at = NULL, updated_at = now();
  RETURN QUERY
  SELECT 'joined'::text, current_status, a.sequence, a.occurred_at
  FROM lectern_append_events(
    p_tenant, p_session, ARRAY['participant.joined'], ARRAY[p_version], ARRAY[p_user],
    ARRAY[p_payload], ARRAY[NULL::bytea], ARRAY[NULL::text]
  ) a;
END
$$;
