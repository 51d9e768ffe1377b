-- safeupdate: hosted Supabase loads the safeupdate library in every API session (role
-- authenticator: session_preload_libraries = safeupdate). It refuses any UPDATE or DELETE without a
-- WHERE clause, also inside functions, so fleet_maintenance() (and robot_fleet_maintenance(), which
-- calls it) failed there with "UPDATE requires a WHERE clause" on its last statement.
--
-- Replaces (CREATE OR REPLACE, same signature and behaviour):
--   fleet_maintenance()  -> jsonb   its single-row state update now says WHERE id
--
-- The local stack refuses any migration that leaves a public function with an unqualified
-- UPDATE/DELETE (devstack MigrationRunner + UnqualifiedWriteCheck), so this cannot ship again.

CREATE OR REPLACE FUNCTION public.fleet_maintenance() RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  s public.fleet_settings;
  v_state public.fleet_maintenance_state;
  v_timed_out integer;
  v_offline uuid[];
  v_touched uuid[];
  v_requeued integer := 0;
  v_failed integer := 0;
  v_cancelled integer := 0;
  v_created integer;
  v_dropped integer;
  v_heartbeats integer;
  v_auth_total bigint;
  v_job record;
  v_after public.jobs;
  v_robot uuid;
  v_result jsonb;
BEGIN
  IF NOT pg_try_advisory_xact_lock(4851170002) THEN
    RETURN jsonb_build_object('skipped', true);
  END IF;
  SELECT * INTO s FROM public.fleet_settings;
  SELECT * INTO v_state FROM public.fleet_maintenance_state FOR UPDATE;

  WITH overdue AS (
    UPDATE public.jobs j
       SET status = 'timeout', completed_at = now(), lease_expires_at = NULL,
           error = format('timed out after %s s (timeout_seconds)', j.timeout_seconds)
     WHERE j.job_id IN (SELECT o.job_id FROM public.jobs o
                         WHERE o.status = 'running' AND o.timeout_seconds IS NOT NULL
                           AND o.started_at + make_interval(secs => o.timeout_seconds) < now()
                           FOR UPDATE SKIP LOCKED)
    RETURNING j.robot_uuid
  )
  SELECT count(*), coalesce(array_agg(DISTINCT robot_uuid), ARRAY[]::uuid[]) INTO v_timed_out, v_touched FROM overdue;

  WITH silent AS (
    UPDATE public.robots r
       SET status = 'offline'
     WHERE r.status <> 'offline'
       AND coalesce(r.last_heartbeat, r.last_seen, r.created_at)
           < now() - make_interval(secs => s.offline_threshold_seconds)
    RETURNING r.robot_id
  )
  SELECT coalesce(array_agg(robot_id), ARRAY[]::uuid[]) INTO v_offline FROM silent;

  FOR v_job IN
    SELECT j.job_id, j.robot_uuid, (j.robot_uuid = ANY (v_offline)) AS robot_offline
      FROM public.jobs j
     WHERE j.status IN ('claimed', 'running')
       AND (j.lease_expires_at < now() OR j.robot_uuid = ANY (v_offline))
       FOR UPDATE SKIP LOCKED
  LOOP
    v_after := public.retry_or_fail_job(
      v_job.job_id,
      CASE WHEN v_job.robot_offline THEN format('robot %s went offline (no heartbeat)', v_job.robot_uuid)
           ELSE format('lease expired: robot %s stopped renewing it', v_job.robot_uuid) END,
      jsonb_build_object('reason', CASE WHEN v_job.robot_offline THEN 'robot_offline' ELSE 'lease_expired' END,
                         'robot_id', v_job.robot_uuid));
    IF v_after.status = 'queued' THEN
      v_requeued := v_requeued + 1;
    ELSIF v_after.status = 'failed' THEN
      v_failed := v_failed + 1;
    ELSE
      v_cancelled := v_cancelled + 1;
    END IF;
    v_touched := v_touched || v_job.robot_uuid;
  END LOOP;

  FOR v_robot IN SELECT DISTINCT t FROM unnest(v_touched) t WHERE t IS NOT NULL LOOP
    PERFORM public.refresh_robot_status(v_robot);
  END LOOP;

  SELECT count(*) FILTER (WHERE p.status = 'created') INTO v_created
    FROM public.ensure_robot_logs_partitions(NULL, s.log_partition_days_ahead) p;
  SELECT count(*) FILTER (WHERE d.action = 'DROPPED') INTO v_dropped
    FROM public.drop_old_robot_logs_partitions(s.log_retention_days, false) d;

  DELETE FROM public.robot_heartbeats
   WHERE "timestamp" < now() - make_interval(hours => s.heartbeat_retention_hours);
  GET DIAGNOSTICS v_heartbeats = ROW_COUNT;

  SELECT CASE WHEN is_called THEN last_value ELSE 0 END INTO v_auth_total FROM public.robot_auth_failures_seq;
  IF v_auth_total > v_state.auth_failures_seen THEN
    INSERT INTO public.robot_api_key_audit (event_type, endpoint, details)
    VALUES ('auth_failure', 'robot rpc',
            jsonb_build_object('refused_calls', v_auth_total - v_state.auth_failures_seen,
                               'since', v_state.last_run_at));
  END IF;

  v_result := jsonb_build_object(
    'skipped', false,
    'requeued', v_requeued,
    'failed', v_failed,
    'cancelled', v_cancelled,
    'timed_out', v_timed_out,
    'robots_offline', cardinality(v_offline),
    'partitions_created', v_created,
    'partitions_dropped', v_dropped,
    'heartbeats_deleted', v_heartbeats,
    'ran_at', now());
  UPDATE public.fleet_maintenance_state
     SET last_run_at = now(), last_result = v_result, auth_failures_seen = greatest(v_auth_total, auth_failures_seen)
   WHERE id;
  RETURN v_result;
END
$$;
