-- Robot logs: daily partitions kept ahead, retention by dropping whole partitions, the robot's
-- batch append and the dashboard query.
--
-- Partitions are named robot_logs_YYYY_MM_DD and cover one UTC day. robot_logs_default takes any
-- row no daily partition covers; when a partition is later created for a day that already has
-- rows in the default partition, those rows are moved into it first (PostgreSQL would otherwise
-- refuse the new partition).
--
-- Creates (CREATE OR REPLACE):
--   create_robot_logs_partition(date)                         -> text  'Created: …' | 'Exists: …'
--   ensure_robot_logs_partitions(months_ahead, days_ahead)    -> (partition_name, status)
--   drop_old_robot_logs_partitions(retention_days, dry_run)   -> (partition_name, action)
--   query_robot_logs(p_tenant_id, …)                          -> log rows, level >= p_min_level
--   append_robot_logs(p_logs jsonb)                           -> int (robot RPC)
-- and runs ensure_robot_logs_partitions() once.

CREATE OR REPLACE FUNCTION public.protect_robot_logs_partition(p_name text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_role text;
BEGIN
  -- A partition is a table of its own: on Supabase, default privileges would grant it to anon and
  -- authenticated, and RLS of the parent does not apply to direct access. Close both doors.
  EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', p_name);
  EXECUTE format('REVOKE ALL ON TABLE public.%I FROM PUBLIC', p_name);
  FOREACH v_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
      EXECUTE format('REVOKE ALL ON TABLE public.%I FROM %I', p_name, v_role);
    END IF;
  END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION public.create_robot_logs_partition(target_date date) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_name text := 'robot_logs_' || to_char(target_date, 'YYYY_MM_DD');
  v_from timestamptz := target_date::timestamp AT TIME ZONE 'UTC';
  v_to timestamptz := (target_date + 1)::timestamp AT TIME ZONE 'UTC';
  v_moved bigint;
BEGIN
  IF target_date IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'target_date is required';
  END IF;
  IF to_regclass('public.' || v_name) IS NOT NULL THEN
    RETURN 'Exists: ' || v_name;
  END IF;
  -- one partition creator at a time (maintenance, operators)
  PERFORM pg_advisory_xact_lock(4851170001);
  IF to_regclass('public.' || v_name) IS NOT NULL THEN
    RETURN 'Exists: ' || v_name;
  END IF;
  IF EXISTS (SELECT 1 FROM public.robot_logs_default WHERE "timestamp" >= v_from AND "timestamp" < v_to) THEN
    -- stop new stragglers for this day landing in the default partition while we move
    LOCK TABLE public.robot_logs_default IN ACCESS EXCLUSIVE MODE;
    EXECUTE format('CREATE TABLE public.%I (LIKE public.robot_logs INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name);
    EXECUTE format('INSERT INTO public.%I SELECT * FROM public.robot_logs_default'
                   ' WHERE "timestamp" >= $1 AND "timestamp" < $2', v_name) USING v_from, v_to;
    GET DIAGNOSTICS v_moved = ROW_COUNT;
    DELETE FROM public.robot_logs_default WHERE "timestamp" >= v_from AND "timestamp" < v_to;
    EXECUTE format('ALTER TABLE public.robot_logs ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)',
                   v_name, v_from, v_to);
    PERFORM public.protect_robot_logs_partition(v_name);
    RETURN format('Created: %s (moved %s rows from robot_logs_default)', v_name, v_moved);
  END IF;
  EXECUTE format('CREATE TABLE public.%I PARTITION OF public.robot_logs FOR VALUES FROM (%L) TO (%L)',
                 v_name, v_from, v_to);
  PERFORM public.protect_robot_logs_partition(v_name);
  RETURN 'Created: ' || v_name;
END
$$;

-- Yesterday (clock skew) through today + N days, UTC. months_ahead keeps the seed's call shape
-- (ensure_robot_logs_partitions(2) = the next two months); without arguments the
-- fleet_settings.log_partition_days_ahead setting applies.
CREATE OR REPLACE FUNCTION public.ensure_robot_logs_partitions(
  months_ahead integer DEFAULT NULL,
  days_ahead integer DEFAULT NULL)
RETURNS TABLE (partition_name text, status text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_today date := (now() AT TIME ZONE 'UTC')::date;
  v_days integer;
  v_day date;
  v_result text;
BEGIN
  v_days := coalesce(days_ahead,
                     ((v_today + make_interval(months => months_ahead))::date - v_today),
                     (SELECT s.log_partition_days_ahead FROM public.fleet_settings s));
  IF v_days < 0 OR v_days > 400 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('days ahead must be 0..400, got %s', v_days);
  END IF;
  FOR v_day IN SELECT d::date FROM generate_series(v_today - 1, v_today + v_days, interval '1 day') d LOOP
    v_result := public.create_robot_logs_partition(v_day);
    partition_name := 'robot_logs_' || to_char(v_day, 'YYYY_MM_DD');
    status := CASE WHEN v_result LIKE 'Created:%' THEN 'created' ELSE 'exists' END;
    RETURN NEXT;
  END LOOP;
END
$$;

-- Drops every daily partition that ends on or before (today - retention_days) and deletes the
-- rows of robot_logs_default older than that. With dry_run nothing changes and the rows say what
-- would happen (action WOULD_DROP / WOULD_PURGE instead of DROPPED / PURGED).
CREATE OR REPLACE FUNCTION public.drop_old_robot_logs_partitions(
  retention_days integer DEFAULT NULL,
  dry_run boolean DEFAULT false)
RETURNS TABLE (partition_name text, action text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_started timestamptz := clock_timestamp();
  v_days integer := coalesce(retention_days, (SELECT s.log_retention_days FROM public.fleet_settings s));
  v_cutoff_day date;
  v_cutoff timestamptz;
  v_part record;
  v_dropped text[] := ARRAY[]::text[];
  v_purged bigint := 0;
BEGIN
  IF v_days IS NULL OR v_days < 1 OR v_days > 3650 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('retention_days must be 1..3650, got %s', v_days);
  END IF;
  v_cutoff_day := (now() AT TIME ZONE 'UTC')::date - v_days;
  v_cutoff := v_cutoff_day::timestamp AT TIME ZONE 'UTC';
  FOR v_part IN
    SELECT c.relname::text AS name
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public.robot_logs'::regclass
       AND c.relname ~ '^robot_logs_\d{4}_\d{2}_\d{2}$'
       AND to_date(substr(c.relname, 12), 'YYYY_MM_DD') + 1 <= v_cutoff_day
     ORDER BY c.relname
  LOOP
    partition_name := v_part.name;
    IF dry_run THEN
      action := 'WOULD_DROP';
    ELSE
      EXECUTE format('DROP TABLE public.%I', v_part.name);
      action := 'DROPPED';
      v_dropped := v_dropped || v_part.name;
    END IF;
    RETURN NEXT;
  END LOOP;
  IF dry_run THEN
    SELECT count(*) INTO v_purged FROM public.robot_logs_default WHERE "timestamp" < v_cutoff;
  ELSE
    DELETE FROM public.robot_logs_default WHERE "timestamp" < v_cutoff;
    GET DIAGNOSTICS v_purged = ROW_COUNT;
  END IF;
  IF v_purged > 0 THEN
    partition_name := 'robot_logs_default';
    action := CASE WHEN dry_run THEN 'WOULD_PURGE ' ELSE 'PURGED ' END || v_purged || ' rows';
    RETURN NEXT;
  END IF;
  IF NOT dry_run AND (cardinality(v_dropped) > 0 OR v_purged > 0) THEN
    INSERT INTO public.robot_logs_cleanup_history (partitions_dropped, rows_deleted, retention_days, duration_ms)
    VALUES (v_dropped, v_purged, v_days,
            (extract(epoch FROM clock_timestamp() - v_started) * 1000)::integer);
  END IF;
END
$$;

-- Dashboard query (seed signature, plus job_id/node_id/seq in the result). SECURITY INVOKER:
-- row-level security decides what the caller sees; p_tenant_id narrows it further.
CREATE OR REPLACE FUNCTION public.query_robot_logs(
  p_tenant_id uuid,
  p_robot_id uuid DEFAULT NULL,
  p_start_time timestamptz DEFAULT NULL,
  p_end_time timestamptz DEFAULT NULL,
  p_min_level varchar(10) DEFAULT 'DEBUG',
  p_source varchar(255) DEFAULT NULL,
  p_search_text text DEFAULT NULL,
  p_limit integer DEFAULT 100,
  p_offset integer DEFAULT 0)
RETURNS TABLE (id uuid, robot_id uuid, tenant_id uuid, "timestamp" timestamptz, level varchar(10),
               message text, source varchar(255), extra jsonb, job_id uuid, node_id text, seq bigint)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = public, pg_temp AS $$
  SELECT l.id, l.robot_id, l.tenant_id, l."timestamp", l.level, l.message, l.source, l.extra,
         l.job_id, l.node_id, l.seq
    FROM public.robot_logs l
   WHERE l.tenant_id = p_tenant_id
     AND (p_robot_id IS NULL OR l.robot_id = p_robot_id)
     AND (p_start_time IS NULL OR l."timestamp" >= p_start_time)
     AND (p_end_time IS NULL OR l."timestamp" < p_end_time)
     AND public.log_level_rank(l.level) >= coalesce(
           public.log_level_rank(p_min_level),
           CASE WHEN upper(p_min_level) IN ('WARN', 'ERR', 'FATAL', 'VERBOSE')
                THEN public.log_level_rank(public.normalize_log_level(p_min_level)) END,
           1)
     AND (p_source IS NULL OR l.source = p_source)
     AND (p_search_text IS NULL OR l.message ILIKE '%' || p_search_text || '%')
   ORDER BY l."timestamp" DESC, l.seq DESC NULLS LAST
   LIMIT least(greatest(coalesce(p_limit, 100), 1), 1000)
  OFFSET greatest(coalesce(p_offset, 0), 0)
$$;

-- Robot RPC: a batch of at most 1000 lines. A line is [{id uuid, seq, ts, level, message,
-- job_id?, node_id?, source?, extra?}]; (id, ts) already stored -> skipped, so a replay of the
-- same lines stores nothing twice. Returns the number of lines newly stored.
CREATE OR REPLACE FUNCTION public.append_robot_logs(p_logs jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot uuid := public.authenticate_robot();
  v_tenant uuid;
  v_bad bigint;
  v_count integer;
BEGIN
  IF p_logs IS NULL OR jsonb_typeof(p_logs) <> 'array' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_logs must be a JSON array of log lines';
  END IF;
  IF jsonb_array_length(p_logs) > 1000 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = format('p_logs holds %s lines; send at most 1000 per call', jsonb_array_length(p_logs));
  END IF;
  IF jsonb_array_length(p_logs) = 0 THEN
    RETURN 0;
  END IF;
  SELECT min(e.ord) INTO v_bad
    FROM jsonb_array_elements(p_logs) WITH ORDINALITY AS e(line, ord)
   WHERE jsonb_typeof(e.line) <> 'object'
      OR e.line ->> 'id' IS NULL
      OR e.line ->> 'ts' IS NULL
      OR e.line ->> 'message' IS NULL;
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = format('p_logs[%s] needs id (uuid), ts (timestamp) and message', v_bad - 1);
  END IF;
  SELECT coalesce(r.tenant_id, '00000000-0000-0000-0000-000000000000'::uuid) INTO v_tenant
    FROM public.robots r WHERE r.robot_id = v_robot;
  INSERT INTO public.robot_logs (id, robot_id, tenant_id, "timestamp", level, message, source, extra,
                                 job_id, node_id, seq)
  SELECT x.id, v_robot, v_tenant, x.ts, public.normalize_log_level(x.level), x.message,
         left(x.source, 255), coalesce(x.extra, '{}'::jsonb), x.job_id, x.node_id, x.seq
    FROM jsonb_to_recordset(p_logs) AS x(id uuid, seq bigint, ts timestamptz, level text, message text,
                                         job_id uuid, node_id text, source text, extra jsonb)
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;

DO $$
BEGIN
  PERFORM public.ensure_robot_logs_partitions();
END
$$;
