-- Operator RPCs (service role only; docs/RPC.md) and fleet maintenance.
--
-- Creates (CREATE OR REPLACE):
--   upsert_workflow(...)        -> uuid   (new workflow or a new version of one; workflow_versions row)
--   enqueue_job(...)            -> uuid   (status queued; defaults from the workflow)
--   cancel_job(job_id, reason)  -> jsonb  (queued: cancelled now; live: cancel_requested_at + hint)
--   fleet_maintenance()         -> jsonb  (one caller at a time; others get {skipped: true})
--   robot_fleet_maintenance()   -> jsonb  (robot RPC: runs fleet_maintenance() when it is due)

CREATE OR REPLACE FUNCTION public.upsert_workflow(
  p_workflow_name text,
  p_workflow_json jsonb,
  p_workflow_id uuid DEFAULT NULL,
  p_description text DEFAULT NULL,
  p_tenant_id uuid DEFAULT NULL)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_id uuid;
  v_version integer;
  v_by text := coalesce(auth.jwt() ->> 'sub', current_user);
BEGIN
  IF p_workflow_name IS NULL OR btrim(p_workflow_name) = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_workflow_name is required';
  END IF;
  IF p_workflow_json IS NULL OR jsonb_typeof(p_workflow_json) <> 'object' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = 'p_workflow_json must be a workflow JSON object ({metadata, nodes, connections, ...})';
  END IF;
  UPDATE public.workflows
     SET workflow_name = p_workflow_name,
         workflow_json = p_workflow_json,
         description = coalesce(p_description, description),
         tenant_id = coalesce(p_tenant_id, tenant_id),
         version = coalesce(version, 0) + 1
   WHERE workflow_id = p_workflow_id
  RETURNING workflow_id, version INTO v_id, v_version;
  IF NOT FOUND THEN
    INSERT INTO public.workflows (workflow_id, workflow_name, workflow_json, description, tenant_id, created_by)
    VALUES (coalesce(p_workflow_id, gen_random_uuid()), p_workflow_name, p_workflow_json, p_description,
            p_tenant_id, v_by)
    RETURNING workflow_id, version INTO v_id, v_version;
  END IF;
  INSERT INTO public.workflow_versions (workflow_id, version_number, workflow_json, change_description, created_by)
  VALUES (v_id, v_version, p_workflow_json, p_description, v_by)
  ON CONFLICT (workflow_id, version_number) DO NOTHING;
  RETURN v_id;
END
$$;

CREATE OR REPLACE FUNCTION public.enqueue_job(
  p_workflow_id uuid,
  p_payload jsonb DEFAULT '{}'::jsonb,
  p_priority integer DEFAULT 10,
  p_environment text DEFAULT 'default',
  p_required_capabilities jsonb DEFAULT '[]'::jsonb,
  p_scheduled_time timestamptz DEFAULT NULL,
  p_max_retries integer DEFAULT NULL,
  p_timeout_seconds integer DEFAULT NULL,
  p_workflow_json jsonb DEFAULT NULL)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_workflow public.workflows;
  v_job_id uuid;
BEGIN
  SELECT * INTO v_workflow FROM public.workflows WHERE workflow_id = p_workflow_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'PT404', MESSAGE = format('workflow %s not found', p_workflow_id),
      HINT = 'create it first with upsert_workflow';
  END IF;
  IF p_priority IS NULL OR p_priority < 0 OR p_priority > 20 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = format('p_priority must be 0..20 (higher runs first), got %s', p_priority);
  END IF;
  IF coalesce(btrim(p_environment), '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_environment must not be empty (use ''default'')';
  END IF;
  IF p_required_capabilities IS NOT NULL AND jsonb_typeof(p_required_capabilities) <> 'array' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_required_capabilities must be a JSON array of strings';
  END IF;
  IF p_payload IS NOT NULL AND jsonb_typeof(p_payload) <> 'object' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_payload must be a JSON object';
  END IF;
  IF p_max_retries IS NOT NULL AND (p_max_retries < 0 OR p_max_retries > 100) THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('p_max_retries must be 0..100, got %s', p_max_retries);
  END IF;
  IF p_timeout_seconds IS NOT NULL AND p_timeout_seconds < 1 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('p_timeout_seconds must be 1 or more, got %s', p_timeout_seconds);
  END IF;
  IF p_workflow_json IS NOT NULL AND jsonb_typeof(p_workflow_json) <> 'object' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_workflow_json must be a workflow JSON object';
  END IF;
  INSERT INTO public.jobs (workflow_id, workflow_name, status, priority, payload, environment,
                           required_capabilities, scheduled_time, max_retries, timeout_seconds,
                           workflow_json, tenant_id, created_by)
  VALUES (p_workflow_id, v_workflow.workflow_name, 'queued', p_priority, coalesce(p_payload, '{}'::jsonb),
          p_environment, coalesce(p_required_capabilities, '[]'::jsonb), p_scheduled_time,
          coalesce(p_max_retries, v_workflow.max_retries, 3),
          coalesce(p_timeout_seconds, v_workflow.timeout_seconds, 3600),
          p_workflow_json, v_workflow.tenant_id, coalesce(auth.jwt() ->> 'sub', current_user))
  RETURNING job_id INTO v_job_id;
  RETURN v_job_id;
END
$$;

-- Queued (or pending) jobs are cancelled at once. A claimed or running job gets
-- cancel_requested_at; its robot learns it from the cancel_job broadcast (a hint) and from its
-- next heartbeat or progress report, and confirms with finish_cancelled_job.
CREATE OR REPLACE FUNCTION public.cancel_job(p_job_id uuid, p_reason text DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_job public.jobs;
  v_reason text := coalesce(p_reason, 'cancelled by operator');
BEGIN
  SELECT * INTO v_job FROM public.jobs WHERE job_id = p_job_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'PT404', MESSAGE = format('job %s not found', p_job_id);
  END IF;
  IF v_job.status IN ('pending', 'queued') THEN
    UPDATE public.jobs
       SET status = 'cancelled', completed_at = now(), cancel_requested_at = now(), error = v_reason
     WHERE job_id = p_job_id
    RETURNING * INTO v_job;
  ELSIF v_job.status IN ('claimed', 'running') THEN
    UPDATE public.jobs
       SET cancel_requested_at = coalesce(cancel_requested_at, now()),
           metadata = coalesce(metadata, '{}'::jsonb) || jsonb_build_object('cancel_reason', v_reason)
     WHERE job_id = p_job_id
    RETURNING * INTO v_job;
  END IF;
  RETURN jsonb_build_object('job_id', v_job.job_id, 'status', v_job.status,
                            'cancel_requested', v_job.cancel_requested_at IS NOT NULL);
END
$$;

-- Heals the fleet; safe to call from many places at once (pg_cron, robots, operators): one caller
-- works, the others return {skipped: true} at once.
--   1. running jobs past started_at + timeout_seconds -> timeout
--   2. robots silent for offline_threshold_seconds -> offline
--   3. live jobs whose lease expired, or whose robot just went offline -> queued as a retry after
--      the backoff, failed when no retry is left, cancelled when a cancel was requested
--   4. log partitions kept ahead; partitions older than the retention dropped
--   5. heartbeat history older than heartbeat_retention_hours deleted
--   6. refused robot calls since the last run -> one auth_failure audit row
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
     SET last_run_at = now(), last_result = v_result, auth_failures_seen = greatest(v_auth_total, auth_failures_seen);
  RETURN v_result;
END
$$;

-- Robot RPC: lets the fleet heal itself where pg_cron is absent. Runs fleet_maintenance() only
-- when the last run is older than maintenance_interval_seconds and no one else is running it.
CREATE OR REPLACE FUNCTION public.robot_fleet_maintenance() RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
  v_last timestamptz;
  v_result jsonb;
BEGIN
  IF NOT pg_try_advisory_xact_lock(4851170002) THEN
    RETURN jsonb_build_object('ran', false, 'reason', 'another caller is running it');
  END IF;
  -- read after taking the lock: a run that just finished is visible now
  SELECT last_run_at INTO v_last FROM public.fleet_maintenance_state;
  IF v_last IS NOT NULL
     AND v_last >= now() - make_interval(secs => (SELECT maintenance_interval_seconds FROM public.fleet_settings)) THEN
    RETURN jsonb_build_object('ran', false, 'reason', 'not due', 'last_run_at', v_last);
  END IF;
  v_result := public.fleet_maintenance();
  RETURN jsonb_build_object('ran', NOT coalesce((v_result ->> 'skipped')::boolean, false)) || v_result;
END
$$;
