-- Robot RPCs (docs/RPC.md): called by the agent as `anon` with header x-robot-api-key.
-- Every robot RPC is SECURITY DEFINER with search_path public, pg_temp, resolves the calling robot
-- with authenticate_robot() (PT401 otherwise) and acts only on that robot's rows. The internal
-- helpers created here are not callable by the API roles (REVOKEd in 20260101000008_security.sql;
-- add any new helper to that list, since PostgreSQL grants EXECUTE to PUBLIC by default).
--
-- Job writes are fenced: a write succeeds only while jobs.robot_uuid is the caller, claim_token
-- matches and the status is live (claimed/running); otherwise SQLSTATE PT409 'lease lost'.
-- Every successful fenced write renews the lease.
--
-- Lock order (no deadlocks): a job row before its robot row. claim_jobs locks the robot first but
-- never waits for a job row (SKIP LOCKED).
--
-- Creates (CREATE OR REPLACE):
--   robot_register, robot_heartbeat, claim_jobs, start_job, report_job_progress, complete_job,
--   fail_job, release_job, finish_cancelled_job, robot_offline, robot_fleet_maintenance (in
--   20260101000006, beside fleet_maintenance), and the internal lock_fenced_job(),
--   refresh_robot_status(), claimed_job_json().

CREATE OR REPLACE FUNCTION public.lock_fenced_job(p_robot_id uuid, p_job_id uuid, p_claim_token uuid)
RETURNS public.jobs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_job public.jobs;
BEGIN
  IF p_job_id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_job_id is required';
  END IF;
  IF p_claim_token IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_claim_token is required (from claim_jobs)';
  END IF;
  SELECT * INTO v_job FROM public.jobs WHERE job_id = p_job_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'PT404', MESSAGE = format('job %s not found', p_job_id);
  END IF;
  IF v_job.robot_uuid IS DISTINCT FROM p_robot_id
     OR v_job.claim_token IS DISTINCT FROM p_claim_token
     OR v_job.status NOT IN ('claimed', 'running') THEN
    RAISE EXCEPTION USING ERRCODE = 'PT409', MESSAGE = 'lease lost',
      DETAIL = format('job %s is %s and this claim no longer holds it', p_job_id, v_job.status),
      HINT = 'abandon the job: another claim or an operator owns it now';
  END IF;
  RETURN v_job;
END
$$;

-- busy while the robot holds a live job, online otherwise; error/maintenance/offline are kept.
CREATE OR REPLACE FUNCTION public.refresh_robot_status(p_robot_id uuid) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  UPDATE public.robots r
     SET status = s.wanted
    FROM (SELECT CASE WHEN EXISTS (SELECT 1 FROM public.jobs j
                                    WHERE j.robot_uuid = p_robot_id AND j.status IN ('claimed', 'running'))
                      THEN 'busy' ELSE 'online' END AS wanted) s
   WHERE r.robot_id = p_robot_id AND r.status IN ('online', 'busy') AND r.status <> s.wanted
$$;

CREATE OR REPLACE FUNCTION public.robot_register(
  p_hostname text,
  p_capabilities jsonb DEFAULT '[]'::jsonb,
  p_environment text DEFAULT 'default',
  p_max_concurrent_jobs integer DEFAULT 1,
  p_agent_version text DEFAULT NULL,
  p_metadata jsonb DEFAULT '{}'::jsonb,
  p_tags jsonb DEFAULT '[]'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
  v_robot public.robots;
  v_live jsonb;
BEGIN
  IF p_hostname IS NULL OR btrim(p_hostname) = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_hostname is required';
  END IF;
  IF p_capabilities IS NOT NULL AND (jsonb_typeof(p_capabilities) <> 'array' OR EXISTS (
       SELECT 1 FROM jsonb_array_elements(p_capabilities) c WHERE jsonb_typeof(c) <> 'string')) THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_capabilities must be a JSON array of strings';
  END IF;
  IF coalesce(btrim(p_environment), '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_environment must not be empty (use ''default'')';
  END IF;
  IF p_max_concurrent_jobs IS NULL OR p_max_concurrent_jobs < 0 OR p_max_concurrent_jobs > 1000 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_max_concurrent_jobs must be 0..1000';
  END IF;
  IF p_metadata IS NOT NULL AND jsonb_typeof(p_metadata) <> 'object' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_metadata must be a JSON object';
  END IF;
  IF p_tags IS NOT NULL AND jsonb_typeof(p_tags) <> 'array' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_tags must be a JSON array';
  END IF;
  SELECT coalesce(jsonb_agg(jsonb_build_object('job_id', j.job_id, 'claim_token', j.claim_token,
                                               'status', j.status) ORDER BY j.claimed_at), '[]'::jsonb)
    INTO v_live
    FROM public.jobs j WHERE j.robot_uuid = v_robot_id AND j.status IN ('claimed', 'running');
  UPDATE public.robots
     SET hostname = p_hostname,
         capabilities = coalesce(p_capabilities, '[]'::jsonb),
         environment = p_environment,
         max_concurrent_jobs = p_max_concurrent_jobs,
         agent_version = p_agent_version,
         metadata = coalesce(p_metadata, '{}'::jsonb),
         tags = coalesce(p_tags, '[]'::jsonb),
         status = CASE WHEN jsonb_array_length(v_live) > 0 THEN 'busy' ELSE 'online' END,
         current_job_ids = (SELECT coalesce(jsonb_agg(e -> 'job_id'), '[]'::jsonb) FROM jsonb_array_elements(v_live) e),
         last_heartbeat = now(),
         last_seen = now()
   WHERE robot_id = v_robot_id
  RETURNING * INTO v_robot;
  RETURN jsonb_build_object(
    'robot', to_jsonb(v_robot),
    'settings', public.fleet_settings_json(),
    'server_time', now(),
    -- jobs this robot still holds from an earlier run: release or resume them with their tokens
    'live_jobs', v_live);
END
$$;

CREATE OR REPLACE FUNCTION public.robot_heartbeat(
  p_status text DEFAULT NULL,
  p_metrics jsonb DEFAULT '{}'::jsonb,
  p_jobs jsonb DEFAULT '[]'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
  v_lease_until timestamptz := now() + public.fleet_lease_interval();
  v_renewed uuid[];
  v_lost jsonb;
  v_cancel jsonb;
  v_live uuid[];
  v_status text;
  v_due boolean;
BEGIN
  IF p_status IS NOT NULL AND p_status NOT IN ('online', 'idle', 'busy', 'error', 'maintenance') THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = format('p_status must be online, busy, error or maintenance, got %s', p_status);
  END IF;
  IF p_jobs IS NOT NULL AND jsonb_typeof(p_jobs) <> 'array' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_jobs must be a JSON array of {job_id, claim_token}';
  END IF;
  IF p_metrics IS NOT NULL AND jsonb_typeof(p_metrics) <> 'object' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_metrics must be a JSON object';
  END IF;
  -- job rows first (lock order), then the robot row
  WITH listed AS (
    SELECT x.job_id, x.claim_token FROM jsonb_to_recordset(coalesce(p_jobs, '[]'::jsonb)) AS x(job_id uuid, claim_token uuid)
  ), renewed AS (
    UPDATE public.jobs j SET lease_expires_at = v_lease_until
      FROM listed
     WHERE j.job_id = listed.job_id AND j.claim_token = listed.claim_token
       AND j.robot_uuid = v_robot_id AND j.status IN ('claimed', 'running')
    RETURNING j.job_id
  )
  SELECT coalesce(array_agg(r.job_id), ARRAY[]::uuid[]),
         (SELECT coalesce(jsonb_agg(DISTINCT l.job_id), '[]'::jsonb) FROM listed l
           WHERE l.job_id IS NOT NULL AND l.job_id NOT IN (SELECT job_id FROM renewed))
    INTO v_renewed, v_lost
    FROM renewed r;
  SELECT coalesce(array_agg(j.job_id ORDER BY j.claimed_at), ARRAY[]::uuid[]),
         coalesce(jsonb_agg(j.job_id) FILTER (WHERE j.cancel_requested_at IS NOT NULL), '[]'::jsonb)
    INTO v_live, v_cancel
    FROM public.jobs j WHERE j.robot_uuid = v_robot_id AND j.status IN ('claimed', 'running');
  v_status := CASE WHEN p_status IN ('error', 'maintenance') THEN p_status
                   WHEN cardinality(v_live) > 0 THEN 'busy' ELSE 'online' END;
  UPDATE public.robots
     SET status = v_status,
         metrics = coalesce(p_metrics, metrics),
         current_job_ids = to_jsonb(v_live),
         last_heartbeat = now(),
         last_seen = now()
   WHERE robot_id = v_robot_id;
  INSERT INTO public.robot_heartbeats (robot_id, status, current_jobs, metrics, ip_address)
  VALUES (v_robot_id, v_status, cardinality(v_live), p_metrics, public.request_client_ip());
  SELECT s.last_run_at IS NULL
         OR s.last_run_at < now() - make_interval(secs => (SELECT maintenance_interval_seconds FROM public.fleet_settings))
    INTO v_due FROM public.fleet_maintenance_state s;
  RETURN jsonb_build_object(
    'server_time', now(),
    'lease_expires_at', v_lease_until,
    'cancel', v_cancel,
    'lost', v_lost,
    'maintenance_due', coalesce(v_due, true));
END
$$;

CREATE OR REPLACE FUNCTION public.claimed_job_json(j public.jobs, w public.workflows) RETURNS jsonb
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = public, pg_temp AS $$
  SELECT jsonb_build_object(
    'job_id', j.job_id,
    'claim_token', j.claim_token,
    'attempt', j.attempt,
    'workflow_id', j.workflow_id,
    'workflow_name', coalesce(j.workflow_name, w.workflow_name),
    'payload', coalesce(j.payload, '{}'::jsonb),
    'workflow_json', coalesce(j.workflow_json, w.workflow_json),
    'timeout_seconds', j.timeout_seconds,
    'priority', j.priority,
    'environment', j.environment,
    'required_capabilities', j.required_capabilities,
    'lease_expires_at', j.lease_expires_at,
    'max_retries', j.max_retries,
    'retry_count', j.retry_count)
$$;

-- Claims up to p_limit eligible jobs (CONTRACT.md §4) in one statement. Eligible: queued, due,
-- environment rule (robot 'default' takes any; robot E takes E and 'default'), same tenant, the
-- robot has every required capability (job's and the workflow's active node overrides'), the
-- workflow's assignments (if any) include the robot, an override pinning a robot pins the job.
-- At most the robot's free slots (max_concurrent_jobs - live jobs). Order: priority DESC,
-- created_at ASC. A robot in status error or maintenance claims nothing.
CREATE OR REPLACE FUNCTION public.claim_jobs(p_limit integer DEFAULT 1) RETURNS SETOF jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
  v_lease interval := public.fleet_lease_interval();
  v_status text;
BEGIN
  IF p_limit IS NULL OR p_limit < 1 OR p_limit > 100 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('p_limit must be 1..100, got %s', p_limit);
  END IF;
  -- Serialise the claims of one robot: the claim statement below then counts the robot's live
  -- jobs from a snapshot taken after any earlier claim of the same robot committed.
  SELECT status INTO v_status FROM public.robots WHERE robot_id = v_robot_id FOR UPDATE;
  IF v_status IN ('error', 'maintenance') THEN
    RETURN;
  END IF;
  RETURN QUERY
  WITH me AS (
    SELECT r.robot_id, r.environment, r.capabilities, r.tenant_id,
           greatest(0, r.max_concurrent_jobs - (SELECT count(*) FROM public.jobs lj
                                                 WHERE lj.robot_uuid = r.robot_id
                                                   AND lj.status IN ('claimed', 'running')))::integer AS free_slots
      FROM public.robots r WHERE r.robot_id = v_robot_id
  ), picked AS (
    SELECT j.job_id
      FROM public.jobs j, me
     WHERE j.status = 'queued'
       AND (j.scheduled_time IS NULL OR j.scheduled_time <= now())
       AND (me.environment = 'default' OR j.environment = me.environment OR j.environment = 'default')
       AND j.tenant_id IS NOT DISTINCT FROM me.tenant_id
       AND me.capabilities @> j.required_capabilities
       AND (NOT EXISTS (SELECT 1 FROM public.workflow_robot_assignments a WHERE a.workflow_id = j.workflow_id)
            OR EXISTS (SELECT 1 FROM public.workflow_robot_assignments a
                        WHERE a.workflow_id = j.workflow_id AND a.robot_id = me.robot_id))
       AND NOT EXISTS (SELECT 1 FROM public.node_robot_overrides o
                        WHERE o.workflow_id = j.workflow_id AND o.is_active
                          AND ((o.robot_id IS NOT NULL AND o.robot_id <> me.robot_id)
                               OR NOT me.capabilities @> coalesce(o.required_capabilities, '[]'::jsonb)))
     ORDER BY j.priority DESC, j.created_at ASC
     LIMIT least(p_limit, coalesce((SELECT free_slots FROM me), 0))
       FOR UPDATE OF j SKIP LOCKED
  ), claimed AS (
    UPDATE public.jobs j
       SET status = 'claimed',
           robot_uuid = v_robot_id,
           robot_id = v_robot_id::text,
           claim_token = gen_random_uuid(),
           attempt = j.attempt + 1,
           claimed_at = now(),
           started_at = NULL,
           lease_expires_at = now() + v_lease,
           progress = 0,
           current_node = ''
      FROM picked
     WHERE j.job_id = picked.job_id
    RETURNING j AS job, j.workflow_id, j.priority, j.created_at
  ), robot AS (
    UPDATE public.robots r
       SET status = 'busy', last_seen = now()
     WHERE r.robot_id = v_robot_id AND EXISTS (SELECT 1 FROM claimed)
  )
  SELECT public.claimed_job_json(c.job, w)
    FROM claimed c LEFT JOIN public.workflows w ON w.workflow_id = c.workflow_id
   ORDER BY c.priority DESC, c.created_at ASC;
END
$$;

CREATE OR REPLACE FUNCTION public.start_job(p_job_id uuid, p_claim_token uuid) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
  v_job public.jobs := public.lock_fenced_job(v_robot_id, p_job_id, p_claim_token);
BEGIN
  UPDATE public.jobs
     SET status = 'running',
         started_at = coalesce(started_at, now()),
         lease_expires_at = now() + public.fleet_lease_interval()
   WHERE job_id = p_job_id
  RETURNING * INTO v_job;
  RETURN jsonb_build_object('job_id', v_job.job_id, 'status', v_job.status,
                            'started_at', v_job.started_at, 'lease_expires_at', v_job.lease_expires_at,
                            'cancel_requested', v_job.cancel_requested_at IS NOT NULL);
END
$$;

CREATE OR REPLACE FUNCTION public.report_job_progress(
  p_job_id uuid,
  p_claim_token uuid,
  p_progress integer,
  p_current_node text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
  v_job public.jobs;
BEGIN
  IF p_progress IS NULL OR p_progress < 0 OR p_progress > 100 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('p_progress must be 0..100, got %s', p_progress);
  END IF;
  v_job := public.lock_fenced_job(v_robot_id, p_job_id, p_claim_token);
  UPDATE public.jobs
     SET progress = p_progress,
         current_node = coalesce(left(p_current_node, 255), current_node),
         lease_expires_at = now() + public.fleet_lease_interval()
   WHERE job_id = p_job_id;
  RETURN jsonb_build_object('job_id', p_job_id, 'cancel_requested', v_job.cancel_requested_at IS NOT NULL);
END
$$;

CREATE OR REPLACE FUNCTION public.complete_job(p_job_id uuid, p_claim_token uuid, p_result jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
  v_job public.jobs := public.lock_fenced_job(v_robot_id, p_job_id, p_claim_token);
BEGIN
  UPDATE public.jobs
     SET status = 'completed',
         completed_at = now(),
         result = coalesce(p_result, '{}'::jsonb),
         progress = 100,
         duration_ms = least(extract(epoch FROM now() - coalesce(started_at, claimed_at, now())) * 1000,
                             2147483647)::integer,
         lease_expires_at = NULL
   WHERE job_id = p_job_id;
  PERFORM public.refresh_robot_status(v_robot_id);
  RETURN jsonb_build_object('job_id', p_job_id, 'status', 'completed');
END
$$;

-- Takes a live, locked job back: queued again as a retry after the backoff while retries remain
-- (retry_count < max_retries), else failed; cancelled instead when an operator asked to cancel it.
-- Used by fail_job and fleet_maintenance().
CREATE OR REPLACE FUNCTION public.retry_or_fail_job(p_job_id uuid, p_error text, p_error_details jsonb)
RETURNS public.jobs
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  UPDATE public.jobs j
     SET status = CASE WHEN d.cancel THEN 'cancelled' WHEN d.retry THEN 'queued' ELSE 'failed' END,
         scheduled_time = CASE WHEN d.retry THEN now() + public.fleet_retry_backoff(j.retry_count)
                               ELSE j.scheduled_time END,
         retry_count = CASE WHEN d.retry THEN j.retry_count + 1 ELSE j.retry_count END,
         completed_at = CASE WHEN d.retry THEN NULL ELSE now() END,
         robot_uuid = CASE WHEN d.retry THEN NULL ELSE j.robot_uuid END,
         robot_id = CASE WHEN d.retry THEN NULL ELSE j.robot_id END,
         claim_token = CASE WHEN d.retry THEN NULL ELSE j.claim_token END,
         started_at = CASE WHEN d.retry THEN NULL ELSE j.started_at END,
         lease_expires_at = NULL,
         error = p_error,
         error_details = p_error_details
    FROM (SELECT o.cancel_requested_at IS NOT NULL AS cancel,
                 o.cancel_requested_at IS NULL AND o.retry_count < o.max_retries AS retry
            FROM public.jobs o WHERE o.job_id = p_job_id) d
   WHERE j.job_id = p_job_id
  RETURNING j.*
$$;

CREATE OR REPLACE FUNCTION public.fail_job(
  p_job_id uuid,
  p_claim_token uuid,
  p_error_message text,
  p_error_details jsonb DEFAULT NULL,
  p_retryable boolean DEFAULT true,
  p_timed_out boolean DEFAULT false)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
  v_job public.jobs;
BEGIN
  IF p_error_message IS NULL OR btrim(p_error_message) = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_error_message is required (say why the job failed)';
  END IF;
  v_job := public.lock_fenced_job(v_robot_id, p_job_id, p_claim_token);
  IF coalesce(p_timed_out, false) THEN
    UPDATE public.jobs
       SET status = 'timeout', completed_at = now(), lease_expires_at = NULL,
           error = p_error_message, error_details = p_error_details
     WHERE job_id = p_job_id
    RETURNING * INTO v_job;
  ELSIF coalesce(p_retryable, true) THEN
    v_job := public.retry_or_fail_job(p_job_id, p_error_message, p_error_details);
  ELSE
    UPDATE public.jobs
       SET status = 'failed', completed_at = now(), lease_expires_at = NULL,
           error = p_error_message, error_details = p_error_details
     WHERE job_id = p_job_id
    RETURNING * INTO v_job;
  END IF;
  PERFORM public.refresh_robot_status(v_robot_id);
  RETURN jsonb_build_object('job_id', p_job_id, 'status', v_job.status,
                            'retry_at', CASE WHEN v_job.status = 'queued' THEN v_job.scheduled_time END);
END
$$;

-- Back to the queue without using a retry (graceful shutdown, a job this robot cannot run now).
CREATE OR REPLACE FUNCTION public.release_job(p_job_id uuid, p_claim_token uuid, p_reason text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
  v_job public.jobs := public.lock_fenced_job(v_robot_id, p_job_id, p_claim_token);
BEGIN
  UPDATE public.jobs
     SET status = 'queued',
         robot_uuid = NULL,
         robot_id = NULL,
         claim_token = NULL,
         lease_expires_at = NULL,
         started_at = NULL,
         progress = 0,
         current_node = '',
         metadata = coalesce(metadata, '{}'::jsonb) || jsonb_build_object('last_release',
                      jsonb_build_object('robot_id', v_robot_id, 'reason', p_reason, 'at', now()))
   WHERE job_id = p_job_id;
  PERFORM public.refresh_robot_status(v_robot_id);
  RETURN jsonb_build_object('job_id', p_job_id, 'status', 'queued');
END
$$;

-- The robot stopped the job because it was asked to (cancel_requested_at) or chose to.
CREATE OR REPLACE FUNCTION public.finish_cancelled_job(p_job_id uuid, p_claim_token uuid, p_result jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
  v_job public.jobs := public.lock_fenced_job(v_robot_id, p_job_id, p_claim_token);
BEGIN
  UPDATE public.jobs
     SET status = 'cancelled',
         completed_at = now(),
         cancel_requested_at = coalesce(cancel_requested_at, now()),
         result = coalesce(p_result, result),
         lease_expires_at = NULL
   WHERE job_id = p_job_id;
  PERFORM public.refresh_robot_status(v_robot_id);
  RETURN jsonb_build_object('job_id', p_job_id, 'status', 'cancelled');
END
$$;

-- Clean shutdown: the robot is offline; its jobs stay as they are (release is explicit).
CREATE OR REPLACE FUNCTION public.robot_offline() RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
BEGIN
  UPDATE public.robots SET status = 'offline', last_seen = now() WHERE robot_id = v_robot_id;
  RETURN jsonb_build_object('robot_id', v_robot_id, 'status', 'offline');
END
$$;
