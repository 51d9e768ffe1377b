-- Realtime hints and scheduled maintenance; each part only where the platform provides it.
--
--   publication supabase_realtime  += robots, jobs (postgres_changes), when the publication exists
--   jobs_realtime_hints()          trigger on jobs, via realtime.send(payload, event, topic, false)
--                                  when realtime.send(jsonb,text,text,boolean) exists:
--                                    job_queued on 'job-queue' {job_id, priority, environment,
--                                      required_capabilities} when a job becomes queued and due
--                                    cancel_job on 'robot:<robot_id>' {job_id} when a live job gets
--                                      cancel_requested_at
--                                  The database stays the truth: a lost hint costs only latency,
--                                  so a failing send is logged as a warning and never fails the write.
--   pg_cron (when installed)       casare-fleet-maintenance every 10 s (every minute on pg_cron
--                                  versions without second schedules); casare-robot-logs-retention
--                                  daily at 02:17 UTC; casare-cron-history-cleanup keeps one day of
--                                  their cron.job_run_details. Without pg_cron the robots run
--                                  maintenance through robot_fleet_maintenance().

DO $$
DECLARE
  v_table text;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'supabase_realtime') THEN
    FOREACH v_table IN ARRAY ARRAY['robots', 'jobs'] LOOP
      IF NOT EXISTS (SELECT 1 FROM pg_publication_tables
                      WHERE pubname = 'supabase_realtime' AND schemaname = 'public' AND tablename = v_table) THEN
        EXECUTE format('ALTER PUBLICATION supabase_realtime ADD TABLE public.%I', v_table);
      END IF;
    END LOOP;
  END IF;
END
$$;

CREATE OR REPLACE FUNCTION public.jobs_realtime_hints() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF to_regprocedure('realtime.send(jsonb,text,text,boolean)') IS NULL THEN
    RETURN NULL;
  END IF;
  BEGIN
    IF NEW.status = 'queued'
       AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'queued')
       AND (NEW.scheduled_time IS NULL OR NEW.scheduled_time <= now()) THEN
      PERFORM realtime.send(
        jsonb_build_object('job_id', NEW.job_id, 'priority', NEW.priority, 'environment', NEW.environment,
                           'required_capabilities', NEW.required_capabilities),
        'job_queued', 'job-queue', false);
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.cancel_requested_at IS NOT NULL AND OLD.cancel_requested_at IS NULL
       AND NEW.status IN ('claimed', 'running') AND NEW.robot_uuid IS NOT NULL THEN
      PERFORM realtime.send(jsonb_build_object('job_id', NEW.job_id), 'cancel_job',
                            'robot:' || NEW.robot_uuid::text, false);
    END IF;
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'realtime hint for job % not sent: %', NEW.job_id, SQLERRM;
  END;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION public.jobs_realtime_hints() FROM PUBLIC, anon, authenticated;

CREATE OR REPLACE TRIGGER trg_jobs_realtime_insert
  AFTER INSERT ON public.jobs
  FOR EACH ROW WHEN (NEW.status = 'queued')
  EXECUTE FUNCTION public.jobs_realtime_hints();
CREATE OR REPLACE TRIGGER trg_jobs_realtime_update
  AFTER UPDATE OF status, cancel_requested_at ON public.jobs
  FOR EACH ROW WHEN ((NEW.status = 'queued' AND OLD.status IS DISTINCT FROM 'queued')
                     OR (NEW.cancel_requested_at IS NOT NULL AND OLD.cancel_requested_at IS NULL))
  EXECUTE FUNCTION public.jobs_realtime_hints();

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
    BEGIN
      PERFORM cron.schedule('casare-fleet-maintenance', '10 seconds', 'SELECT public.fleet_maintenance()');
    EXCEPTION WHEN OTHERS THEN
      PERFORM cron.schedule('casare-fleet-maintenance', '* * * * *', 'SELECT public.fleet_maintenance()');
    END;
    PERFORM cron.schedule('casare-robot-logs-retention', '17 2 * * *',
                          'SELECT count(*) FROM public.drop_old_robot_logs_partitions()');
    -- a run every 10 s leaves 8,640 rows a day in pg_cron's own history: keep one day of ours
    IF to_regclass('cron.job_run_details') IS NOT NULL THEN
      PERFORM cron.schedule('casare-cron-history-cleanup', '23 3 * * *',
        $cmd$DELETE FROM cron.job_run_details WHERE end_time < now() - interval '1 day'
               AND jobid IN (SELECT jobid FROM cron.job WHERE jobname LIKE 'casare-%')$cmd$);
    END IF;
  END IF;
END
$$;
