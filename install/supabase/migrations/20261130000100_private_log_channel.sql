-- The live log tail on a private channel, and append_robot_logs checking what a robot sends.
--
-- Before: the agent broadcast its log lines on the public topic robot-logs:<robot_id>, so anyone
-- holding the anon key (robot ids are in robot-fleet presence) could read every robot's lines and
-- inject fake ones. Now the database sends the tail, from the lines it stored, on the PRIVATE topic
-- robot-logs:<robot_id> (realtime.send(..., private => true)); nobody may send there from a client,
-- and joining needs the SELECT policy below: a dashboard user (authenticated) of the robot's tenant
-- (JWT claim tenant_id), as for the rows of robot_logs. service_role bypasses RLS, as everywhere.
--
-- Creates or replaces:
--   policy "Tenant members read robot log tails" on realtime.messages (when realtime exists)
--   robot_log_tail(robot_id, lines jsonb)   sends stored lines, 100 per message, messages cut at
--                                           2,000 characters; a failing send never fails the write
--   append_robot_logs(p_logs jsonb)         now refuses (PT400, naming the line):
--                                             seq < 0; source outside agent/workflow/system/null;
--                                             message over 32,768 characters; extra that is not
--                                             an object or over 16,384 bytes as JSON text
--                                           and corrects:
--                                             ts more than 1 day ahead of now() -> now() + 1 day,
--                                               ts older than the log retention (fleet_settings.
--                                               log_retention_days) -> now() - retention (a spooled
--                                               line after a long outage keeps its real time);
--                                               either way the sent value is kept in extra.sent_ts;
--                                             job_id that is not a job of the caller's tenant held
--                                               (now or before) by the caller -> null, the sent
--                                               value kept in extra.unverified_job_id;
--                                             node_id cut at 255 characters
--                                           so that a well-behaved agent never has a line refused.

DO $$
BEGIN
  IF to_regclass('realtime.messages') IS NOT NULL THEN
    DROP POLICY IF EXISTS "Tenant members read robot log tails" ON realtime.messages;
    CREATE POLICY "Tenant members read robot log tails" ON realtime.messages
      FOR SELECT TO authenticated
      USING (realtime.messages.extension = 'broadcast'
             AND (SELECT realtime.topic()) LIKE 'robot-logs:%'
             AND EXISTS (SELECT 1 FROM public.robots r
                          WHERE 'robot-logs:' || r.robot_id::text = (SELECT realtime.topic())
                            AND r.tenant_id = (SELECT public.jwt_tenant_id())));
  END IF;
END
$$;

CREATE OR REPLACE FUNCTION public.robot_log_tail(p_robot_id uuid, p_lines jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_chunk jsonb;
BEGIN
  IF p_lines IS NULL OR jsonb_array_length(p_lines) = 0
     OR to_regprocedure('realtime.send(jsonb,text,text,boolean)') IS NULL THEN
    RETURN;
  END IF;
  BEGIN
    FOR v_chunk IN
      SELECT jsonb_agg(e.line ORDER BY e.ord)
        FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS e(line, ord)
       GROUP BY (e.ord - 1) / 100
       ORDER BY min(e.ord)
    LOOP
      PERFORM realtime.send(jsonb_build_object('lines', v_chunk), 'log',
                            'robot-logs:' || p_robot_id::text, true);
    END LOOP;
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'live log tail of robot % not sent: %', p_robot_id, SQLERRM;
  END;
END
$$;
REVOKE ALL ON FUNCTION public.robot_log_tail(uuid, jsonb) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.robot_log_tail(uuid, jsonb) TO service_role;

CREATE OR REPLACE FUNCTION public.append_robot_logs(p_logs jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot uuid := public.authenticate_robot();
  v_tenant uuid;
  v_bad bigint;
  v_why text;
  v_count integer;
  v_tail jsonb;
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
  SELECT e.ord,
         CASE
           WHEN jsonb_typeof(e.line -> 'seq') = 'number' AND (e.line ->> 'seq')::numeric < 0
             THEN 'seq must not be negative'
           WHEN e.line ? 'source' AND jsonb_typeof(e.line -> 'source') <> 'null'
                AND e.line ->> 'source' NOT IN ('agent', 'workflow', 'system')
             THEN 'source must be agent, workflow, system or absent'
           WHEN length(e.line ->> 'message') > 32768
             THEN format('message holds %s characters; at most 32768', length(e.line ->> 'message'))
           WHEN e.line ? 'extra' AND jsonb_typeof(e.line -> 'extra') NOT IN ('object', 'null')
             THEN 'extra must be a JSON object'
           WHEN octet_length((e.line -> 'extra')::text) > 16384
             THEN 'extra is over 16384 bytes as JSON text'
         END
    INTO v_bad, v_why
    FROM jsonb_array_elements(p_logs) WITH ORDINALITY AS e(line, ord)
   WHERE (jsonb_typeof(e.line -> 'seq') = 'number' AND (e.line ->> 'seq')::numeric < 0)
      OR (e.line ? 'source' AND jsonb_typeof(e.line -> 'source') <> 'null'
          AND e.line ->> 'source' NOT IN ('agent', 'workflow', 'system'))
      OR length(e.line ->> 'message') > 32768
      OR (e.line ? 'extra' AND jsonb_typeof(e.line -> 'extra') NOT IN ('object', 'null'))
      OR octet_length((e.line -> 'extra')::text) > 16384
   ORDER BY e.ord
   LIMIT 1;
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('p_logs[%s]: %s', v_bad - 1, v_why);
  END IF;
  SELECT r.tenant_id INTO v_tenant FROM public.robots r WHERE r.robot_id = v_robot;
  SELECT now() - make_interval(days => s.log_retention_days) INTO v_oldest FROM public.fleet_settings s;
  WITH sent AS (
    SELECT x.id, x.seq, x.ts AS sent_ts,
           least(greatest(x.ts, coalesce(v_oldest, now() - interval '30 days')), now() + interval '1 day') AS ts,
           public.normalize_log_level(x.level) AS level, x.message, x.source,
           coalesce(x.extra, '{}'::jsonb) AS extra, x.job_id AS sent_job_id, left(x.node_id, 255) AS node_id,
           x.job_id IS NULL OR EXISTS (
             SELECT 1 FROM public.jobs j
              WHERE j.job_id = x.job_id
                AND j.tenant_id IS NOT DISTINCT FROM v_tenant
                AND (j.robot_uuid = v_robot
                     OR EXISTS (SELECT 1 FROM public.robot_logs l
                                 WHERE l.job_id = x.job_id AND l.robot_id = v_robot))) AS job_ok
      FROM jsonb_to_recordset(p_logs) AS x(id uuid, seq bigint, ts timestamptz, level text, message text,
                                           job_id uuid, node_id text, source text, extra jsonb)
  ), checked AS (
    SELECT s.id, s.seq, s.ts, s.level, s.message, s.source, s.node_id,
           CASE WHEN s.job_ok THEN s.sent_job_id END AS job_id,
           s.extra
             || CASE WHEN s.ts IS DISTINCT FROM s.sent_ts
                     THEN jsonb_build_object('sent_ts', s.sent_ts::text) ELSE '{}'::jsonb END
             || CASE WHEN NOT s.job_ok
                     THEN jsonb_build_object('unverified_job_id', s.sent_job_id) ELSE '{}'::jsonb END
             AS extra,
           s.ts IS DISTINCT FROM s.sent_ts AS moved
      FROM sent s
  ), stored AS (
    INSERT INTO public.robot_logs (id, robot_id, tenant_id, "timestamp", level, message, source, extra,
                                   job_id, node_id, seq)
    SELECT c.id, v_robot, coalesce(v_tenant, '00000000-0000-0000-0000-000000000000'::uuid), c.ts,
           c.level, c.message, c.source, c.extra, c.job_id, c.node_id, c.seq
      FROM checked c
     -- a moved ts differs between replays: find the first copy by id instead of (id, ts)
     WHERE NOT c.moved
        OR NOT EXISTS (SELECT 1 FROM public.robot_logs l WHERE l.id = c.id AND l.robot_id = v_robot)
    ON CONFLICT DO NOTHING
    RETURNING seq, "timestamp", level, job_id, node_id, message
  )
  SELECT count(*)::integer,
         coalesce(jsonb_agg(jsonb_build_object(
                    'seq', s.seq, 'ts', s."timestamp", 'level', s.level, 'job_id', s.job_id,
                    'node_id', s.node_id,
                    'message', CASE WHEN length(s.message) > 2000 THEN left(s.message, 2000) || '…'
                                    ELSE s.message END)
                  ORDER BY s.seq), '[]'::jsonb)
    INTO v_count, v_tail
    FROM stored s;
  PERFORM public.robot_log_tail(v_robot, v_tail);
  RETURN v_count;
END
$$;
REVOKE ALL ON FUNCTION public.append_robot_logs(jsonb) FROM PUBLIC, authenticated;
GRANT EXECUTE ON FUNCTION public.append_robot_logs(jsonb) TO anon, service_role;
