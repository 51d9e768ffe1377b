-- Routing is the operator's; a robot reports what it has and may only narrow it.
--
-- Before: robot_register overwrote robots.environment, capabilities and max_concurrent_jobs (up to
-- 1000) with what the robot sent, so any robot key could claim any job of its tenant. Now those
-- three columns hold the operator's values (create_robot, or an update with the service key) and
-- robot_register stores what the robot reports in reported_environment, reported_capabilities and
-- reported_max_concurrent_jobs. What claim_jobs uses is robot_routing(robot):
--   environment          the operator's; when that is 'default' (takes any job), the reported one
--                        narrows it (a robot in E takes E and 'default')
--   capabilities         operator's ∩ reported (in the operator's order); operator's when none reported
--   max_concurrent_jobs  least(operator's, reported)
-- robot_register returns the effective values under the usual keys, plus the reported ones.
--
-- Adds columns robots.reported_environment, reported_capabilities, reported_max_concurrent_jobs;
-- creates robot_routing(robots); replaces robot_register and claim_jobs (only its robot row
-- changed: routing comes from robot_routing).

ALTER TABLE public.robots
  ADD COLUMN IF NOT EXISTS reported_environment text,
  ADD COLUMN IF NOT EXISTS reported_capabilities jsonb,
  ADD COLUMN IF NOT EXISTS reported_max_concurrent_jobs integer;

CREATE OR REPLACE FUNCTION public.robot_routing(
  p_robot public.robots,
  OUT environment text,
  OUT capabilities jsonb,
  OUT max_concurrent_jobs integer)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = public, pg_temp AS $$
  SELECT CASE WHEN p_robot.environment = 'default'
              THEN coalesce(nullif(btrim(p_robot.reported_environment), ''), 'default')
              ELSE p_robot.environment END,
         CASE WHEN p_robot.reported_capabilities IS NULL THEN p_robot.capabilities
              ELSE (SELECT coalesce(jsonb_agg(c.value ORDER BY c.ord), '[]'::jsonb)
                      FROM jsonb_array_elements(p_robot.capabilities) WITH ORDINALITY AS c(value, ord)
                     WHERE p_robot.reported_capabilities @> jsonb_build_array(c.value)) END,
         least(p_robot.max_concurrent_jobs,
               coalesce(p_robot.reported_max_concurrent_jobs, p_robot.max_concurrent_jobs))
$$;
REVOKE ALL ON FUNCTION public.robot_routing(public.robots) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.robot_routing(public.robots) TO service_role;

CREATE OR REPLACE FUNCTION public.robot_register(
  p_hostname text,
  p_capabilities jsonb DEFAULT '[]'::jsonb,
  p_environment text DEFAULT 'default',
  p_max_concurrent_jobs integer DEFAULT 1,
  p_agent_version text DEFAULT NULL,
  p_metadata jsonb DEFAULT '{}'::jsonb,
  p_tags jsonb DEFAULT '[]'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
  v_robot public.robots;
  v_routing record;
  v_live jsonb;
BEGIN
  IF p_hostname IS NULL OR btrim(p_hostname) = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_hostname is required';
  END IF;
  IF p_capabilities IS NOT NULL AND (jsonb_typeof(p_capabilities) <> 'array' OR EXISTS (
       SELECT 1 FROM jsonb_array_elements(p_capabilities) c WHERE jsonb_typeof(c) <> 'string')) THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_capabilities must be a JSON array of strings';
  END IF;
  IF coalesce(btrim(p_environment), '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_environment must not be empty (use ''default'')';
  END IF;
  IF p_max_concurrent_jobs IS NULL OR p_max_concurrent_jobs < 0 OR p_max_concurrent_jobs > 1000 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_max_concurrent_jobs must be 0..1000';
  END IF;
  IF p_metadata IS NOT NULL AND jsonb_typeof(p_metadata) <> 'object' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_metadata must be a JSON object';
  END IF;
  IF p_tags IS NOT NULL AND jsonb_typeof(p_tags) <> 'array' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_tags must be a JSON array';
  END IF;
  SELECT coalesce(jsonb_agg(jsonb_build_object('job_id', j.job_id, 'claim_token', j.claim_token,
                                               'status', j.status) ORDER BY j.claimed_at), '[]'::jsonb)
    INTO v_live
    FROM public.jobs j WHERE j.robot_uuid = v_robot_id AND j.status IN ('claimed', 'running');
  UPDATE public.robots
     SET hostname = p_hostname,
         reported_capabilities = coalesce(p_capabilities, '[]'::jsonb),
         reported_environment = btrim(p_environment),
         reported_max_concurrent_jobs = p_max_concurrent_jobs,
         agent_version = p_agent_version,
         metadata = coalesce(p_metadata, '{}'::jsonb),
         tags = coalesce(p_tags, '[]'::jsonb),
         status = CASE WHEN jsonb_array_length(v_live) > 0 THEN 'busy' ELSE 'online' END,
         current_job_ids = (SELECT coalesce(jsonb_agg(e -> 'job_id'), '[]'::jsonb) FROM jsonb_array_elements(v_live) e),
         last_heartbeat = now(),
         last_seen = now()
   WHERE robot_id = v_robot_id
  RETURNING * INTO v_robot;
  SELECT * INTO v_routing FROM public.robot_routing(v_robot);
  RETURN jsonb_build_object(
    -- effective routing under the usual keys; the operator's values are the row's own columns
    'robot', to_jsonb(v_robot) || jsonb_build_object(
               'environment', v_routing.environment,
               'capabilities', v_routing.capabilities,
               'max_concurrent_jobs', v_routing.max_concurrent_jobs,
               'operator_environment', v_robot.environment,
               'operator_capabilities', v_robot.capabilities,
               'operator_max_concurrent_jobs', v_robot.max_concurrent_jobs),
    'settings', public.fleet_settings_json(),
    'server_time', now(),
    -- jobs this robot still holds from an earlier run: release or resume them with their tokens
    'live_jobs', v_live);
END
$$;
REVOKE ALL ON FUNCTION public.robot_register(text, jsonb, text, integer, text, jsonb, jsonb)
  FROM PUBLIC, authenticated;
GRANT EXECUTE ON FUNCTION public.robot_register(text, jsonb, text, integer, text, jsonb, jsonb)
  TO anon, service_role;

CREATE OR REPLACE FUNCTION public.claim_jobs(p_limit integer DEFAULT 1) RETURNS SETOF jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
  v_lease interval := public.fleet_lease_interval();
  v_status text;
BEGIN
  IF p_limit IS NULL OR p_limit < 1 OR p_limit > 100 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = format('p_limit must be 1..100, got %s', p_limit);
  END IF;
  -- Serialise the claims of one robot: the claim statement below then counts the robot's live
  -- jobs from a snapshot taken after any earlier claim of the same robot committed.
  SELECT status INTO v_status FROM public.robots WHERE robot_id = v_robot_id FOR UPDATE;
  IF v_status IN ('error', 'maintenance') THEN
    RETURN;
  END IF;
  RETURN QUERY
  WITH me AS (
    SELECT r.robot_id, rt.environment, rt.capabilities, r.tenant_id,
           greatest(0, rt.max_concurrent_jobs - (SELECT count(*) FROM public.jobs lj
                                                 WHERE lj.robot_uuid = r.robot_id
                                                   AND lj.status IN ('claimed', 'running')))::integer AS free_slots
      FROM public.robots r, LATERAL public.robot_routing(r) rt WHERE r.robot_id = v_robot_id
  ), picked AS (
    SELECT j.job_id
      FROM public.jobs j, me
     WHERE j.status = 'queued'
       AND (j.scheduled_time IS NULL OR j.scheduled_time <= now())
       AND (me.environment = 'default' OR j.environment = me.environment OR j.environment = 'default')
       AND j.tenant_id IS NOT DISTINCT FROM me.tenant_id
       AND me.capabilities @> j.required_capabilities
       AND (NOT EXISTS (SELECT 1 FROM public.workflow_robot_assignments a WHERE a.workflow_id = j.workflow_id)
            OR EXISTS (SELECT 1 FROM public.workflow_robot_assignments a
                        WHERE a.workflow_id = j.workflow_id AND a.robot_id = me.robot_id))
       AND NOT EXISTS (SELECT 1 FROM public.node_robot_overrides o
                        WHERE o.workflow_id = j.workflow_id AND o.is_active
                          AND ((o.robot_id IS NOT NULL AND o.robot_id <> me.robot_id)
                               OR NOT me.capabilities @> coalesce(o.required_capabilities, '[]'::jsonb)))
     ORDER BY j.priority DESC, j.created_at ASC
     LIMIT least(p_limit, coalesce((SELECT free_slots FROM me), 0))
       FOR UPDATE OF j SKIP LOCKED
  ), claimed AS (
    UPDATE public.jobs j
       SET status = 'claimed',
           robot_uuid = v_robot_id,
           robot_id = v_robot_id::text,
           claim_token = gen_random_uuid(),
           attempt = j.attempt + 1,
           claimed_at = now(),
           started_at = NULL,
           lease_expires_at = now() + v_lease,
           progress = 0,
           current_node = ''
      FROM picked
     WHERE j.job_id = picked.job_id
    RETURNING j AS job, j.workflow_id, j.priority, j.created_at
  ), robot AS (
    UPDATE public.robots r
       SET status = 'busy', last_seen = now()
     WHERE r.robot_id = v_robot_id AND EXISTS (SELECT 1 FROM claimed)
  )
  SELECT public.claimed_job_json(c.job, w)
    FROM claimed c LEFT JOIN public.workflows w ON w.workflow_id = c.workflow_id
   ORDER BY c.priority DESC, c.created_at ASC;
END
$$;

REVOKE ALL ON FUNCTION public.claim_jobs(integer) FROM PUBLIC, authenticated;
GRANT EXECUTE ON FUNCTION public.claim_jobs(integer) TO anon, service_role;
