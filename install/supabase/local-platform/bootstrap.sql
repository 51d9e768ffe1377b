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
