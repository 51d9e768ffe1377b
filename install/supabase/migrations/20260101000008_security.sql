-- Who may do what (CONTRACT.md §2): row-level security on every table, explicit grants.
-- Supabase's default privileges grant anon and authenticated everything on new objects in public;
-- this migration takes that back explicitly and never relies on defaults.
--
--   service_role   every table (it also bypasses RLS) and every function
--   anon           no table, no view; EXECUTE on the robot RPCs only (they check the robot key)
--   authenticated  SELECT on its tenant's rows (JWT claim tenant_id) of workflows, workflow_versions,
--                  robots, jobs, robot_logs, schedules, workflow_robot_assignments,
--                  node_robot_overrides, robot_heartbeats and the dashboard views; query_robot_logs.
--                  Never API keys, their audit, settings or maintenance state.
-- Robots reach their own rows only through the robot RPCs (SECURITY DEFINER).

DO $$
DECLARE
  v_table text;
BEGIN
  FOREACH v_table IN ARRAY ARRAY[
    'fleet_settings', 'fleet_maintenance_state', 'workflows', 'workflow_versions', 'robots', 'jobs',
    'robot_api_keys', 'robot_api_key_audit', 'robot_logs', 'robot_logs_default',
    'robot_logs_cleanup_history', 'schedules', 'workflow_robot_assignments', 'node_robot_overrides',
    'robot_heartbeats']
  LOOP
    EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', v_table);
    EXECUTE format('REVOKE ALL ON TABLE public.%I FROM PUBLIC, anon, authenticated', v_table);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.%I TO service_role', v_table);
    EXECUTE format('DROP POLICY IF EXISTS "Service role full access" ON public.%I', v_table);
    EXECUTE format('CREATE POLICY "Service role full access" ON public.%I FOR ALL TO service_role'
                   ' USING (true) WITH CHECK (true)', v_table);
  END LOOP;
END
$$;

-- daily partitions that already exist (new ones are protected when created)
DO $$
DECLARE
  v_part text;
BEGIN
  FOR v_part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public.robot_logs'::regclass
  LOOP
    PERFORM public.protect_robot_logs_partition(v_part);
  END LOOP;
END
$$;

REVOKE ALL ON SEQUENCE public.robot_auth_failures_seq FROM PUBLIC, anon, authenticated;

-- tenant isolation for dashboard users
GRANT SELECT ON TABLE public.workflows, public.workflow_versions, public.robots, public.jobs,
  public.robot_logs, public.schedules, public.workflow_robot_assignments, public.node_robot_overrides,
  public.robot_heartbeats TO authenticated;

DROP POLICY IF EXISTS "Tenant members read" ON public.workflows;
CREATE POLICY "Tenant members read" ON public.workflows FOR SELECT TO authenticated
  USING (tenant_id = (SELECT public.jwt_tenant_id()));
DROP POLICY IF EXISTS "Tenant members read" ON public.robots;
CREATE POLICY "Tenant members read" ON public.robots FOR SELECT TO authenticated
  USING (tenant_id = (SELECT public.jwt_tenant_id()));
DROP POLICY IF EXISTS "Tenant members read" ON public.jobs;
CREATE POLICY "Tenant members read" ON public.jobs FOR SELECT TO authenticated
  USING (tenant_id = (SELECT public.jwt_tenant_id()));
DROP POLICY IF EXISTS "Tenant members read" ON public.robot_logs;
CREATE POLICY "Tenant members read" ON public.robot_logs FOR SELECT TO authenticated
  USING (tenant_id = (SELECT public.jwt_tenant_id()));

DROP POLICY IF EXISTS "Tenant members read" ON public.workflow_versions;
CREATE POLICY "Tenant members read" ON public.workflow_versions FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM public.workflows w WHERE w.workflow_id = workflow_versions.workflow_id
                    AND w.tenant_id = (SELECT public.jwt_tenant_id())));
DROP POLICY IF EXISTS "Tenant members read" ON public.schedules;
CREATE POLICY "Tenant members read" ON public.schedules FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM public.workflows w WHERE w.workflow_id = schedules.workflow_id
                    AND w.tenant_id = (SELECT public.jwt_tenant_id())));
DROP POLICY IF EXISTS "Tenant members read" ON public.workflow_robot_assignments;
CREATE POLICY "Tenant members read" ON public.workflow_robot_assignments FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM public.workflows w WHERE w.workflow_id = workflow_robot_assignments.workflow_id
                    AND w.tenant_id = (SELECT public.jwt_tenant_id())));
DROP POLICY IF EXISTS "Tenant members read" ON public.node_robot_overrides;
CREATE POLICY "Tenant members read" ON public.node_robot_overrides FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM public.workflows w WHERE w.workflow_id = node_robot_overrides.workflow_id
                    AND w.tenant_id = (SELECT public.jwt_tenant_id())));
DROP POLICY IF EXISTS "Tenant members read" ON public.robot_heartbeats;
CREATE POLICY "Tenant members read" ON public.robot_heartbeats FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM public.robots r WHERE r.robot_id = robot_heartbeats.robot_id
                    AND r.tenant_id = (SELECT public.jwt_tenant_id())));

-- views
REVOKE ALL ON TABLE public.robot_stats, public.workflow_assignment_stats, public.robot_api_keys_active,
  public.robot_logs_daily_summary FROM PUBLIC, anon, authenticated;
GRANT SELECT ON TABLE public.robot_stats, public.workflow_assignment_stats, public.robot_api_keys_active,
  public.robot_logs_daily_summary TO service_role;
GRANT SELECT ON TABLE public.robot_stats, public.workflow_assignment_stats, public.robot_logs_daily_summary
  TO authenticated;

-- functions: nobody by default, then exactly who needs each
DO $$
DECLARE
  v_fn regprocedure;
BEGIN
  FOR v_fn IN
    SELECT p.oid::regprocedure FROM pg_proc p
     WHERE p.pronamespace = 'public'::regnamespace
       AND p.proname = ANY (ARRAY[
         'update_updated_at_column', 'fleet_settings_json', 'fleet_lease_interval', 'fleet_retry_backoff',
         'request_header', 'request_client_ip', 'jwt_tenant_id', 'log_level_rank', 'normalize_log_level',
         'api_key_hash', 'refuse_robot', 'authenticate_robot', 'validate_api_key_hash',
         'update_api_key_last_used', 'create_robot', 'create_robot_api_key', 'revoke_robot_api_key',
         'protect_robot_logs_partition', 'create_robot_logs_partition', 'ensure_robot_logs_partitions',
         'drop_old_robot_logs_partitions', 'query_robot_logs', 'append_robot_logs', 'lock_fenced_job',
         'refresh_robot_status', 'robot_register', 'robot_heartbeat', 'claimed_job_json', 'claim_jobs',
         'start_job', 'report_job_progress', 'complete_job', 'retry_or_fail_job', 'fail_job',
         'release_job', 'finish_cancelled_job', 'robot_offline', 'upsert_workflow', 'enqueue_job',
         'cancel_job', 'fleet_maintenance', 'robot_fleet_maintenance', 'verify_fleet_schema',
         'jobs_realtime_hints'])
  LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC, anon, authenticated', v_fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO service_role', v_fn);
  END LOOP;
END
$$;

-- robot RPCs: anon (the robot's key is checked inside)
GRANT EXECUTE ON FUNCTION
  public.robot_register(text, jsonb, text, integer, text, jsonb, jsonb),
  public.robot_heartbeat(text, jsonb, jsonb),
  public.claim_jobs(integer),
  public.start_job(uuid, uuid),
  public.report_job_progress(uuid, uuid, integer, text),
  public.complete_job(uuid, uuid, jsonb),
  public.fail_job(uuid, uuid, text, jsonb, boolean, boolean),
  public.release_job(uuid, uuid, text),
  public.finish_cancelled_job(uuid, uuid, jsonb),
  public.append_robot_logs(jsonb),
  public.robot_offline(),
  public.robot_fleet_maintenance()
TO anon;

-- dashboard users: the log query and what row-level security policies call
GRANT EXECUTE ON FUNCTION
  public.query_robot_logs(uuid, uuid, timestamptz, timestamptz, varchar, varchar, text, integer, integer),
  public.log_level_rank(text),
  public.normalize_log_level(text),
  public.jwt_tenant_id()
TO authenticated;
