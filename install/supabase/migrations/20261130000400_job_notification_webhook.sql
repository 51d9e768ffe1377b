-- The seed's "job notification" database webhook: jobs changes -> edge function job-notification.
--
-- On Supabase a database webhook is a trigger calling supabase_functions.http_request(url, method,
-- headers, params, timeout_ms) (pg_net underneath: the request is queued by the transaction and
-- sent after it commits; the transaction never waits for it). Trigger arguments must be literals,
-- so the URL and headers (the function needs `Authorization: Bearer <service_role key>`) are
-- written into the trigger by
--
--   SELECT install_job_notification_webhook(
--     'https://<project-ref>.supabase.co/functions/v1/job-notification',
--     '{"Content-Type": "application/json", "apikey": "<service_role key>",
--       "Authorization": "Bearer <service_role key>"}');
--
-- run once as the service role (SQL editor), or, during `supabase db push`, from the database
-- settings app.job_notification_url / app.job_notification_headers when they are set
-- (ALTER DATABASE postgres SET app.job_notification_url = '…'). The local stack installs it itself
-- with its own /functions/v1/job-notification URL when functions/.env sets JOB_NOTIFICATION_WEBHOOK.
-- The default timeout (60 s) covers the function's own retries of the outbound webhook.
-- Two triggers: AFTER INSERT (job.created) and AFTER UPDATE OF status when the status changed, so
-- lease renewals and progress writes send nothing.
--
--   record_job_notification(job_id, event, outcome jsonb): what the function calls afterwards;
--   merges {event: outcome} into jobs.metadata.notifications, keeping every other metadata key.

CREATE OR REPLACE FUNCTION public.install_job_notification_webhook(
  p_url text,
  p_headers jsonb DEFAULT '{"Content-Type": "application/json"}'::jsonb,
  p_timeout_ms integer DEFAULT 60000)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF p_url IS NULL OR p_url !~ '^https?://' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = format('p_url must be the http(s) URL of the job-notification function, got %s', p_url);
  END IF;
  IF p_headers IS NULL OR jsonb_typeof(p_headers) <> 'object' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = 'p_headers must be a JSON object of header names to values';
  END IF;
  IF p_timeout_ms IS NULL OR p_timeout_ms < 100 OR p_timeout_ms > 60000 THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = format('p_timeout_ms must be 100..60000, got %s', p_timeout_ms);
  END IF;
  IF to_regprocedure('supabase_functions.http_request()') IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = 'supabase_functions.http_request() is missing: enable Database Webhooks in the Supabase dashboard (Database > Webhooks), then call this again';
  END IF;
  DROP TRIGGER IF EXISTS casare_job_notification_insert ON public.jobs;
  DROP TRIGGER IF EXISTS casare_job_notification_status ON public.jobs;
  EXECUTE format(
    'CREATE TRIGGER casare_job_notification_insert AFTER INSERT ON public.jobs FOR EACH ROW '
    'EXECUTE FUNCTION supabase_functions.http_request(%L, %L, %L, %L, %L)',
    p_url, 'POST', p_headers::text, '{}', p_timeout_ms::text);
  EXECUTE format(
    'CREATE TRIGGER casare_job_notification_status AFTER UPDATE OF status ON public.jobs FOR EACH ROW '
    'WHEN (OLD.status IS DISTINCT FROM NEW.status) '
    'EXECUTE FUNCTION supabase_functions.http_request(%L, %L, %L, %L, %L)',
    p_url, 'POST', p_headers::text, '{}', p_timeout_ms::text);
  RETURN p_url;
END
$$;
REVOKE ALL ON FUNCTION public.install_job_notification_webhook(text, jsonb, integer) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.install_job_notification_webhook(text, jsonb, integer) TO service_role;

CREATE OR REPLACE FUNCTION public.uninstall_job_notification_webhook()
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  DROP TRIGGER IF EXISTS casare_job_notification_insert ON public.jobs;
  DROP TRIGGER IF EXISTS casare_job_notification_status ON public.jobs;
END
$$;
REVOKE ALL ON FUNCTION public.uninstall_job_notification_webhook() FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.uninstall_job_notification_webhook() TO service_role;

CREATE OR REPLACE FUNCTION public.record_job_notification(p_job_id uuid, p_event text, p_outcome jsonb)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF p_event IS NULL OR p_event !~ '^job\.[a-z_]+$' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400',
      MESSAGE = format('p_event must look like job.completed, got %s', p_event);
  END IF;
  IF p_outcome IS NULL OR jsonb_typeof(p_outcome) <> 'object' THEN
    RAISE EXCEPTION USING ERRCODE = 'PT400', MESSAGE = 'p_outcome must be a JSON object';
  END IF;
  UPDATE public.jobs j
     SET metadata = coalesce(j.metadata, '{}'::jsonb)
                    || jsonb_build_object('notifications',
                         CASE WHEN jsonb_typeof(j.metadata -> 'notifications') = 'object'
                              THEN j.metadata -> 'notifications' ELSE '{}'::jsonb END
                         || jsonb_build_object(p_event, p_outcome))
   WHERE j.job_id = p_job_id;
  RETURN FOUND;
END
$$;
REVOKE ALL ON FUNCTION public.record_job_notification(uuid, text, jsonb) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.record_job_notification(uuid, text, jsonb) TO service_role;

DO $$
DECLARE
  v_url text := nullif(current_setting('app.job_notification_url', true), '');
  v_headers text := nullif(current_setting('app.job_notification_headers', true), '');
BEGIN
  IF v_url IS NOT NULL AND to_regprocedure('supabase_functions.http_request()') IS NOT NULL THEN
    PERFORM public.install_job_notification_webhook(
      v_url, coalesce(v_headers, '{"Content-Type": "application/json"}')::jsonb);
  END IF;
END
$$;
