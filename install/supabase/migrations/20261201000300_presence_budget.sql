-- The fleet's Realtime presence budget (issue 14: fit the hosted plan's Realtime quotas).
--
--   fleet_settings.presence_budget_per_second   presence messages per second the whole fleet may
--       cost the project (default 40: 80 % of a Pro project's 50). Hosted Realtime counts every
--       presence_diff delivered to a presence-enabled channel, and a channel that tracks is
--       presence-enabled by the server (even when it joined with presence disabled): one robot's
--       update costs one message per robot on robot-fleet plus one per watching dashboard.
--   fleet_settings.presence_watchers   dashboards expected to watch robot-fleet at once (default 1)
--   robot_presence_budget() -> jsonb (robot RPC, anon + x-robot-api-key)
--       {fleet_size, presence_budget_per_second, presence_watchers, presence_interval_seconds}
--       presence_interval_seconds = greatest(6.5, fleet_size * (fleet_size + watchers) / budget):
--       the least time between two presence updates of one robot, so the fleet stays inside the
--       budget (the agent caps it at 10 minutes; beyond that the fleet does not fit, see README).
--       fleet_size counts every robot row (the provisioned fleet, whether it runs yet or not):
--       robots read this at start, and a fleet that starts up robot by robot must not let the
--       first ones space their updates for a fleet of one.

ALTER TABLE public.fleet_settings
  ADD COLUMN IF NOT EXISTS presence_budget_per_second numeric NOT NULL DEFAULT 40
    CHECK (presence_budget_per_second > 0 AND presence_budget_per_second <= 100000),
  ADD COLUMN IF NOT EXISTS presence_watchers integer NOT NULL DEFAULT 1
    CHECK (presence_watchers BETWEEN 1 AND 1000);

CREATE OR REPLACE FUNCTION public.robot_presence_budget() RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid := public.authenticate_robot(); -- refuses a call without a valid robot key
  v_size integer;
  v_budget numeric;
  v_watchers integer;
BEGIN
  SELECT count(*) INTO v_size FROM public.robots r;
  SELECT s.presence_budget_per_second, s.presence_watchers INTO v_budget, v_watchers
    FROM public.fleet_settings s;
  v_budget := coalesce(v_budget, 40);
  v_watchers := coalesce(v_watchers, 1);
  RETURN jsonb_build_object(
    'fleet_size', v_size,
    'presence_budget_per_second', v_budget,
    'presence_watchers', v_watchers,
    'presence_interval_seconds', round(greatest(6.5, v_size::numeric * (v_size + v_watchers) / v_budget), 1));
END
$$;

REVOKE ALL ON FUNCTION public.robot_presence_budget() FROM PUBLIC, authenticated;
GRANT EXECUTE ON FUNCTION public.robot_presence_budget() TO anon, service_role;
