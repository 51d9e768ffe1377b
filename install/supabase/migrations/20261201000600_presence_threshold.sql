-- The fleet-size threshold for presence, and provisioning many robots in one call (issue 14).
--
-- Every presence update of one robot reaches every robot on robot-fleet plus the watching
-- dashboards, so a fleet of N costs N × (N + watchers) presence messages per round of updates.
-- Past some size the plan cannot carry presence at any sane interval; robots then stay off
-- robot-fleet presence and are seen through their heartbeats (the robots rows) alone.
--
--   fleet_settings.presence_max_interval_seconds   the longest spacing between two presence
--       updates of one robot that still counts as presence (default 600 = the agent's cap)
--   fleet_settings.presence_mode   'auto' (default: presence while the budget carries the fleet
--       within presence_max_interval_seconds) or 'off' (no robot tracks presence)
--   fleet_presence_budget() -> jsonb   (service_role: dashboards, fleet watch, the console)
--   robot_presence_budget() -> jsonb   (robot RPC, as before) the same answer:
--       fleet_size, presence_budget_per_second, presence_watchers, presence_interval_seconds
--       (unchanged: greatest(6.5, N × (N + W) / B), older agents read only this),
--       presence_max_interval_seconds, presence_mode,
--       presence_max_fleet_size   the largest N with N × (N + W) / B <= the max interval,
--       presence_enabled          mode 'auto' and fleet_size <= presence_max_fleet_size,
--       presence_off_reason       why not (null while enabled), a sentence for logs and dashboards
--   create_robots(p_names text[], p_max_concurrent_jobs, p_environment) -> TABLE(robot_id, name,
--       api_key)   (service_role) many robots and one key each in one transaction: a fleet of
--       1,000 is provisioned in one round trip instead of 2,000; all or nothing.

ALTER TABLE public.fleet_settings
  ADD COLUMN IF NOT EXISTS presence_max_interval_seconds numeric NOT NULL DEFAULT 600
    CHECK (presence_max_interval_seconds >= 6.5 AND presence_max_interval_seconds <= 86400),
  ADD COLUMN IF NOT EXISTS presence_mode text NOT NULL DEFAULT 'auto'
    CHECK (presence_mode IN ('auto', 'off'));

CREATE OR REPLACE FUNCTION public.fleet_presence_budget() RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_size integer;
  v_budget numeric;
  v_watchers integer;
  v_max_interval numeric;
  v_mode text;
  v_max_size integer;
  v_enabled boolean;
  v_reason text;
BEGIN
  SELECT count(*) INTO v_size FROM public.robots r;
  SELECT s.presence_budget_per_second, s.presence_watchers, s.presence_max_interval_seconds,
         s.presence_mode
    INTO v_budget, v_watchers, v_max_interval, v_mode
    FROM public.fleet_settings s;
  v_budget := coalesce(v_budget, 40);
  v_watchers := coalesce(v_watchers, 1);
  v_max_interval := coalesce(v_max_interval, 600);
  v_mode := coalesce(v_mode, 'auto');
  -- largest N with N (N + W) <= B × M
  v_max_size := floor((sqrt(v_watchers::numeric * v_watchers + 4 * v_budget * v_max_interval)
                       - v_watchers) / 2);
  v_enabled := v_mode = 'auto' AND v_size <= v_max_size;
  v_reason := CASE
    WHEN v_mode = 'off' THEN 'presence is off (fleet_settings.presence_mode = ''off'')'
    WHEN NOT v_enabled THEN format(
      'presence is off: a fleet of %s robots is more than the %s that a presence budget of %s '
      'messages/s with %s watcher(s) carries at one update per %s s; robots are seen through '
      'their heartbeats', v_size, v_max_size, v_budget, v_watchers, v_max_interval)
  END;
  RETURN jsonb_build_object(
    'fleet_size', v_size,
    'presence_budget_per_second', v_budget,
    'presence_watchers', v_watchers,
    'presence_interval_seconds',
      round(greatest(6.5, v_size::numeric * (v_size + v_watchers) / v_budget), 1),
    'presence_max_interval_seconds', v_max_interval,
    'presence_mode', v_mode,
    'presence_max_fleet_size', v_max_size,
    'presence_enabled', v_enabled,
    'presence_off_reason', v_reason);
END
$$;

CREATE OR REPLACE FUNCTION public.robot_presence_budget() RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM public.authenticate_robot(); -- refuses a call without a valid robot key
  RETURN public.fleet_presence_budget();
END
$$;

CREATE OR REPLACE FUNCTION public.create_robots(
  p_names text[],
  p_max_concurrent_jobs integer DEFAULT 1,
  p_environment text DEFAULT 'default')
RETURNS TABLE (robot_id uuid, name text, api_key text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_name text;
  v_id uuid;
BEGIN
  IF p_names IS NULL OR cardinality(p_names) = 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_names must list at least one robot name';
  END IF;
  IF cardinality(p_names) > 10000 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = format('p_names lists %s robots; at most 10000 per call', cardinality(p_names)),
      HINT = 'split the list into several calls';
  END IF;
  IF (SELECT count(DISTINCT n) FROM unnest(p_names) n) <> cardinality(p_names) THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_names lists a name more than once';
  END IF;
  FOREACH v_name IN ARRAY p_names LOOP
    v_id := public.create_robot(v_name, NULL, p_environment, '[]'::jsonb, p_max_concurrent_jobs);
    robot_id := v_id;
    name := v_name;
    api_key := public.create_robot_api_key(v_id);
    RETURN NEXT;
  END LOOP;
END
$$;

REVOKE ALL ON FUNCTION public.fleet_presence_budget() FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.fleet_presence_budget() TO service_role;
REVOKE ALL ON FUNCTION public.robot_presence_budget() FROM PUBLIC, authenticated;
GRANT EXECUTE ON FUNCTION public.robot_presence_budget() TO anon, service_role;
REVOKE ALL ON FUNCTION public.create_robots(text[], integer, text) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.create_robots(text[], integer, text) TO service_role;
