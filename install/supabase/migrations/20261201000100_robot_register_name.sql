-- ROBOT_NAME is the robot's name: robot_register takes it as p_name.
--
-- Before: the robot's name was only what the operator gave create_robot; the agent's ROBOT_NAME
-- (the seed's variable, "the robot's name") landed in robots.metadata.configured_name. Now
-- robot_register has a last parameter p_name (default null), so older agents calling it with the
-- seven earlier parameters keep working unchanged:
--   p_name null or blank         robots.name stays as it is (the operator's, or an earlier p_name)
--   p_name given                 robots.name becomes btrim(p_name), 1..255 characters without
--                                control characters (else PT400)
--   p_name held by another robot robots.name is unique across the fleet (the seed's
--                                robots_name_unique), so a robot never takes another one's name:
--                                it is named '<p_name> (<last 8 characters of its robot_id>)', the
--                                original CasareRPA agent's suffix rule, stable across restarts;
--                                if that is taken too, the name stays as it is. The reply carries
--                                requested_name, so the agent can warn that it did not get it.
-- Routing is untouched: p_environment, p_capabilities and p_max_concurrent_jobs are still only
-- reported (reported_* columns) and may only narrow the operator's routing (robot_routing()).
--
-- Replaces robot_register(text, jsonb, text, integer, text, jsonb, jsonb) by
-- robot_register(text, jsonb, text, integer, text, jsonb, jsonb, text): dropped and created, not
-- overloaded, so that PostgREST never has two candidates for a call with the old parameters.

DROP FUNCTION IF EXISTS public.robot_register(text, jsonb, text, integer, text, jsonb, jsonb);

CREATE OR REPLACE FUNCTION public.robot_register(
  p_hostname text,
  p_capabilities jsonb DEFAULT '[]'::jsonb,
  p_environment text DEFAULT 'default',
  p_max_concurrent_jobs integer DEFAULT 1,
  p_agent_version text DEFAULT NULL,
  p_metadata jsonb DEFAULT '{}'::jsonb,
  p_tags jsonb DEFAULT '[]'::jsonb,
  p_name text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot();
  v_name text := nullif(btrim(p_name), '');
  v_robot public.robots;
  v_routing record;
  v_live jsonb;
BEGIN
  IF p_hostname IS NULL OR btrim(p_hostname) = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_hostname is required';
  END IF;
  IF v_name IS NOT NULL AND (length(v_name) > 255 OR v_name ~ '[[:cntrl:]]') THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = 'p_name must be 1..255 characters without control characters (ROBOT_NAME)';
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
  IF v_name IS NOT NULL AND v_name IS DISTINCT FROM v_robot.name THEN
    v_robot := public.rename_registering_robot(v_robot, v_name);
  END IF;
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
    -- the name the robot asked for (null when it sent none); robot.name is what it got
    'requested_name', v_name,
    'settings', public.fleet_settings_json(),
    'server_time', now(),
    -- jobs this robot still holds from an earlier run: release or resume them with their tokens
    'live_jobs', v_live);
END
$$;

-- The rename step of robot_register: p_name, else p_name with the robot's suffix, else unchanged.
-- A concurrent registration taking the same name is caught by robots_name_unique (a subtransaction
-- per candidate), so two robots never end up with one name.
CREATE OR REPLACE FUNCTION public.rename_registering_robot(p_robot public.robots, p_name text)
RETURNS public.robots
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_candidate text;
  v_renamed public.robots;
BEGIN
  FOREACH v_candidate IN ARRAY ARRAY[
      p_name, left(p_name, 244) || ' (' || right(p_robot.robot_id::text, 8) || ')'] LOOP
    IF v_candidate = p_robot.name THEN
      RETURN p_robot;
    END IF;
    BEGIN
      UPDATE public.robots r SET name = v_candidate
       WHERE r.robot_id = p_robot.robot_id
         AND NOT EXISTS (SELECT 1 FROM public.robots o
                          WHERE o.name = v_candidate AND o.robot_id <> p_robot.robot_id)
      RETURNING * INTO v_renamed;
      IF FOUND THEN
        RETURN v_renamed;
      END IF;
    EXCEPTION WHEN unique_violation THEN
      NULL; -- taken by a registration that committed meanwhile: try the next candidate
    END;
  END LOOP;
  RETURN p_robot;
END
$$;

REVOKE ALL ON FUNCTION public.rename_registering_robot(public.robots, text) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.rename_registering_robot(public.robots, text) TO service_role;
REVOKE ALL ON FUNCTION public.robot_register(text, jsonb, text, integer, text, jsonb, jsonb, text)
  FROM PUBLIC, authenticated;
GRANT EXECUTE ON FUNCTION public.robot_register(text, jsonb, text, integer, text, jsonb, jsonb, text)
  TO anon, service_role;
