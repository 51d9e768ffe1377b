-- append_robot_logs, same contract as 20261201000201 (same refusals, corrections, security), with a
-- smaller live tail (issue 14, log shipping at >= 0.5x a bare COPY). Measured (per-backend CPU of
-- 50 calls of 1,000 lines): the tail was about a third of the function's cost: a JSON object built
-- for every stored line, the array cut again into 10 messages of 100 lines, and 10 rows written to
-- realtime.messages (then read and delivered by the stack's listener): the log text written twice.
-- Now one message per call on the same private topic robot-logs:<robot_id>, event 'log':
--   {"lines": [the call's LAST 100 stored lines, oldest first, messages cut at 2,000 characters],
--    "stored": lines stored by the call, "first_seq": lowest seq stored, "last_seq": highest}
-- A call storing <= 100 lines sends exactly what it sent before plus the three counts; for a bigger
-- call a viewer sees that lines were skipped ("stored" > length of "lines") and reads them from
-- robot_logs (the operator's logs tail --follow and console only use the message as a wake-up).
-- A failing send still never fails the write. robot_log_tail() is kept (granted to service_role).

CREATE OR REPLACE FUNCTION public.append_robot_logs(p_logs jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot uuid := public.authenticate_robot();
  v_tenant uuid;
  v_bad bigint;
  v_why text;
  v_count integer;
  v_tail jsonb;
  v_first bigint;
  v_last bigint;
  v_oldest timestamptz;
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
  SELECT v.ord, v.why INTO v_bad, v_why
    FROM (SELECT e.ord,
                 CASE
                   WHEN jsonb_typeof(e.line) <> 'object' OR e.line ->> 'id' IS NULL
                        OR e.line ->> 'ts' IS NULL OR e.line ->> 'message' IS NULL
                     THEN 'needs id (uuid), ts (timestamp) and message'
                   WHEN jsonb_typeof(e.line -> 'seq') = 'number' AND (e.line ->> 'seq')::numeric < 0
                     THEN 'seq must not be negative'
                   WHEN e.line ? 'source' AND jsonb_typeof(e.line -> 'source') <> 'null'
                        AND e.line ->> 'source' NOT IN ('agent', 'workflow', 'system')
                     THEN 'source must be agent, workflow, system or absent'
                   WHEN length(e.line ->> 'message') > 32768
                     THEN format('message holds %s characters; at most 32768', length(e.line ->> 'message'))
                   WHEN e.line ? 'extra' AND jsonb_typeof(e.line -> 'extra') NOT IN ('object', 'null')
                     THEN 'extra must be a JSON object'
                   WHEN e.line ? 'extra' AND octet_length((e.line -> 'extra')::text) > 16384
                     THEN 'extra is over 16384 bytes as JSON text'
                 END AS why
            FROM jsonb_array_elements(p_logs) WITH ORDINALITY AS e(line, ord)) v
   WHERE v.why IS NOT NULL
   ORDER BY v.ord
   LIMIT 1;
  IF v_bad IS NOT NULL THEN
    IF v_why LIKE 'needs %' THEN
      RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('p_logs[%s] %s', v_bad - 1, v_why);
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('p_logs[%s]: %s', v_bad - 1, v_why);
  END IF;
  SELECT r.tenant_id INTO v_tenant FROM public.robots r WHERE r.robot_id = v_robot;
  SELECT now() - make_interval(days => s.log_retention_days) INTO v_oldest FROM public.fleet_settings s;
  WITH raw AS MATERIALIZED (
    SELECT x.id, x.seq, x.ts AS sent_ts,
           least(greatest(x.ts, coalesce(v_oldest, now() - interval '30 days')), now() + interval '1 day') AS ts,
           CASE upper(btrim(coalesce(x.level, '')))
             WHEN 'TRACE' THEN 'TRACE' WHEN 'VERBOSE' THEN 'TRACE'
             WHEN 'DEBUG' THEN 'DEBUG'
             WHEN 'INFO' THEN 'INFO'
             WHEN 'WARNING' THEN 'WARNING' WHEN 'WARN' THEN 'WARNING'
             WHEN 'ERROR' THEN 'ERROR' WHEN 'ERR' THEN 'ERROR'
             WHEN 'CRITICAL' THEN 'CRITICAL' WHEN 'FATAL' THEN 'CRITICAL'
             ELSE 'INFO' END AS level,
           x.message, x.source, x.extra, x.job_id AS sent_job_id, left(x.node_id, 255) AS node_id
      FROM jsonb_to_recordset(p_logs) AS x(id uuid, seq bigint, ts timestamptz, level text, message text,
                                           job_id uuid, node_id text, source text, extra jsonb)
  ), verified AS MATERIALIZED (
    SELECT d.job_id
      FROM (SELECT DISTINCT r.sent_job_id AS job_id FROM raw r WHERE r.sent_job_id IS NOT NULL) d
     WHERE EXISTS (
             SELECT 1 FROM public.jobs j
              WHERE j.job_id = d.job_id
                AND j.tenant_id IS NOT DISTINCT FROM v_tenant
                AND (j.robot_uuid = v_robot
                     OR EXISTS (SELECT 1 FROM public.robot_logs l
                                 WHERE l.job_id = d.job_id AND l.robot_id = v_robot)))
  ), checked AS (
    SELECT r.id, r.seq, r.ts, r.level, r.message, r.source, r.node_id,
           r.ts IS DISTINCT FROM r.sent_ts AS moved,
           (r.sent_job_id IS NULL OR v.job_id IS NOT NULL) AS job_ok,
           r.sent_job_id, r.sent_ts, coalesce(r.extra, '{}'::jsonb) AS extra
      FROM raw r LEFT JOIN verified v ON v.job_id = r.sent_job_id
  ), stored AS (
    INSERT INTO public.robot_logs (id, robot_id, tenant_id, "timestamp", level, message, source, extra,
                                   job_id, node_id, seq)
    SELECT c.id, v_robot, coalesce(v_tenant, '00000000-0000-0000-0000-000000000000'::uuid), c.ts,
           c.level, c.message, c.source,
           CASE WHEN c.moved OR NOT c.job_ok THEN
             c.extra
             || CASE WHEN c.moved THEN jsonb_build_object('sent_ts', c.sent_ts::text) ELSE '{}'::jsonb END
             || CASE WHEN NOT c.job_ok THEN jsonb_build_object('unverified_job_id', c.sent_job_id)
                     ELSE '{}'::jsonb END
           ELSE c.extra END,
           CASE WHEN c.job_ok THEN c.sent_job_id END, c.node_id, c.seq
      FROM checked c
     -- a moved ts differs between replays: find the first copy by id instead of (id, ts)
     WHERE NOT c.moved
        OR NOT EXISTS (SELECT 1 FROM public.robot_logs l WHERE l.id = c.id AND l.robot_id = v_robot)
    ON CONFLICT DO NOTHING
    RETURNING seq, "timestamp", level, job_id, node_id, message
  ), tail AS (
    SELECT s.* FROM stored s ORDER BY s.seq DESC NULLS FIRST LIMIT 100
  )
  SELECT (SELECT count(*)::integer FROM stored), (SELECT min(seq) FROM stored),
         (SELECT max(seq) FROM stored),
         (SELECT coalesce(jsonb_agg(jsonb_build_object(
                    'seq', t.seq, 'ts', t."timestamp", 'level', t.level, 'job_id', t.job_id,
                    'node_id', t.node_id,
                    'message', CASE WHEN length(t.message) > 2000 THEN left(t.message, 2000) || '…'
                                    ELSE t.message END)
                  ORDER BY t.seq NULLS LAST), '[]'::jsonb) FROM tail t)
    INTO v_count, v_first, v_last, v_tail;
  IF v_count > 0 AND to_regprocedure('realtime.send(jsonb,text,text,boolean)') IS NOT NULL THEN
    BEGIN
      PERFORM realtime.send(jsonb_build_object('lines', v_tail, 'stored', v_count,
                                               'first_seq', v_first, 'last_seq', v_last),
                            'log', 'robot-logs:' || v_robot::text, true);
    EXCEPTION WHEN OTHERS THEN
      RAISE WARNING 'live log tail of robot % not sent: %', v_robot, SQLERRM;
    END;
  END IF;
  RETURN v_count;
END
$$;
REVOKE ALL ON FUNCTION public.append_robot_logs(jsonb) FROM PUBLIC, authenticated;
GRANT EXECUTE ON FUNCTION public.append_robot_logs(jsonb) TO anon, service_role;
