-- What the cleanup-logs edge function calls (service role only): one call = one cleanup run.
--
--   cleanup_robot_logs(p_retention_days 1..365, p_dry_run) -> jsonb
--     {dry_run, retention_days, partitions: [names dropped or that would be], purged_rows,
--      history_id (null on a dry run), partitions_ensured}
--   A real run drops the partitions older than the retention (drop_old_robot_logs_partitions),
--   keeps the partitions ahead (ensure_robot_logs_partitions), and leaves exactly ONE
--   robot_logs_cleanup_history row: the one drop_old_robot_logs_partitions writes when it dropped
--   something, else one with nothing dropped. A dry run changes nothing and writes no history.

CREATE OR REPLACE FUNCTION public.cleanup_robot_logs(p_retention_days integer, p_dry_run boolean DEFAULT false)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_started timestamptz := clock_timestamp();
  v_partitions text[];
  v_purged bigint := 0;
  v_history uuid;
  v_ensured integer := 0;
BEGIN
  IF p_retention_days IS NULL OR p_retention_days < 1 OR p_retention_days > 365 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = format('retention_days must be a whole number of days from 1 to 365, got %s', p_retention_days);
  END IF;
  SELECT coalesce(array_agg(d.partition_name ORDER BY d.partition_name)
                    FILTER (WHERE d.action IN ('DROPPED', 'WOULD_DROP')), ARRAY[]::text[]),
         coalesce(sum(substring(d.action FROM '(\d+) rows')::bigint), 0)
    INTO v_partitions, v_purged
    FROM public.drop_old_robot_logs_partitions(p_retention_days, coalesce(p_dry_run, false)) d;
  IF NOT coalesce(p_dry_run, false) THEN
    IF cardinality(v_partitions) > 0 OR v_purged > 0 THEN
      -- drop_old_robot_logs_partitions wrote this run's row (cleanup_time = this transaction's now())
      SELECT h.id INTO v_history FROM public.robot_logs_cleanup_history h
       WHERE h.cleanup_time = now() AND h.retention_days = p_retention_days
       ORDER BY h.id LIMIT 1;
    ELSE
      INSERT INTO public.robot_logs_cleanup_history (partitions_dropped, rows_deleted, retention_days, duration_ms)
      VALUES (ARRAY[]::text[], 0, p_retention_days,
              (extract(epoch FROM clock_timestamp() - v_started) * 1000)::integer)
      RETURNING id INTO v_history;
    END IF;
    SELECT count(*) FILTER (WHERE e.status = 'created') INTO v_ensured
      FROM public.ensure_robot_logs_partitions() e;
  END IF;
  RETURN jsonb_build_object('dry_run', coalesce(p_dry_run, false), 'retention_days', p_retention_days,
                            'partitions', to_jsonb(v_partitions), 'purged_rows', v_purged,
                            'history_id', v_history, 'partitions_ensured', v_ensured);
END
$$;
REVOKE ALL ON FUNCTION public.cleanup_robot_logs(integer, boolean) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.cleanup_robot_logs(integer, boolean) TO service_role;
