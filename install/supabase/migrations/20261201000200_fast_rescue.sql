-- Fast rescue of a dead robot's jobs (issue 14): a dead robot's job runs elsewhere within about
-- lease + one heartbeat (15-20 s at the defaults below) instead of ~66 s.
--
-- Where the time went (defaults before): the lease (60 s) expired up to 60 s after the robot's
-- last renewal; the requeue then waited for the next fleet_maintenance() (a survivor's heartbeat
-- saying it is due: up to one heartbeat + maintenance_interval later); the retry was scheduled
-- after the backoff (5 s), which the job_queued hint does not announce, so the survivor found it
-- on its next poll (5 s).
--
-- What changes:
--   1. Defaults: lease 15 s, heartbeat 5 s (a third of the lease: two missed beats still leave it
--      alive), offline threshold 30 s. An installation still on the old defaults (60/15/90) is
--      moved to the new ones; changed settings are left alone.
--   2. robot_heartbeat answers maintenance_due = true also when some live job's lease has expired
--      (one probe of the partial index idx_jobs_live_lease), so the survivors' next beat triggers
--      the rescue, whatever maintenance_interval_seconds says.
--   3. robot_fleet_maintenance first requeues expired leases through fleet_rescue_expired_leases():
--      the job did not fail, its robot vanished, so it is queued at once (no backoff; the attempt
--      still counts against max_retries, so a job that kills its robot stops after its retries)
--      and the job_queued hint wakes the survivors. The full fleet_maintenance() runs only when its
--      interval is due, as before.
--   4. The heartbeat history (robot_heartbeats) keeps one row per 15 s (3 beats) per robot, or at a
--      status change, so the shorter beat does not triple the history table's writes.
-- The lease stays the only evidence of death: nothing is requeued while its lease is alive.

ALTER TABLE public.fleet_settings
  ALTER COLUMN lease_seconds SET DEFAULT 15,
  ALTER COLUMN heartbeat_interval_seconds SET DEFAULT 5,
  ALTER COLUMN offline_threshold_seconds SET DEFAULT 30;

UPDATE public.fleet_settings
   SET lease_seconds = 15, heartbeat_interval_seconds = 5, offline_threshold_seconds = 30,
       updated_at = now()
 WHERE id AND lease_seconds = 60 AND heartbeat_interval_seconds = 15 AND offline_threshold_seconds = 90;

-- Requeues every live job whose lease expired, at once (no backoff), as a retry (or failed when no
-- retry is left, cancelled when a cancel was requested). Returns {requeued, failed, cancelled}.
-- Called under the maintenance advisory lock by robot_fleet_maintenance().
CREATE OR REPLACE FUNCTION public.fleet_rescue_expired_leases() RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_job record;
  v_after public.jobs;
  v_requeued integer := 0;
  v_failed integer := 0;
  v_cancelled integer := 0;
  v_robots uuid[] := ARRAY[]::uuid[];
  v_robot uuid;
BEGIN
  FOR v_job IN
    SELECT j.job_id, j.robot_uuid FROM public.jobs j
     WHERE j.status IN ('claimed', 'running') AND j.lease_expires_at < now()
     ORDER BY j.lease_expires_at
       FOR UPDATE SKIP LOCKED
  LOOP
    v_after := public.retry_or_fail_job(
      v_job.job_id,
      format('lease expired: robot %s stopped renewing it', v_job.robot_uuid),
      jsonb_build_object('reason', 'lease_expired', 'robot_id', v_job.robot_uuid, 'rescued', true));
    IF v_after.status = 'queued' THEN
      -- its robot vanished; the job itself did not fail: back in the queue now (fires job_queued)
      UPDATE public.jobs SET scheduled_time = now() WHERE job_id = v_job.job_id;
      v_requeued := v_requeued + 1;
    ELSIF v_after.status = 'failed' THEN
      v_failed := v_failed + 1;
    ELSE
      v_cancelled := v_cancelled + 1;
    END IF;
    v_robots := v_robots || v_job.robot_uuid;
  END LOOP;
  FOR v_robot IN SELECT DISTINCT t FROM unnest(v_robots) t WHERE t IS NOT NULL LOOP
    PERFORM public.refresh_robot_status(v_robot);
  END LOOP;
  RETURN jsonb_build_object('requeued', v_requeued, 'failed', v_failed, 'cancelled', v_cancelled);
END
$$;
REVOKE ALL ON FUNCTION public.fleet_rescue_expired_leases() FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.fleet_rescue_expired_leases() TO service_role;

-- The queued hint must fire when the requeued row becomes due now: jobs_realtime_hints sends
-- job_queued on the transition to 'queued' only when scheduled_time <= now(). retry_or_fail_job
-- set a future scheduled_time, so announce the rescued job here.
CREATE OR REPLACE FUNCTION public.jobs_rescue_hint() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF to_regprocedure('realtime.send(jsonb,text,text,boolean)') IS NULL THEN
    RETURN NULL;
  END IF;
  BEGIN
    PERFORM realtime.send(
      jsonb_build_object('job_id', NEW.job_id, 'priority', NEW.priority, 'environment', NEW.environment,
                         'required_capabilities', NEW.required_capabilities),
      'job_queued', 'job-queue', false);
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'realtime hint for job % not sent: %', NEW.job_id, SQLERRM;
  END;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION public.jobs_rescue_hint() FROM PUBLIC, anon, authenticated;
DROP TRIGGER IF EXISTS jobs_rescue_hint ON public.jobs;
CREATE TRIGGER jobs_rescue_hint AFTER UPDATE OF scheduled_time ON public.jobs
  FOR EACH ROW
  WHEN (NEW.status = 'queued' AND OLD.status = 'queued'
        AND OLD.scheduled_time > now() AND NEW.scheduled_time <= now())
  EXECUTE FUNCTION public.jobs_rescue_hint();

-- robot_heartbeat as in 20260101000005, plus: maintenance_due when a live lease has expired; the
-- history row only every 3 heartbeat intervals or at a status change.
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
  v_last_logged record;
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
  SELECT h."timestamp", h.status INTO v_last_logged
    FROM public.robot_heartbeats h WHERE h.robot_id = v_robot_id
   ORDER BY h."timestamp" DESC LIMIT 1;
  IF v_last_logged IS NULL OR v_last_logged.status IS DISTINCT FROM v_status
     OR v_last_logged."timestamp" <= now() - make_interval(
          secs => 3 * (SELECT heartbeat_interval_seconds FROM public.fleet_settings)) THEN
    INSERT INTO public.robot_heartbeats (robot_id, status, current_jobs, metrics, ip_address)
    VALUES (v_robot_id, v_status, cardinality(v_live), p_metrics, public.request_client_ip());
  END IF;
  SELECT s.last_run_at IS NULL
         OR s.last_run_at < now() - make_interval(secs => (SELECT maintenance_interval_seconds FROM public.fleet_settings))
         OR EXISTS (SELECT 1 FROM public.jobs e
                     WHERE e.status IN ('claimed', 'running') AND e.lease_expires_at < now())
    INTO v_due FROM public.fleet_maintenance_state s;
  RETURN jsonb_build_object(
    'server_time', now(),
    'lease_expires_at', v_lease_until,
    'cancel', v_cancel,
    'lost', v_lost,
    'maintenance_due', coalesce(v_due, true));
END
$$;

-- robot_fleet_maintenance as in 20260101000006, plus: expired leases are rescued on every call
-- (cheap when there are none: one index probe), the full maintenance only when due.
CREATE OR REPLACE FUNCTION public.robot_fleet_maintenance() RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
  v_last timestamptz;
  v_rescued jsonb;
  v_result jsonb;
BEGIN
  IF NOT pg_try_advisory_xact_lock(4851170002) THEN
    RETURN jsonb_build_object('ran', false, 'reason', 'another caller is running it');
  END IF;
  v_rescued := public.fleet_rescue_expired_leases();
  -- read after taking the lock: a run that just finished is visible now
  SELECT last_run_at INTO v_last FROM public.fleet_maintenance_state;
  IF v_last IS NOT NULL
     AND v_last >= now() - make_interval(secs => (SELECT maintenance_interval_seconds FROM public.fleet_settings)) THEN
    RETURN jsonb_build_object('ran', false, 'reason', 'not due', 'last_run_at', v_last,
                              'rescued', v_rescued);
  END IF;
  v_result := public.fleet_maintenance();
  RETURN jsonb_build_object('ran', NOT coalesce((v_result ->> 'skipped')::boolean, false),
                            'rescued', v_rescued) || v_result;
END
$$;
