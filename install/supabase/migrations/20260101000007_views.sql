-- Seed views for dashboards and the schema check.
-- Views run with the caller's rights (security_invoker, PostgreSQL 15+), so row-level security of
-- the underlying tables applies to dashboard users.
--
-- Creates (CREATE OR REPLACE):
--   robot_stats, workflow_assignment_stats, robot_api_keys_active, robot_logs_daily_summary
--   verify_fleet_schema()  -> (table_name, present, rls_enabled) for the seed's twelve tables

-- (re-running this file after 20261130000202 must not fail on that file's column layout)
DROP VIEW IF EXISTS public.robot_stats, public.workflow_assignment_stats, public.robot_api_keys_active,
  public.robot_logs_daily_summary;

CREATE OR REPLACE VIEW public.robot_stats WITH (security_invoker = true) AS
SELECT r.robot_id,
       r.name,
       r.hostname,
       r.status,
       r.environment,
       r.tenant_id,
       r.max_concurrent_jobs,
       r.last_heartbeat,
       r.last_seen,
       count(j.job_id) FILTER (WHERE j.status IN ('claimed', 'running')) AS current_jobs,
       CASE WHEN r.max_concurrent_jobs > 0
            THEN round(100.0 * count(j.job_id) FILTER (WHERE j.status IN ('claimed', 'running'))
                       / r.max_concurrent_jobs, 1)
            ELSE 0 END AS utilization_percent,
       count(j.job_id) AS total_jobs,
       count(j.job_id) FILTER (WHERE j.status = 'completed') AS completed_jobs,
       count(j.job_id) FILTER (WHERE j.status IN ('failed', 'timeout')) AS failed_jobs,
       round(avg(j.duration_ms) FILTER (WHERE j.status = 'completed'))::bigint AS avg_duration_ms
  FROM public.robots r
  LEFT JOIN public.jobs j ON j.robot_uuid = r.robot_id
 GROUP BY r.robot_id;

CREATE OR REPLACE VIEW public.workflow_assignment_stats WITH (security_invoker = true) AS
SELECT w.workflow_id,
       w.workflow_name,
       w.tenant_id,
       (SELECT count(*) FROM public.workflow_robot_assignments a WHERE a.workflow_id = w.workflow_id)
         AS assigned_robot_count,
       (SELECT array_agg(r.name::text ORDER BY r.name)
          FROM public.workflow_robot_assignments a JOIN public.robots r ON r.robot_id = a.robot_id
         WHERE a.workflow_id = w.workflow_id) AS assigned_robot_names,
       (SELECT count(*) FROM public.node_robot_overrides o WHERE o.workflow_id = w.workflow_id AND o.is_active)
         AS active_override_count
  FROM public.workflows w;

-- Keys not revoked, with their robot; never the hash.
CREATE OR REPLACE VIEW public.robot_api_keys_active WITH (security_invoker = true) AS
SELECT k.id,
       k.robot_id,
       r.name AS robot_name,
       k.name,
       k.description,
       k.created_at,
       k.created_by,
       k.expires_at,
       k.last_used_at,
       k.last_used_ip,
       CASE WHEN k.expires_at IS NOT NULL AND k.expires_at <= now() THEN 'expired' ELSE 'active' END AS status,
       (extract(epoch FROM now() - k.last_used_at) / 86400)::integer AS days_since_last_use
  FROM public.robot_api_keys k
  JOIN public.robots r ON r.robot_id = k.robot_id
 WHERE NOT coalesce(k.is_revoked, false);

CREATE OR REPLACE VIEW public.robot_logs_daily_summary WITH (security_invoker = true) AS
SELECT l.tenant_id,
       l.robot_id,
       (l."timestamp" AT TIME ZONE 'UTC')::date AS log_date,
       count(*) AS total_count,
       count(*) FILTER (WHERE l.level = 'ERROR') AS error_count,
       count(*) FILTER (WHERE l.level = 'WARNING') AS warning_count,
       count(*) FILTER (WHERE l.level = 'CRITICAL') AS critical_count,
       pg_size_pretty(sum(octet_length(l.message))::bigint) AS message_size
  FROM public.robot_logs l
 WHERE l."timestamp" >= now() - interval '30 days'
 GROUP BY l.tenant_id, l.robot_id, (l."timestamp" AT TIME ZONE 'UTC')::date;

-- The seed's check: the twelve expected tables, whether each exists and has RLS enabled.
CREATE OR REPLACE FUNCTION public.verify_fleet_schema()
RETURNS TABLE (table_name text, present boolean, rls_enabled boolean)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = public, pg_temp AS $$
  SELECT t.name, c.oid IS NOT NULL, coalesce(c.relrowsecurity, false)
    FROM unnest(ARRAY['workflows', 'workflow_versions', 'robots', 'jobs', 'robot_api_keys',
                      'robot_api_key_audit', 'robot_logs', 'robot_logs_cleanup_history', 'schedules',
                      'workflow_robot_assignments', 'node_robot_overrides', 'robot_heartbeats'])
         WITH ORDINALITY AS t(name, ord)
    LEFT JOIN pg_class c ON c.relname = t.name AND c.relnamespace = 'public'::regnamespace
   ORDER BY t.ord
$$;
