-- Robot identity: API keys, how a robot RPC knows who calls it, and the operator key functions.
--
-- A robot calls with the anon key plus header `x-robot-api-key: crpa_<43 base64url chars>`.
-- Only the lowercase hex SHA-256 of the key is stored (robot_api_keys.api_key_hash).
--
-- Creates (CREATE OR REPLACE):
--   api_key_hash(text)                     sha256 hex of a raw key
--   authenticate_robot()                   robot_id of the caller's key, or SQLSTATE PT401 (HTTP 401)
--   validate_api_key_hash(varchar)         seed function: (robot_id, key_id, is_valid, reason)
--   update_api_key_last_used(varchar,inet) seed function
--   create_robot(...)                      operator: a robot row, returns robot_id
--   create_robot_api_key(...)              operator: a new key, returns the raw key (shown once)
--   revoke_robot_api_key(uuid, text)       operator
--
-- Refused calls cannot leave an audit row behind: the PT401 error rolls back the caller's
-- transaction. Each refusal therefore advances robot_auth_failures_seq (not transactional), and
-- fleet_maintenance() writes at most one auth_failure audit row per run with the count. That is
-- the rate limit: a bad robot cannot flood robot_api_key_audit.

CREATE OR REPLACE FUNCTION public.api_key_hash(p_raw_key text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SECURITY INVOKER SET search_path = pg_catalog AS $$
  SELECT encode(sha256(convert_to(p_raw_key, 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION public.refuse_robot(p_message text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM nextval('public.robot_auth_failures_seq');
  RAISE EXCEPTION USING
    ERRCODE = 'PT401',
    MESSAGE = p_message,
    HINT = 'send a valid robot API key (crpa_...) in the x-robot-api-key header; an operator can '
           'create one with create_robot_api_key';
END
$$;

-- Resolves the calling robot from the x-robot-api-key request header. last_used_at/last_used_ip
-- are written at most once a minute per key, so a busy robot does not write its key row per call.
CREATE OR REPLACE FUNCTION public.authenticate_robot() RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_raw text := public.request_header('x-robot-api-key');
  v_key public.robot_api_keys%ROWTYPE;
BEGIN
  IF v_raw IS NULL OR v_raw = '' THEN
    PERFORM public.refuse_robot('missing robot API key');
  END IF;
  -- format check first: a malformed key costs no lookup
  IF left(v_raw, 5) <> 'crpa_' OR length(v_raw) < 40 THEN
    PERFORM public.refuse_robot('malformed robot API key (expected crpa_ followed by 43 characters)');
  END IF;
  SELECT * INTO v_key FROM public.robot_api_keys WHERE api_key_hash = public.api_key_hash(v_raw);
  IF NOT FOUND THEN
    PERFORM public.refuse_robot('unknown robot API key');
  END IF;
  IF v_key.is_revoked THEN
    PERFORM public.refuse_robot('robot API key revoked');
  END IF;
  IF v_key.expires_at IS NOT NULL AND v_key.expires_at <= now() THEN
    PERFORM public.refuse_robot('robot API key expired');
  END IF;
  IF v_key.last_used_at IS NULL OR v_key.last_used_at < now() - interval '1 minute' THEN
    UPDATE public.robot_api_keys
       SET last_used_at = now(), last_used_ip = coalesce(public.request_client_ip(), last_used_ip)
     WHERE id = v_key.id;
  END IF;
  RETURN v_key.robot_id;
END
$$;

-- Seed function (original signature). Zero rows when no key has this hash, as the original.
CREATE OR REPLACE FUNCTION public.validate_api_key_hash(key_hash varchar(64))
RETURNS TABLE (robot_id uuid, key_id uuid, is_valid boolean, reason varchar(50))
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT k.robot_id,
         k.id,
         (NOT k.is_revoked AND (k.expires_at IS NULL OR k.expires_at > now())),
         (CASE WHEN k.is_revoked THEN 'revoked'
               WHEN k.expires_at IS NOT NULL AND k.expires_at <= now() THEN 'expired'
               ELSE 'valid' END)::varchar(50)
    FROM public.robot_api_keys k
   WHERE k.api_key_hash = validate_api_key_hash.key_hash
   LIMIT 1
$$;

-- Seed function (original signature).
CREATE OR REPLACE FUNCTION public.update_api_key_last_used(key_hash varchar(64), client_ip inet DEFAULT NULL)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  UPDATE public.robot_api_keys k
     SET last_used_at = now(), last_used_ip = coalesce(client_ip, k.last_used_ip)
   WHERE k.api_key_hash = update_api_key_last_used.key_hash AND NOT k.is_revoked
$$;

CREATE OR REPLACE FUNCTION public.create_robot(
  p_name text,
  p_hostname text DEFAULT NULL,
  p_environment text DEFAULT 'default',
  p_capabilities jsonb DEFAULT '[]'::jsonb,
  p_max_concurrent_jobs integer DEFAULT 1,
  p_tenant_id uuid DEFAULT NULL)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid;
BEGIN
  IF p_name IS NULL OR btrim(p_name) = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_name is required (a unique robot name)';
  END IF;
  IF coalesce(btrim(p_environment), '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_environment must not be empty (use ''default'')';
  END IF;
  IF p_capabilities IS NOT NULL AND jsonb_typeof(p_capabilities) <> 'array' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_capabilities must be a JSON array of strings';
  END IF;
  IF p_max_concurrent_jobs IS NULL OR p_max_concurrent_jobs < 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_max_concurrent_jobs must be 0 or more';
  END IF;
  IF EXISTS (SELECT 1 FROM public.robots WHERE name = p_name) THEN
    RAISE EXCEPTION USING ERRCODE = 'PT409', MESSAGE = format('a robot named %s already exists', p_name),
      HINT = 'robot names are unique; pick another name';
  END IF;
  INSERT INTO public.robots (name, hostname, environment, capabilities, max_concurrent_jobs, tenant_id)
  VALUES (p_name, p_hostname, p_environment, coalesce(p_capabilities, '[]'::jsonb), p_max_concurrent_jobs, p_tenant_id)
  RETURNING robot_id INTO v_robot_id;
  RETURN v_robot_id;
END
$$;

-- The raw key leaves the database exactly once, as this function's result.
CREATE OR REPLACE FUNCTION public.create_robot_api_key(
  p_robot_id uuid,
  p_name text DEFAULT NULL,
  p_expires_at timestamptz DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, extensions, pg_temp AS $$
DECLARE
  v_raw text;
  v_key_id uuid;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM public.robots WHERE robot_id = p_robot_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'PT404', MESSAGE = format('robot %s not found', p_robot_id);
  END IF;
  IF p_expires_at IS NOT NULL AND p_expires_at <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_expires_at must be in the future';
  END IF;
  -- 32 random bytes -> 43 base64url characters without padding
  v_raw := 'crpa_' || translate(encode(gen_random_bytes(32), 'base64'), E'+/=\n', '-_');
  INSERT INTO public.robot_api_keys (robot_id, api_key_hash, name, expires_at, created_by)
  VALUES (p_robot_id, public.api_key_hash(v_raw), p_name, p_expires_at,
          coalesce(auth.jwt() ->> 'sub', current_user))
  RETURNING id INTO v_key_id;
  INSERT INTO public.robot_api_key_audit (api_key_id, robot_id, event_type, details)
  VALUES (v_key_id, p_robot_id, 'created',
          jsonb_build_object('name', p_name, 'expires_at', p_expires_at, 'key_prefix', left(v_raw, 8)));
  RETURN v_raw;
END
$$;

CREATE OR REPLACE FUNCTION public.revoke_robot_api_key(p_key_id uuid, p_reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_robot_id uuid;
BEGIN
  UPDATE public.robot_api_keys
     SET is_revoked = true,
         revoked_at = coalesce(revoked_at, now()),
         revoked_by = coalesce(auth.jwt() ->> 'sub', current_user),
         revoke_reason = p_reason
   WHERE id = p_key_id
  RETURNING robot_id INTO v_robot_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'PT404', MESSAGE = format('robot API key %s not found', p_key_id);
  END IF;
  INSERT INTO public.robot_api_key_audit (api_key_id, robot_id, event_type, details)
  VALUES (p_key_id, v_robot_id, 'revoked', jsonb_build_object('reason', p_reason));
END
$$;
