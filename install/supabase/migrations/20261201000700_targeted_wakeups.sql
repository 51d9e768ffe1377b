-- Targeted wake-ups (issue 14: 1,000 robots). Before, every job that became queued and due was
-- announced on the public topic 'job-queue': every idle robot of the fleet woke and called
-- claim_jobs (~350 claims/s for ~1 job/s at 1,000 robots) and each job cost N+1 Realtime messages.
-- Now the database wakes only a few robots that can take the job, on their own topics.
--
--   fleet_settings.wakeup_mode    'targeted' (default) | 'broadcast' (the old behaviour, for a
--                                 fleet whose agents do not listen on robot:<id> for job_queued)
--   fleet_settings.wakeup_fanout  K, robots woken per job (default 2, 1..50)
--   job_wakeup_targets(job, K, free_slot => true)
--                                 up to K robot ids that claim_jobs would give the job to: live
--                                 (status online/busy, a heartbeat within min(offline threshold,
--                                 3 heartbeat intervals)), same tenant, environment, capabilities,
--                                 workflow assignment and node overrides as claim_jobs (routing as
--                                 robot_routing(), written inline: no function call per robot row),
--                                 a free slot (unless free_slot => false); idle robots (status
--                                 'online') first, random among equals. One pass over the tenant's
--                                 robot rows; the routing tests and a free-slot index probe stop
--                                 once K robots passed.
--   job_wakeup(job)               sends job_queued {job_id, priority, environment,
--                                 required_capabilities} on 'robot:<id>' to each target; nothing
--                                 when the robots that could take it are all full (they claim when
--                                 a slot frees); on 'job-queue' when no live robot could take it,
--                                 when targeting failed, or in 'broadcast' mode
--   jobs_realtime_hints(), jobs_rescue_hint()   replaced: announce through job_wakeup()
-- The database stays the truth: a lost hint costs latency only (robots still poll), and a failing
-- send is a warning that never fails the write.

ALTER TABLE public.fleet_settings
  ADD COLUMN IF NOT EXISTS wakeup_mode text NOT NULL DEFAULT 'targeted'
    CONSTRAINT fleet_settings_wakeup_mode CHECK (wakeup_mode IN ('targeted', 'broadcast')),
  ADD COLUMN IF NOT EXISTS wakeup_fanout integer NOT NULL DEFAULT 2
    CONSTRAINT fleet_settings_wakeup_fanout CHECK (wakeup_fanout BETWEEN 1 AND 50);

CREATE OR REPLACE FUNCTION public.job_wakeup_targets(
  p_job public.jobs, p_limit integer, p_free_slot boolean DEFAULT true)
RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  -- plpgsql, not sql: its plan is prepared once per session, not planned again on every insert
  RETURN QUERY
  WITH settings AS (
    SELECT now() - make_interval(secs => least(s.offline_threshold_seconds,
                                              3 * s.heartbeat_interval_seconds)) AS alive_since
      FROM public.fleet_settings s
  ), workflow AS (
    SELECT EXISTS (SELECT 1 FROM public.workflow_robot_assignments a
                    WHERE a.workflow_id = p_job.workflow_id) AS assigned,
           (SELECT array_agg(DISTINCT o.robot_id) FROM public.node_robot_overrides o
             WHERE o.workflow_id = p_job.workflow_id AND o.is_active AND o.robot_id IS NOT NULL) AS pinned,
           -- a robot must hold the job's capabilities and those of every active node override
           p_job.required_capabilities
             || (SELECT coalesce(jsonb_agg(c.value), '[]'::jsonb)
                   FROM public.node_robot_overrides o,
                        jsonb_array_elements(coalesce(o.required_capabilities, '[]'::jsonb)) c
                  WHERE o.workflow_id = p_job.workflow_id AND o.is_active) AS needs
  )
  -- One pass over the tenant's live robot rows with the cheap filters, shuffled (ids only) with
  -- idle robots ('online') ahead of busy ones; the routing tests (no function call per row) and
  -- the free-slot probe (idx_jobs_live_by_robot) then run in that order only until K passed.
  SELECT c.robot_id
    FROM (SELECT r.robot_id
            FROM public.robots r
           WHERE r.status IN ('online', 'busy')
             AND r.tenant_id IS NOT DISTINCT FROM p_job.tenant_id
             AND coalesce(r.last_heartbeat, r.last_seen, r.created_at) >= (SELECT alive_since FROM settings)
           ORDER BY r.status = 'online' DESC, random()
          OFFSET 0) shuffled
    CROSS JOIN LATERAL (
          SELECT r.robot_id, r.capabilities, r.reported_capabilities,
                 CASE WHEN r.environment = 'default'
                      THEN coalesce(nullif(btrim(r.reported_environment), ''), 'default')
                      ELSE r.environment END AS environment,
                 least(r.max_concurrent_jobs,
                       coalesce(r.reported_max_concurrent_jobs, r.max_concurrent_jobs)) AS max_jobs
            FROM public.robots r WHERE r.robot_id = shuffled.robot_id) c, workflow w
   WHERE (c.environment IN ('default', p_job.environment) OR p_job.environment = 'default')
     -- robot_routing's capabilities are operator's ∩ reported: holding `needs` means both do
     AND CASE WHEN c.reported_capabilities IS NULL THEN c.capabilities @> w.needs
              ELSE coalesce(c.capabilities, '[]'::jsonb) @> w.needs
                   AND c.reported_capabilities @> w.needs END
     AND (NOT w.assigned OR EXISTS (SELECT 1 FROM public.workflow_robot_assignments a
                                     WHERE a.workflow_id = p_job.workflow_id AND a.robot_id = c.robot_id))
     AND (w.pinned IS NULL OR (cardinality(w.pinned) = 1 AND w.pinned[1] = c.robot_id))
     AND (NOT p_free_slot
          OR (SELECT count(*) FROM public.jobs lj
               WHERE lj.robot_uuid = c.robot_id AND lj.status IN ('claimed', 'running')) < c.max_jobs)
   LIMIT greatest(p_limit, 0);
END
$$;

CREATE OR REPLACE FUNCTION public.job_wakeup(p_job public.jobs) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_payload jsonb := jsonb_build_object('job_id', p_job.job_id, 'priority', p_job.priority,
                                        'environment', p_job.environment,
                                        'required_capabilities', p_job.required_capabilities);
  v_mode text;
  v_fanout integer;
  v_targets uuid[] := ARRAY[]::uuid[];
  v_only_full boolean := false;
  v_robot uuid;
BEGIN
  SELECT s.wakeup_mode, s.wakeup_fanout INTO v_mode, v_fanout FROM public.fleet_settings s;
  IF v_mode IS DISTINCT FROM 'broadcast' THEN
    BEGIN
      SELECT coalesce(array_agg(t), ARRAY[]::uuid[]) INTO v_targets
        FROM public.job_wakeup_targets(p_job, coalesce(v_fanout, 2)) t;
      -- Robots that could take the job but are full claim it when a slot frees (the agent claims
      -- at once when a job ends): waking the whole fleet would cost N + 1 messages exactly when it
      -- is busiest and wake nobody with a free slot.
      v_only_full := cardinality(v_targets) = 0
                     AND EXISTS (SELECT 1 FROM public.job_wakeup_targets(p_job, 1, false));
    EXCEPTION WHEN OTHERS THEN
      RAISE WARNING 'targeted wake-up for job % failed, broadcasting: %', p_job.job_id, SQLERRM;
      v_targets := ARRAY[]::uuid[];
      v_only_full := false;
    END;
  END IF;
  IF v_only_full THEN
    RETURN;
  END IF;
  IF cardinality(v_targets) = 0 THEN
    PERFORM realtime.send(v_payload, 'job_queued', 'job-queue', false);
    RETURN;
  END IF;
  FOREACH v_robot IN ARRAY v_targets LOOP
    PERFORM realtime.send(v_payload, 'job_queued', 'robot:' || v_robot::text, false);
  END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION public.jobs_realtime_hints() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF to_regprocedure('realtime.send(jsonb,text,text,boolean)') IS NULL THEN
    RETURN NULL;
  END IF;
  BEGIN
    IF NEW.status = 'queued'
       AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'queued')
       AND (NEW.scheduled_time IS NULL OR NEW.scheduled_time <= now()) THEN
      PERFORM public.job_wakeup(NEW);
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.cancel_requested_at IS NOT NULL AND OLD.cancel_requested_at IS NULL
       AND NEW.status IN ('claimed', 'running') AND NEW.robot_uuid IS NOT NULL THEN
      PERFORM realtime.send(jsonb_build_object('job_id', NEW.job_id), 'cancel_job',
                            'robot:' || NEW.robot_uuid::text, false);
    END IF;
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'realtime hint for job % not sent: %', NEW.job_id, SQLERRM;
  END;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION public.jobs_rescue_hint() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF to_regprocedure('realtime.send(jsonb,text,text,boolean)') IS NULL THEN
    RETURN NULL;
  END IF;
  BEGIN
    PERFORM public.job_wakeup(NEW);
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'realtime hint for job % not sent: %', NEW.job_id, SQLERRM;
  END;
  RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION public.job_wakeup_targets(public.jobs, integer, boolean) FROM PUBLIC, anon, authenticated;
REVOKE ALL ON FUNCTION public.job_wakeup(public.jobs) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.job_wakeup_targets(public.jobs, integer, boolean) TO service_role;
GRANT EXECUTE ON FUNCTION public.job_wakeup(public.jobs) TO service_role;
