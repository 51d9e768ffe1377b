-- Small shared functions the RPCs build on.
--
-- Creates (CREATE OR REPLACE):
--   fleet_settings_json()        the settings robots receive from robot_register
--   fleet_lease_interval()       lease length as an interval
--   fleet_retry_backoff(int)     delay before retry n+1: base * 2^n seconds, capped
--   request_header(text)         a PostgREST request header (lower-cased name) or null
--   request_client_ip()          first x-forwarded-for / x-real-ip address, or null
--   jwt_tenant_id()              tenant of the calling dashboard user (claim tenant_id, top level
--                                or in app_metadata), or null when absent or not a uuid
--   log_level_rank(text)         TRACE 0 < DEBUG 1 < INFO 2 < WARNING 3 < ERROR 4 < CRITICAL 5
--   normalize_log_level(text)    upper-cases, maps WARN/ERR/FATAL/VERBOSE, unknown -> INFO
-- All are SECURITY INVOKER with a fixed search_path; EXECUTE is granted in 20260101000008.

CREATE OR REPLACE FUNCTION public.fleet_settings_json() RETURNS jsonb
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = public, pg_temp AS $$
  SELECT jsonb_build_object(
           'lease_seconds', s.lease_seconds,
           'heartbeat_interval_seconds', s.heartbeat_interval_seconds,
           'offline_threshold_seconds', s.offline_threshold_seconds,
           'job_poll_interval_seconds', s.job_poll_interval_seconds,
           'maintenance_interval_seconds', s.maintenance_interval_seconds,
           'log_retention_days', s.log_retention_days)
    FROM public.fleet_settings s
$$;

CREATE OR REPLACE FUNCTION public.fleet_lease_interval() RETURNS interval
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = public, pg_temp AS $$
  SELECT make_interval(secs => s.lease_seconds) FROM public.fleet_settings s
$$;

CREATE OR REPLACE FUNCTION public.fleet_retry_backoff(p_retry_count integer) RETURNS interval
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = public, pg_temp AS $$
  SELECT make_interval(secs => least(s.retry_backoff_max_seconds::double precision,
                                     s.retry_backoff_base_seconds * power(2, least(greatest(p_retry_count, 0), 30))))
    FROM public.fleet_settings s
$$;

-- PostgREST puts the request headers, names lower-cased, as JSON in the request.headers GUC.
CREATE OR REPLACE FUNCTION public.request_header(p_name text) RETURNS text
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog AS $$
  SELECT nullif(current_setting('request.headers', true), '')::json ->> lower(p_name)
$$;

CREATE OR REPLACE FUNCTION public.request_client_ip() RETURNS inet
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = public, pg_temp AS $$
DECLARE
  v_text text := btrim(split_part(coalesce(public.request_header('x-forwarded-for'),
                                           public.request_header('x-real-ip'), ''), ',', 1));
BEGIN
  IF v_text = '' THEN
    RETURN NULL;
  END IF;
  RETURN v_text::inet;
EXCEPTION WHEN invalid_text_representation THEN
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION public.jwt_tenant_id() RETURNS uuid
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog AS $$
  SELECT CASE WHEN t ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN t::uuid END
    FROM (SELECT coalesce(c ->> 'tenant_id', c -> 'app_metadata' ->> 'tenant_id') AS t
            FROM (SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb AS c) claims) claim
$$;

CREATE OR REPLACE FUNCTION public.log_level_rank(p_level text) RETURNS integer
LANGUAGE sql IMMUTABLE SECURITY INVOKER SET search_path = pg_catalog AS $$
  SELECT CASE upper(p_level)
           WHEN 'TRACE' THEN 0 WHEN 'DEBUG' THEN 1 WHEN 'INFO' THEN 2
           WHEN 'WARNING' THEN 3 WHEN 'ERROR' THEN 4 WHEN 'CRITICAL' THEN 5
         END
$$;

CREATE OR REPLACE FUNCTION public.normalize_log_level(p_level text) RETURNS text
LANGUAGE sql IMMUTABLE SECURITY INVOKER SET search_path = pg_catalog AS $$
  SELECT CASE upper(btrim(coalesce(p_level, '')))
           WHEN 'TRACE' THEN 'TRACE' WHEN 'VERBOSE' THEN 'TRACE'
           WHEN 'DEBUG' THEN 'DEBUG'
           WHEN 'INFO' THEN 'INFO'
           WHEN 'WARNING' THEN 'WARNING' WHEN 'WARN' THEN 'WARNING'
           WHEN 'ERROR' THEN 'ERROR' WHEN 'ERR' THEN 'ERROR'
           WHEN 'CRITICAL' THEN 'CRITICAL' WHEN 'FATAL' THEN 'CRITICAL'
           ELSE 'INFO'
         END
$$;
