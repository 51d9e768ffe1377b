-- Schedules fire jobs, with no orchestrator: whoever runs fleet_maintenance() (pg_cron where it
-- exists, otherwise one robot at a time through robot_fleet_maintenance()) fires the schedules that
-- are due, and jobs inserted with the table default status 'pending' are promoted to 'queued'.
--
-- Cron expressions: the five Unix fields "minute hour day-of-month month day-of-week" with
--   *  lists a,b  ranges a-b  steps */n a-b/n a/n  month names JAN-DEC  day names SUN-SAT  0 or 7 =
--   Sunday, and the nicknames @yearly @annually @monthly @weekly @daily @midnight @hourly.
--   When both day-of-month and day-of-week are restricted (neither starts with *), a day matches
--   either of them (as Vixie cron and cron-utils' UNIX definition do); otherwise both must match.
--   Times are wall-clock times in the schedule's time zone (schedules.timezone, an IANA name,
--   default UTC): a time that a daylight-saving jump skips runs at the same instant PostgreSQL
--   gives that local time (one hour later); a repeated local time runs once.
--
-- Exactly once per due time: a schedule row is locked (FOR UPDATE SKIP LOCKED) while its job is
-- inserted and next_run_at is moved past the current time, in one transaction; concurrent callers
-- skip the row or see it already moved.
-- Misfire policy: after downtime (nobody ran maintenance for a while) a schedule fires ONE
-- catch-up job for all the due times it missed (metadata.missed_runs counts the others), then
-- continues from the next due time after now.
--
-- Adds:
--   schedules.timezone text NOT NULL DEFAULT 'UTC', schedules.last_job_id uuid
--   cron_field_values(field, lo, hi, names)          -> int[]  (one field; PT400 on bad input)
--   cron_next_run(expression, after, timezone)       -> timestamptz  (first due time after `after`)
--   trigger schedules_compute_next_run: validates expression and time zone (PT400), sets next_run_at
--   fire_due_schedules(p_now)                        -> int  (jobs enqueued; service role; p_now
--                                                           lets tests drive the clock)
-- Replaces fleet_maintenance(): also promotes due 'pending' jobs and fires due schedules.

ALTER TABLE public.schedules ADD COLUMN IF NOT EXISTS timezone text NOT NULL DEFAULT 'UTC';
ALTER TABLE public.schedules ADD COLUMN IF NOT EXISTS last_job_id uuid;

CREATE OR REPLACE FUNCTION public.cron_field_values(p_field text, p_lo integer, p_hi integer, p_names text[])
RETURNS integer[]
LANGUAGE plpgsql IMMUTABLE SET search_path = public, pg_temp AS $$
DECLARE
  v_item text;
  v_range text;
  v_step integer;
  v_from integer;
  v_to integer;
  v_parts text[];
  v_values integer[] := ARRAY[]::integer[];
BEGIN
  IF p_field IS NULL OR p_field = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'empty cron field';
  END IF;
  FOREACH v_item IN ARRAY string_to_array(upper(p_field), ',') LOOP
    v_parts := string_to_array(v_item, '/');
    IF cardinality(v_parts) > 2 THEN
      RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('cron field item "%s" has more than one /', v_item);
    END IF;
    v_range := v_parts[1];
    v_step := 1;
    IF cardinality(v_parts) = 2 THEN
      IF v_parts[2] !~ '^\d{1,4}$' OR v_parts[2]::integer = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('cron step "%s" must be a positive number', v_parts[2]);
      END IF;
      v_step := v_parts[2]::integer;
    END IF;
    IF v_range = '*' THEN
      v_from := p_lo;
      v_to := p_hi;
    ELSE
      v_parts := string_to_array(v_range, '-');
      IF cardinality(v_parts) > 2 OR v_range = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('cron range "%s" is not a or a-b', v_range);
      END IF;
      v_from := public.cron_field_number(v_parts[1], p_lo, p_hi, p_names);
      IF cardinality(v_parts) = 2 THEN
        v_to := public.cron_field_number(v_parts[2], p_lo, p_hi, p_names);
      ELSIF cardinality(string_to_array(v_item, '/')) = 2 THEN
        v_to := p_hi;  -- a/n: from a to the end of the field
      ELSE
        v_to := v_from;
      END IF;
      IF v_to < v_from THEN
        RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('cron range "%s" runs backwards', v_range);
      END IF;
    END IF;
    v_values := v_values || ARRAY(SELECT generate_series(v_from, v_to, v_step));
  END LOOP;
  RETURN ARRAY(SELECT DISTINCT v FROM unnest(v_values) v ORDER BY v);
END
$$;

-- One number or name of a field, checked against the field's bounds.
CREATE OR REPLACE FUNCTION public.cron_field_number(p_text text, p_lo integer, p_hi integer, p_names text[])
RETURNS integer
LANGUAGE plpgsql IMMUTABLE SET search_path = public, pg_temp AS $$
DECLARE
  v integer;
BEGIN
  IF p_text ~ '^\d{1,4}$' THEN
    v := p_text::integer;
  ELSIF p_names IS NOT NULL AND array_position(p_names, p_text) IS NOT NULL THEN
    v := array_position(p_names, p_text) - 1 + p_lo;
  ELSE
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('cron value "%s" is not a number%s', p_text,
      CASE WHEN p_names IS NULL THEN '' ELSE ' or one of ' || array_to_string(p_names, ' ') END);
  END IF;
  IF v < p_lo OR v > p_hi THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('cron value %s is outside %s-%s', v, p_lo, p_hi);
  END IF;
  RETURN v;
END
$$;

-- The first due time strictly after p_after (whole minutes, wall clock in p_timezone).
CREATE OR REPLACE FUNCTION public.cron_next_run(p_expression text, p_after timestamptz, p_timezone text DEFAULT 'UTC')
RETURNS timestamptz
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
  v_expr text := btrim(regexp_replace(coalesce(p_expression, ''), '\s+', ' ', 'g'));
  v_fields text[];
  v_minutes integer[];
  v_hours integer[];
  v_doms integer[];
  v_months integer[];
  v_dows integer[];
  v_dom_any boolean;
  v_dow_any boolean;
  v_start timestamp;
  v_day date;
  v_day_ok boolean;
  v_h integer;
  v_m integer;
  v_local timestamp;
  v_at timestamptz;
BEGIN
  IF p_after IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'cron_next_run needs a start time';
  END IF;
  BEGIN
    PERFORM p_after AT TIME ZONE p_timezone;
    IF p_timezone IS NULL THEN
      RAISE EXCEPTION 'null';
    END IF;
  EXCEPTION WHEN OTHERS THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = format('unknown time zone "%s": use an IANA name such as UTC or Europe/Istanbul', p_timezone);
  END;
  v_expr := CASE lower(v_expr)
              WHEN '@yearly' THEN '0 0 1 1 *' WHEN '@annually' THEN '0 0 1 1 *'
              WHEN '@monthly' THEN '0 0 1 * *' WHEN '@weekly' THEN '0 0 * * 0'
              WHEN '@daily' THEN '0 0 * * *' WHEN '@midnight' THEN '0 0 * * *'
              WHEN '@hourly' THEN '0 * * * *' ELSE v_expr END;
  v_fields := string_to_array(v_expr, ' ');
  IF cardinality(v_fields) IS DISTINCT FROM 5 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = format('cron expression "%s" needs 5 fields: minute hour day-of-month month day-of-week', p_expression);
  END IF;
  v_minutes := public.cron_field_values(v_fields[1], 0, 59, NULL);
  v_hours := public.cron_field_values(v_fields[2], 0, 23, NULL);
  v_doms := public.cron_field_values(v_fields[3], 1, 31, NULL);
  v_months := public.cron_field_values(v_fields[4], 1, 12,
                ARRAY['JAN','FEB','MAR','APR','MAY','JUN','JUL','AUG','SEP','OCT','NOV','DEC']);
  v_dows := public.cron_field_values(v_fields[5], 0, 7, ARRAY['SUN','MON','TUE','WED','THU','FRI','SAT']);
  v_dows := ARRAY(SELECT DISTINCT d % 7 FROM unnest(v_dows) d);
  v_dom_any := left(v_fields[3], 1) = '*';
  v_dow_any := left(v_fields[5], 1) = '*';

  v_start := date_trunc('minute', p_after AT TIME ZONE p_timezone) + interval '1 minute';
  -- 8 years covers every satisfiable expression (29 February on a given weekday included)
  FOR v_i IN 0 .. 366 * 8 LOOP
    v_day := v_start::date + v_i;
    CONTINUE WHEN NOT (extract(month FROM v_day)::integer = ANY (v_months));
    IF v_dom_any OR v_dow_any THEN
      v_day_ok := extract(day FROM v_day)::integer = ANY (v_doms)
                  AND extract(dow FROM v_day)::integer = ANY (v_dows);
    ELSE
      v_day_ok := extract(day FROM v_day)::integer = ANY (v_doms)
                  OR extract(dow FROM v_day)::integer = ANY (v_dows);
    END IF;
    CONTINUE WHEN NOT v_day_ok;
    FOREACH v_h IN ARRAY v_hours LOOP
      CONTINUE WHEN v_day + make_interval(hours => v_h, mins => 59) < v_start;
      FOREACH v_m IN ARRAY v_minutes LOOP
        v_local := v_day + make_interval(hours => v_h, mins => v_m);
        CONTINUE WHEN v_local < v_start;
        v_at := v_local AT TIME ZONE p_timezone;
        IF v_at > p_after THEN
          RETURN v_at;
        END IF;
      END LOOP;
    END LOOP;
  END LOOP;
  RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('cron expression "%s" never matches a date', p_expression);
END
$$;

GRANT EXECUTE ON FUNCTION public.cron_next_run(text, timestamptz, text) TO service_role, authenticated;

-- Validates a schedule as it is written and keeps next_run_at: a new, re-enabled or changed
-- schedule is next due at the first time after now.
CREATE OR REPLACE FUNCTION public.schedules_compute_next_run() RETURNS trigger
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT'
     OR NEW.cron_expression IS DISTINCT FROM OLD.cron_expression
     OR NEW.timezone IS DISTINCT FROM OLD.timezone
     OR (NEW.enabled AND NOT coalesce(OLD.enabled, false)) THEN
    NEW.next_run_at := public.cron_next_run(NEW.cron_expression, now(), NEW.timezone);
  END IF;
  IF NOT coalesce(NEW.enabled, false) THEN
    NEW.next_run_at := NULL;
  END IF;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION public.schedules_compute_next_run() FROM PUBLIC, anon, authenticated;

CREATE OR REPLACE TRIGGER trg_schedules_compute_next_run
  BEFORE INSERT OR UPDATE OF cron_expression, timezone, enabled ON public.schedules
  FOR EACH ROW EXECUTE FUNCTION public.schedules_compute_next_run();

-- Enqueues one job per due schedule. The job takes from the schedule's metadata: payload (object),
-- priority (0..20, default 10), environment (default 'default'), required_capabilities (array);
-- its own metadata names the schedule and the due time. A schedule whose job cannot be enqueued
-- counts a failure (failure_count, metadata.last_error) and moves on to its next due time.
CREATE OR REPLACE FUNCTION public.fire_due_schedules(p_now timestamptz DEFAULT now()) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_now timestamptz := coalesce(p_now, now());
  v_schedule public.schedules;
  v_workflow public.workflows;
  v_next timestamptz;
  v_missed integer;
  v_job_id uuid;
  v_fired integer := 0;
  m jsonb;
BEGIN
  FOR v_schedule IN
    SELECT * FROM public.schedules s
     WHERE s.enabled AND (s.next_run_at IS NULL OR s.next_run_at <= v_now)
     ORDER BY s.next_run_at NULLS FIRST
       FOR UPDATE SKIP LOCKED
  LOOP
    v_next := NULL;
    BEGIN
      IF v_schedule.next_run_at IS NULL THEN
        -- written before this migration or with the trigger bypassed: just start counting
        UPDATE public.schedules
           SET next_run_at = public.cron_next_run(cron_expression, v_now, timezone)
         WHERE schedule_id = v_schedule.schedule_id;
        CONTINUE;
      END IF;
      v_next := public.cron_next_run(v_schedule.cron_expression, v_now, v_schedule.timezone);
      -- due times missed since next_run_at (downtime): they collapse into this one run
      v_missed := 0;
      DECLARE
        v_t timestamptz := v_schedule.next_run_at;
      BEGIN
        LOOP
          v_t := public.cron_next_run(v_schedule.cron_expression, v_t, v_schedule.timezone);
          EXIT WHEN v_t > v_now OR v_missed >= 1000;
          v_missed := v_missed + 1;
        END LOOP;
      END;
      m := coalesce(v_schedule.metadata, '{}'::jsonb);
      SELECT * INTO v_workflow FROM public.workflows w WHERE w.workflow_id = v_schedule.workflow_id;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'workflow % not found', v_schedule.workflow_id;
      END IF;
      INSERT INTO public.jobs (workflow_id, workflow_name, status, priority, payload, environment,
                               required_capabilities, max_retries, timeout_seconds, tenant_id,
                               created_by, metadata)
      VALUES (v_workflow.workflow_id, v_workflow.workflow_name, 'queued',
              coalesce((m ->> 'priority')::integer, 10),
              coalesce(m -> 'payload', '{}'::jsonb),
              coalesce(m ->> 'environment', 'default'),
              coalesce(m -> 'required_capabilities', '[]'::jsonb),
              coalesce(v_workflow.max_retries, 3), coalesce(v_workflow.timeout_seconds, 3600),
              v_workflow.tenant_id, 'schedule:' || v_schedule.schedule_name,
              jsonb_build_object('schedule_id', v_schedule.schedule_id,
                                 'schedule_name', v_schedule.schedule_name,
                                 'due_at', v_schedule.next_run_at,
                                 'missed_runs', v_missed))
      RETURNING job_id INTO v_job_id;
      UPDATE public.schedules
         SET last_run_at = v_now, next_run_at = v_next, run_count = coalesce(run_count, 0) + 1,
             last_job_id = v_job_id
       WHERE schedule_id = v_schedule.schedule_id;
      v_fired := v_fired + 1;
    EXCEPTION WHEN OTHERS THEN
      UPDATE public.schedules
         SET failure_count = coalesce(failure_count, 0) + 1,
             -- no next time: the expression or time zone is bad; stop until the operator fixes it
             enabled = v_next IS NOT NULL,
             next_run_at = v_next,
             metadata = coalesce(metadata, '{}'::jsonb)
                        || jsonb_build_object('last_error', SQLERRM, 'last_error_at', v_now)
       WHERE schedule_id = v_schedule.schedule_id;
    END;
  END LOOP;
  RETURN v_fired;
END
$$;
REVOKE ALL ON FUNCTION public.fire_due_schedules(timestamptz) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.fire_due_schedules(timestamptz) TO service_role;

-- fleet_maintenance() as in 20261130000200, plus: due 'pending' jobs -> 'queued', and
-- fire_due_schedules(now()). Result adds pending_promoted and schedules_fired.
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
  v_promoted integer;
  v_fired integer;
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

  -- jobs written with the table default status 'pending' (a dashboard insert, the seed's shape)
  -- join the queue once due; the update fires the job_queued hint
  UPDATE public.jobs
     SET status = 'queued'
   WHERE status = 'pending' AND (scheduled_time IS NULL OR scheduled_time <= now());
  GET DIAGNOSTICS v_promoted = ROW_COUNT;

  v_fired := public.fire_due_schedules(now());

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
    'pending_promoted', v_promoted,
    'schedules_fired', v_fired,
    'ran_at', now());
  UPDATE public.fleet_maintenance_state
     SET last_run_at = now(), last_result = v_result, auth_failures_seen = greatest(v_auth_total, auth_failures_seen)
   WHERE id;
  RETURN v_result;
END
$$;

REVOKE ALL ON FUNCTION public.cron_field_values(text, integer, integer, text[]),
                       public.cron_field_number(text, integer, integer, text[]),
                       public.cron_next_run(text, timestamptz, text)
  FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.cron_field_values(text, integer, integer, text[]),
                          public.cron_field_number(text, integer, integer, text[]),
                          public.cron_next_run(text, timestamptz, text)
  TO service_role, authenticated;
