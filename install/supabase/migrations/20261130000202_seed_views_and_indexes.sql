-- The seed's four views with every original column under its original name and meaning (a
-- dashboard written for the seed reads them unchanged), followed by the columns this schema added.
-- The views are dropped and created again because PostgreSQL cannot rename or reorder view
-- columns in place; nothing depends on them, and the grants of 20260101000008 are restored.
-- The original indexes that were missing are added.
--
--   robot_stats               robot_id, robot_name, hostname, status, environment,
--                             max_concurrent_jobs, current_jobs, utilization_percent, last_heartbeat,
--                             total_jobs_run, completed_jobs, failed_jobs (status 'failed' only, as
--                             the seed counts), avg_duration_ms (over all the robot's jobs, integer)
--                             + name, tenant_id, last_seen, total_jobs, timed_out_jobs
--                             current_jobs counts the robot's claimed/running jobs: the seed read it
--                             from robots.current_job_ids, which the queue does not maintain.
--   workflow_assignment_stats workflow_id, workflow_name, assigned_robot_count, assigned_robot_names
--                             (NULL when none), node_override_count (active overrides)
--                             + tenant_id, active_override_count
--   robot_api_keys_active     key_id, robot_id, robot_name, robot_hostname, key_name, created_at,
--                             expires_at, last_used_at, last_used_ip, created_by, status,
--                             days_since_last_use (fractional days, numeric), newest first
--                             + id, name, description
--   robot_logs_daily_summary  tenant_id, robot_id, log_date (UTC day), total_logs, error_count,
--                             warning_count, critical_count, estimated_size (pg_size_pretty of the
--                             message bytes), last 30 days, newest day first
--                             + total_count, message_size
--
-- Indexes: idx_cleanup_history_time, idx_workflow_versions_workflow_id, idx_node_overrides_robot,
-- idx_node_overrides_capabilities (GIN), idx_workflow_assignments_default.

DROP VIEW IF EXISTS public.robot_stats;
CREATE VIEW public.robot_stats WITH (security_invoker = true) AS
SELECT r.robot_id,
       r.name AS robot_name,
       r.hostname,
       r.status,
       r.environment,
       r.max_concurrent_jobs,
       count(j.job_id) FILTER (WHERE j.status IN ('claimed', 'running'))::integer AS current_jobs,
       CASE WHEN coalesce(r.max_concurrent_jobs, 0) = 0 THEN 0
            ELSE round(count(j.job_id) FILTER (WHERE j.status IN ('claimed', 'running'))::numeric
                       / r.max_concurrent_jobs * 100, 2) END AS utilization_percent,
       r.last_heartbeat,
       count(j.job_id) AS total_jobs_run,
       count(j.job_id) FILTER (WHERE j.status = 'completed') AS completed_jobs,
       count(j.job_id) FILTER (WHERE j.status = 'failed') AS failed_jobs,
       avg(j.duration_ms)::integer AS avg_duration_ms,
       r.name,
       r.tenant_id,
       r.last_seen,
       count(j.job_id) AS total_jobs,
       count(j.job_id) FILTER (WHERE j.status = 'timeout') AS timed_out_jobs
  FROM public.robots r
  LEFT JOIN public.jobs j ON j.robot_uuid = r.robot_id
 GROUP BY r.robot_id;

DROP VIEW IF EXISTS public.workflow_assignment_stats;
CREATE VIEW public.workflow_assignment_stats WITH (security_invoker = true) AS
SELECT w.workflow_id,
       w.workflow_name,
       (SELECT count(DISTINCT a.robot_id) FROM public.workflow_robot_assignments a
         WHERE a.workflow_id = w.workflow_id) AS assigned_robot_count,
       (SELECT array_agg(DISTINCT r.name)
          FROM public.workflow_robot_assignments a JOIN public.robots r ON r.robot_id = a.robot_id
         WHERE a.workflow_id = w.workflow_id) AS assigned_robot_names,
       (SELECT count(DISTINCT o.node_id) FROM public.node_robot_overrides o
         WHERE o.workflow_id = w.workflow_id AND o.is_active) AS node_override_count,
       w.tenant_id,
       (SELECT count(*) FROM public.node_robot_overrides o
         WHERE o.workflow_id = w.workflow_id AND o.is_active) AS active_override_count
  FROM public.workflows w;

DROP VIEW IF EXISTS public.robot_api_keys_active;
CREATE VIEW public.robot_api_keys_active WITH (security_invoker = true) AS
SELECT k.id AS key_id,
       k.robot_id,
       r.name AS robot_name,
       r.hostname AS robot_hostname,
       k.name AS key_name,
       k.created_at,
       k.expires_at,
       k.last_used_at,
       k.last_used_ip,
       k.created_by,
       CASE WHEN k.expires_at IS NOT NULL AND k.expires_at < now() THEN 'expired'
            WHEN k.is_revoked THEN 'revoked'
            ELSE 'active' END AS status,
       extract(epoch FROM now() - k.last_used_at) / 86400 AS days_since_last_use,
       k.id,
       k.name,
       k.description
  FROM public.robot_api_keys k
  JOIN public.robots r ON r.robot_id = k.robot_id
 WHERE k.is_revoked = false
 ORDER BY k.created_at DESC;

DROP VIEW IF EXISTS public.robot_logs_daily_summary;
CREATE VIEW public.robot_logs_daily_summary WITH (security_invoker = true) AS
SELECT l.tenant_id,
       l.robot_id,
       (l."timestamp" AT TIME ZONE 'UTC')::date AS log_date,
       count(*) AS total_logs,
       count(*) FILTER (WHERE l.level = 'ERROR') AS error_count,
       count(*) FILTER (WHERE l.level = 'WARNING') AS warning_count,
       count(*) FILTER (WHERE l.level = 'CRITICAL') AS critical_count,
       pg_size_pretty(sum(length(l.message))::bigint) AS estimated_size,
       count(*) AS total_count,
       pg_size_pretty(sum(octet_length(l.message))::bigint) AS message_size
  FROM public.robot_logs l
 WHERE l."timestamp" > now() - interval '30 days'
 GROUP BY l.tenant_id, l.robot_id, (l."timestamp" AT TIME ZONE 'UTC')::date
 ORDER BY log_date DESC;

REVOKE ALL ON TABLE public.robot_stats, public.workflow_assignment_stats, public.robot_api_keys_active,
  public.robot_logs_daily_summary FROM PUBLIC, anon, authenticated;
GRANT SELECT ON TABLE public.robot_stats, public.workflow_assignment_stats, public.robot_api_keys_active,
  public.robot_logs_daily_summary TO service_role;
GRANT SELECT ON TABLE public.robot_stats, public.workflow_assignment_stats, public.robot_logs_daily_summary
  TO authenticated;

CREATE INDEX IF NOT EXISTS idx_cleanup_history_time ON public.robot_logs_cleanup_history (cleanup_time DESC);
CREATE INDEX IF NOT EXISTS idx_workflow_versions_workflow_id ON public.workflow_versions (workflow_id);
CREATE INDEX IF NOT EXISTS idx_node_overrides_robot ON public.node_robot_overrides (robot_id);
CREATE INDEX IF NOT EXISTS idx_node_overrides_capabilities ON public.node_robot_overrides
  USING gin (required_capabilities);
CREATE INDEX IF NOT EXISTS idx_workflow_assignments_default ON public.workflow_robot_assignments (workflow_id)
  WHERE is_default;
