-- Local platform bootstrap: what a Supabase project already provides before our migrations run.
--
-- Applied ONLY by the local stack (devstack) and by tests, on plain PostgreSQL.
-- NEVER apply this to a real Supabase project: there these objects exist and are owned by the platform.
--
-- Creates (idempotently):
--   roles     anon, authenticated, service_role (BYPASSRLS), authenticator (LOGIN, member of the three)
--   schemas   auth, extensions, realtime
--   functions auth.uid(), auth.role(), auth.email(), auth.jwt()  (read request.jwt.claim(s) GUCs, as GoTrue's do)
--   publication supabase_realtime (empty; migrations add tables)
--   realtime.messages + realtime.send(payload, event, topic, private): stores the message (payload
--     plus an "id", as hosted) and notifies channel 'realtime_messages' with the row id; the local
--     Realtime server delivers it. Errors are swallowed as a WARNING, as hosted does.
--   realtime.topic() and the API roles' grants on realtime.messages (RLS, with no policy, still
--     denies everything): what private-channel policies are written against on Supabase.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
    CREATE ROLE anon NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticator') THEN
    CREATE ROLE authenticator LOGIN NOINHERIT PASSWORD 'postgres';
  END IF;
END
$$;

ALTER ROLE anon SET statement_timeout = '3s';
ALTER ROLE authenticated SET statement_timeout = '8s';
GRANT anon, authenticated, service_role TO authenticator;

CREATE SCHEMA IF NOT EXISTS auth;
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE SCHEMA IF NOT EXISTS realtime;

GRANT USAGE ON SCHEMA public, auth, extensions TO anon, authenticated, service_role;
GRANT USAGE ON SCHEMA realtime TO anon, authenticated, service_role;

CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

CREATE OR REPLACE FUNCTION auth.role() RETURNS text
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

CREATE OR REPLACE FUNCTION auth.email() RETURNS text
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

GRANT EXECUTE ON FUNCTION auth.jwt(), auth.uid(), auth.role(), auth.email()
  TO anon, authenticated, service_role;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'supabase_realtime') THEN
    CREATE PUBLICATION supabase_realtime;
  END IF;
END
$$;

CREATE TABLE IF NOT EXISTS realtime.messages (
  id          bigserial PRIMARY KEY,
  topic       text        NOT NULL,
  extension   text        NOT NULL DEFAULT 'broadcast',
  event       text,
  payload     jsonb,
  private     boolean     NOT NULL DEFAULT true,
  inserted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS messages_inserted_at_idx ON realtime.messages (inserted_at);
ALTER TABLE realtime.messages ENABLE ROW LEVEL SECURITY;

-- Same signature and behaviour as Supabase's realtime.send: the payload gets an "id" (a new uuid)
-- unless it has one, and a failure to store the message never fails the caller: it becomes a
-- WARNING and the message is lost (a hint, never the truth). SECURITY DEFINER so that any trigger
-- may call it.
CREATE OR REPLACE FUNCTION realtime.send(payload jsonb, event text, topic text, private boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  message_id bigint;
  sent jsonb := payload;
BEGIN
  BEGIN
    IF jsonb_typeof(sent) = 'object' AND NOT sent ? 'id' THEN
      sent := sent || jsonb_build_object('id', gen_random_uuid());
    END IF;
    INSERT INTO realtime.messages (topic, extension, event, payload, private)
    VALUES (topic, 'broadcast', event, sent, private)
    RETURNING id INTO message_id;
    PERFORM pg_notify('realtime_messages', message_id::text);
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'ErrorSendingBroadcastMessage: %', SQLERRM;
  END;
END
$$;
REVOKE ALL ON FUNCTION realtime.send(jsonb, text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION realtime.send(jsonb, text, text, boolean) TO service_role;

CREATE OR REPLACE FUNCTION realtime.topic() RETURNS text
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT nullif(current_setting('realtime.topic', true), '')::text
$$;
GRANT EXECUTE ON FUNCTION realtime.topic() TO anon, authenticated, service_role;
GRANT SELECT, INSERT ON realtime.messages TO anon, authenticated, service_role;
GRANT USAGE ON SEQUENCE realtime.messages_id_seq TO anon, authenticated, service_role;

-- Database webhooks, as hosted Supabase provides them once "Database Webhooks" are enabled:
-- pg_net's queue (net.http_request_queue, net._http_response, net.http_post/http_get) and
-- supabase_functions.http_request(url, method, headers, params, timeout_ms), the trigger function
-- the dashboard's webhooks call. Like pg_net, a request is only queued by the caller's transaction
-- (NOTIFY 'net_http_request' fires at commit; a rolled-back transaction sends nothing) and the
-- local stack's `net` component delivers it afterwards on its own thread and stores the response.
CREATE SCHEMA IF NOT EXISTS net;
CREATE SCHEMA IF NOT EXISTS supabase_functions;

CREATE UNLOGGED TABLE IF NOT EXISTS net.http_request_queue (
  id                   bigserial PRIMARY KEY,
  method               text  NOT NULL,
  url                  text  NOT NULL,
  headers              jsonb NOT NULL DEFAULT '{}'::jsonb,
  body                 bytea,
  timeout_milliseconds integer NOT NULL DEFAULT 5000
);

CREATE UNLOGGED TABLE IF NOT EXISTS net._http_response (
  id           bigint PRIMARY KEY,
  status_code  integer,
  content_type text,
  headers      jsonb,
  content      text,
  timed_out    boolean,
  error_msg    text,
  created      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS _http_response_created_idx ON net._http_response (created);

CREATE OR REPLACE FUNCTION net.http_post(
  url text, body jsonb DEFAULT '{}'::jsonb, params jsonb DEFAULT '{}'::jsonb,
  headers jsonb DEFAULT '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer DEFAULT 5000)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  request_id bigint;
  query text := '';
  k text;
  v text;
BEGIN
  FOR k, v IN SELECT key, value FROM jsonb_each_text(coalesce(params, '{}'::jsonb)) LOOP
    query := query || CASE WHEN query = '' THEN '' ELSE '&' END || k || '=' || v;
  END LOOP;
  INSERT INTO net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  VALUES ('POST',
          url || CASE WHEN query = '' THEN '' WHEN url LIKE '%?%' THEN '&' || query ELSE '?' || query END,
          coalesce(headers, '{}'::jsonb), convert_to(body::text, 'UTF8'), timeout_milliseconds)
  RETURNING id INTO request_id;
  PERFORM pg_notify('net_http_request', request_id::text);
  RETURN request_id;
END
$$;

CREATE OR REPLACE FUNCTION net.http_get(
  url text, params jsonb DEFAULT '{}'::jsonb, headers jsonb DEFAULT '{}'::jsonb,
  timeout_milliseconds integer DEFAULT 5000)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  request_id bigint;
  query text := '';
  k text;
  v text;
BEGIN
  FOR k, v IN SELECT key, value FROM jsonb_each_text(coalesce(params, '{}'::jsonb)) LOOP
    query := query || CASE WHEN query = '' THEN '' ELSE '&' END || k || '=' || v;
  END LOOP;
  INSERT INTO net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  VALUES ('GET',
          url || CASE WHEN query = '' THEN '' WHEN url LIKE '%?%' THEN '&' || query ELSE '?' || query END,
          coalesce(headers, '{}'::jsonb), NULL, timeout_milliseconds)
  RETURNING id INTO request_id;
  PERFORM pg_notify('net_http_request', request_id::text);
  RETURN request_id;
END
$$;

CREATE TABLE IF NOT EXISTS supabase_functions.hooks (
  id            bigserial PRIMARY KEY,
  hook_table_id integer NOT NULL,
  hook_name     text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  request_id    bigint
);

-- The webhook trigger function: arguments (url, method, headers json, params json, timeout_ms) as
-- the dashboard writes them; POST sends {type, table, schema, record, old_record}.
CREATE OR REPLACE FUNCTION supabase_functions.http_request()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  request_id bigint;
  url text := TG_ARGV[0];
  method text := TG_ARGV[1];
  headers jsonb := '{"Content-Type": "application/json"}'::jsonb;
  params jsonb := '{}'::jsonb;
  timeout_ms integer := 1000;
BEGIN
  IF url IS NULL OR url = 'null' THEN
    RAISE EXCEPTION 'url argument is missing';
  END IF;
  IF method IS NULL OR method = 'null' THEN
    RAISE EXCEPTION 'method argument is missing';
  END IF;
  IF TG_NARGS > 2 AND TG_ARGV[2] IS NOT NULL AND TG_ARGV[2] <> 'null' THEN
    headers := TG_ARGV[2]::jsonb;
  END IF;
  IF TG_NARGS > 3 AND TG_ARGV[3] IS NOT NULL AND TG_ARGV[3] <> 'null' THEN
    params := TG_ARGV[3]::jsonb;
  END IF;
  IF TG_NARGS > 4 AND TG_ARGV[4] IS NOT NULL AND TG_ARGV[4] <> 'null' THEN
    timeout_ms := TG_ARGV[4]::integer;
  END IF;
  IF method = 'GET' THEN
    request_id := net.http_get(url, params, headers, timeout_ms);
  ELSIF method = 'POST' THEN
    request_id := net.http_post(
      url,
      jsonb_build_object(
        'old_record', CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END,
        'record', CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END,
        'type', TG_OP,
        'table', TG_TABLE_NAME,
        'schema', TG_TABLE_SCHEMA),
      params, headers, timeout_ms);
  ELSE
    RAISE EXCEPTION 'method argument % is invalid', method;
  END IF;
  INSERT INTO supabase_functions.hooks (hook_table_id, hook_name, request_id)
  VALUES (TG_RELID, TG_NAME, request_id);
  RETURN NEW;
END
$$;
GRANT USAGE ON SCHEMA net, supabase_functions TO postgres, service_role;
