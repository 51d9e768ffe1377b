-- Fleet tables: the seed's twelve (original CasareRPA column names, reference/casare-contracts.md §1.2)
-- plus what the job queue needs (CONTRACT.md §3), the server settings and the maintenance state.
--
-- Creates (idempotently):
--   extension pgcrypto (schema extensions; Supabase already has it) for gen_random_bytes()
--   tables    fleet_settings, fleet_maintenance_state,
--             workflows, workflow_versions, robots, jobs, robot_api_keys, robot_api_key_audit,
--             robot_logs (range-partitioned by "timestamp", DEFAULT partition robot_logs_default),
--             robot_logs_cleanup_history, schedules, workflow_robot_assignments,
--             node_robot_overrides, robot_heartbeats
--   sequence  robot_auth_failures_seq (counts refused robot calls; see 20260101000003)
--   function  update_updated_at_column() and the BEFORE UPDATE triggers using it
--
-- Additions to the original columns: tenant_id where tenant isolation needs it; on jobs the queue
-- columns (claim_token, lease_expires_at, attempt, environment, required_capabilities,
-- cancel_requested_at, workflow_json, updated_at, error_details); on robots agent_version and
-- metadata; on robot_logs job_id, node_id, seq. Nothing original is renamed.

CREATE SCHEMA IF NOT EXISTS extensions;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;

-- ---------------------------------------------------------------------------------------------
-- Server settings: one row, read by robot_register and every RPC that needs a lease or threshold.
-- Operators change them with a plain UPDATE (service role).
CREATE TABLE IF NOT EXISTS public.fleet_settings (
  id                           boolean PRIMARY KEY DEFAULT true CHECK (id),
  lease_seconds                integer NOT NULL DEFAULT 60  CHECK (lease_seconds BETWEEN 5 AND 3600),
  heartbeat_interval_seconds   integer NOT NULL DEFAULT 15  CHECK (heartbeat_interval_seconds BETWEEN 1 AND 600),
  offline_threshold_seconds    integer NOT NULL DEFAULT 90  CHECK (offline_threshold_seconds BETWEEN 5 AND 86400),
  job_poll_interval_seconds    integer NOT NULL DEFAULT 5   CHECK (job_poll_interval_seconds BETWEEN 1 AND 600),
  maintenance_interval_seconds integer NOT NULL DEFAULT 10  CHECK (maintenance_interval_seconds BETWEEN 1 AND 3600),
  log_retention_days           integer NOT NULL DEFAULT 30  CHECK (log_retention_days BETWEEN 1 AND 3650),
  log_partition_days_ahead     integer NOT NULL DEFAULT 7   CHECK (log_partition_days_ahead BETWEEN 1 AND 90),
  heartbeat_retention_hours    integer NOT NULL DEFAULT 24  CHECK (heartbeat_retention_hours BETWEEN 1 AND 8760),
  retry_backoff_base_seconds   integer NOT NULL DEFAULT 5   CHECK (retry_backoff_base_seconds BETWEEN 0 AND 3600),
  retry_backoff_max_seconds    integer NOT NULL DEFAULT 300 CHECK (retry_backoff_max_seconds BETWEEN 0 AND 86400),
  updated_at                   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT fleet_settings_heartbeat_within_lease CHECK (heartbeat_interval_seconds < lease_seconds)
);
INSERT INTO public.fleet_settings (id) VALUES (true) ON CONFLICT (id) DO NOTHING;

-- What fleet_maintenance() last did; one row.
CREATE TABLE IF NOT EXISTS public.fleet_maintenance_state (
  id                  boolean PRIMARY KEY DEFAULT true CHECK (id),
  last_run_at         timestamptz,
  last_result         jsonb,
  auth_failures_seen  bigint NOT NULL DEFAULT 0
);
INSERT INTO public.fleet_maintenance_state (id) VALUES (true) ON CONFLICT (id) DO NOTHING;

-- Refused robot calls. A sequence because nextval() survives the rollback of the refused call
-- (an audit row written in that transaction would vanish with it); fleet_maintenance() turns the
-- count into at most one robot_api_key_audit row per run.
CREATE SEQUENCE IF NOT EXISTS public.robot_auth_failures_seq;

-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION public.update_updated_at_column() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

-- ---------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS public.workflows (
  workflow_id     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workflow_name   varchar(255) NOT NULL,
  workflow_json   jsonb NOT NULL,
  version         integer DEFAULT 1,
  description     text,
  tags            varchar(255)[],
  created_at      timestamptz DEFAULT now(),
  updated_at      timestamptz DEFAULT now(),
  created_by      varchar(255),
  timeout_seconds integer DEFAULT 3600,
  max_retries     integer DEFAULT 3,
  search_vector   tsvector GENERATED ALWAYS AS (
                    to_tsvector('english'::regconfig,
                                coalesce(workflow_name, '') || ' ' || coalesce(description, ''))) STORED,
  tenant_id       uuid
);
CREATE INDEX IF NOT EXISTS idx_workflows_name ON public.workflows (workflow_name);
CREATE INDEX IF NOT EXISTS idx_workflows_created_at ON public.workflows (created_at DESC);
CREATE INDEX IF NOT EXISTS idx_workflows_tags ON public.workflows USING gin (tags);
CREATE INDEX IF NOT EXISTS idx_workflows_search ON public.workflows USING gin (search_vector);
CREATE INDEX IF NOT EXISTS idx_workflows_tenant ON public.workflows (tenant_id);

CREATE TABLE IF NOT EXISTS public.workflow_versions (
  version_id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workflow_id        uuid NOT NULL REFERENCES public.workflows (workflow_id) ON DELETE CASCADE,
  version_number     integer NOT NULL,
  workflow_json      jsonb NOT NULL,
  change_description text,
  created_at         timestamptz DEFAULT now(),
  created_by         varchar(255),
  CONSTRAINT workflow_versions_unique UNIQUE (workflow_id, version_number)
);

-- robots.hostname is deliberately NOT unique (the original had robots_hostname_unique): several
-- robots on one host are legitimate (one agent per desktop session, or several test agents on one
-- machine). A robot is identified by robot_id and its API key; `name` stays unique.
-- hostname is nullable so that an operator may create a robot before its agent has registered.
CREATE TABLE IF NOT EXISTS public.robots (
  robot_id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                varchar(255) NOT NULL,
  hostname            varchar(255),
  status              varchar(50) NOT NULL DEFAULT 'offline',
  environment         varchar(255) DEFAULT 'default',
  capabilities        jsonb DEFAULT '[]'::jsonb,
  tags                jsonb DEFAULT '[]'::jsonb,
  metrics             jsonb DEFAULT '{}'::jsonb,
  max_concurrent_jobs integer DEFAULT 1,
  current_job_ids     jsonb DEFAULT '[]'::jsonb,
  assigned_workflows  jsonb DEFAULT '[]'::jsonb,
  last_heartbeat      timestamptz,
  last_seen           timestamptz,
  created_at          timestamptz DEFAULT now(),
  updated_at          timestamptz DEFAULT now(),
  tenant_id           uuid,
  agent_version       text,
  metadata            jsonb DEFAULT '{}'::jsonb,
  CONSTRAINT robots_name_unique UNIQUE (name),
  CONSTRAINT robots_valid_status CHECK (status IN ('offline', 'online', 'busy', 'error', 'maintenance')),
  CONSTRAINT robots_max_concurrent_jobs_check CHECK (max_concurrent_jobs >= 0),
  CONSTRAINT robots_capabilities_array CHECK (jsonb_typeof(capabilities) = 'array')
);
CREATE INDEX IF NOT EXISTS idx_robots_status ON public.robots (status);
CREATE INDEX IF NOT EXISTS idx_robots_hostname ON public.robots (hostname);
CREATE INDEX IF NOT EXISTS idx_robots_environment ON public.robots (environment);
CREATE INDEX IF NOT EXISTS idx_robots_last_heartbeat ON public.robots (last_heartbeat DESC);
CREATE INDEX IF NOT EXISTS idx_robots_capabilities ON public.robots USING gin (capabilities);
CREATE INDEX IF NOT EXISTS idx_robots_tags ON public.robots USING gin (tags);
CREATE INDEX IF NOT EXISTS idx_robots_tenant ON public.robots (tenant_id);

CREATE TABLE IF NOT EXISTS public.jobs (
  job_id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workflow_id           uuid REFERENCES public.workflows (workflow_id) ON DELETE CASCADE,
  robot_uuid            uuid REFERENCES public.robots (robot_id) ON DELETE SET NULL,
  status                varchar(50) NOT NULL DEFAULT 'pending',
  robot_id              varchar(255),
  priority              integer DEFAULT 10,
  execution_mode        varchar(20) DEFAULT 'lan',
  payload               jsonb DEFAULT '{}'::jsonb,
  workflow_name         varchar(255),
  progress              integer DEFAULT 0,
  current_node          varchar(255) DEFAULT '',
  duration_ms           integer DEFAULT 0,
  logs                  text DEFAULT '',
  created_at            timestamptz DEFAULT now(),
  claimed_at            timestamptz,
  started_at            timestamptz,
  completed_at          timestamptz,
  scheduled_time        timestamptz,
  timeout_seconds       integer DEFAULT 3600,
  result                jsonb,
  error                 text,
  retry_count           integer DEFAULT 0,
  max_retries           integer DEFAULT 3,
  created_by            varchar(255),
  metadata              jsonb DEFAULT '{}'::jsonb,
  -- queue additions (CONTRACT.md §3)
  claim_token           uuid,
  lease_expires_at      timestamptz,
  attempt               integer NOT NULL DEFAULT 0,
  environment           text NOT NULL DEFAULT 'default',
  required_capabilities jsonb NOT NULL DEFAULT '[]'::jsonb,
  cancel_requested_at   timestamptz,
  workflow_json         jsonb,
  updated_at            timestamptz DEFAULT now(),
  error_details         jsonb,
  tenant_id             uuid,
  CONSTRAINT jobs_valid_status CHECK (status IN
    ('pending', 'queued', 'claimed', 'running', 'completed', 'failed', 'cancelled', 'timeout')),
  CONSTRAINT jobs_priority_check CHECK (priority BETWEEN 0 AND 20),
  CONSTRAINT jobs_execution_mode_check CHECK (execution_mode IN ('lan', 'internet')),
  CONSTRAINT jobs_progress_check CHECK (progress BETWEEN 0 AND 100),
  CONSTRAINT jobs_required_capabilities_array CHECK (jsonb_typeof(required_capabilities) = 'array'),
  CONSTRAINT jobs_live_has_claim CHECK (status NOT IN ('claimed', 'running')
                                        OR (robot_uuid IS NOT NULL AND claim_token IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS idx_jobs_workflow_id ON public.jobs (workflow_id);
CREATE INDEX IF NOT EXISTS idx_jobs_status ON public.jobs (status);
CREATE INDEX IF NOT EXISTS idx_jobs_robot_id ON public.jobs (robot_id);
CREATE INDEX IF NOT EXISTS idx_jobs_robot_uuid ON public.jobs (robot_uuid);
CREATE INDEX IF NOT EXISTS idx_jobs_execution_mode ON public.jobs (execution_mode);
CREATE INDEX IF NOT EXISTS idx_jobs_created_at ON public.jobs (created_at DESC);
CREATE INDEX IF NOT EXISTS idx_jobs_priority_created ON public.jobs (priority, created_at);
CREATE INDEX IF NOT EXISTS idx_jobs_tenant ON public.jobs (tenant_id);
-- the claim walks this index in claim order and skips what others hold
CREATE INDEX IF NOT EXISTS idx_jobs_claim_order ON public.jobs (priority DESC, created_at ASC)
  WHERE status = 'queued';
-- free slots of a robot, and the lease sweep of fleet_maintenance()
CREATE INDEX IF NOT EXISTS idx_jobs_live_by_robot ON public.jobs (robot_uuid)
  WHERE status IN ('claimed', 'running');
CREATE INDEX IF NOT EXISTS idx_jobs_live_lease ON public.jobs (lease_expires_at)
  WHERE status IN ('claimed', 'running');

CREATE TABLE IF NOT EXISTS public.robot_api_keys (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  robot_id      uuid NOT NULL REFERENCES public.robots (robot_id) ON DELETE CASCADE,
  api_key_hash  varchar(64) NOT NULL,
  name          varchar(255),
  description   text,
  created_at    timestamptz DEFAULT now(),
  updated_at    timestamptz DEFAULT now(),
  expires_at    timestamptz,
  last_used_at  timestamptz,
  last_used_ip  inet,
  is_revoked    boolean DEFAULT false,
  revoked_at    timestamptz,
  revoked_by    varchar(255),
  revoke_reason text,
  created_by    varchar(255),
  CONSTRAINT robot_api_keys_hash_unique UNIQUE (api_key_hash),
  CONSTRAINT robot_api_keys_hash_format CHECK (api_key_hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX IF NOT EXISTS idx_api_keys_hash_active ON public.robot_api_keys (api_key_hash)
  WHERE is_revoked = false;
CREATE INDEX IF NOT EXISTS idx_api_keys_robot ON public.robot_api_keys (robot_id);
CREATE INDEX IF NOT EXISTS idx_api_keys_expires ON public.robot_api_keys (expires_at)
  WHERE expires_at IS NOT NULL AND is_revoked = false;
CREATE INDEX IF NOT EXISTS idx_api_keys_created_at ON public.robot_api_keys (created_at DESC);

CREATE TABLE IF NOT EXISTS public.robot_api_key_audit (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  api_key_id  uuid REFERENCES public.robot_api_keys (id) ON DELETE SET NULL,
  robot_id    uuid REFERENCES public.robots (robot_id) ON DELETE CASCADE,
  event_type  varchar(50) NOT NULL,
  event_time  timestamptz DEFAULT now(),
  ip_address  inet,
  user_agent  varchar(500),
  endpoint    varchar(255),
  details     jsonb DEFAULT '{}'::jsonb,
  CONSTRAINT robot_api_key_audit_event_type_check CHECK (event_type IN
    ('auth_success', 'auth_failure', 'created', 'revoked', 'expired', 'rotated'))
);
CREATE INDEX IF NOT EXISTS idx_api_key_audit_key ON public.robot_api_key_audit (api_key_id, event_time DESC);
CREATE INDEX IF NOT EXISTS idx_api_key_audit_robot ON public.robot_api_key_audit (robot_id, event_time DESC);
CREATE INDEX IF NOT EXISTS idx_api_key_audit_time ON public.robot_api_key_audit (event_type, event_time DESC);

-- Robot and workflow log lines. Daily range partitions robot_logs_YYYY_MM_DD are kept ahead by
-- ensure_robot_logs_partitions(); robot_logs_default catches any row outside them (far past or
-- future), so an insert is never rejected for lack of a partition (the original was).
-- (id, "timestamp") is the key: a replayed line (same client id and time) is stored once.
CREATE TABLE IF NOT EXISTS public.robot_logs (
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  robot_id    uuid NOT NULL,
  tenant_id   uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
  "timestamp" timestamptz NOT NULL,
  level       varchar(10) NOT NULL,
  message     text NOT NULL,
  source      varchar(255),
  extra       jsonb DEFAULT '{}'::jsonb,
  created_at  timestamptz DEFAULT now(),
  job_id      uuid,
  node_id     text,
  seq         bigint,
  CONSTRAINT robot_logs_pkey PRIMARY KEY (id, "timestamp"),
  CONSTRAINT robot_logs_level_check CHECK (level IN ('TRACE', 'DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'))
) PARTITION BY RANGE ("timestamp");
CREATE TABLE IF NOT EXISTS public.robot_logs_default PARTITION OF public.robot_logs DEFAULT;
CREATE INDEX IF NOT EXISTS idx_robot_logs_robot_time ON public.robot_logs (robot_id, "timestamp" DESC);
CREATE INDEX IF NOT EXISTS idx_robot_logs_tenant_time ON public.robot_logs (tenant_id, "timestamp" DESC);
CREATE INDEX IF NOT EXISTS idx_robot_logs_level_time ON public.robot_logs (level, "timestamp" DESC);
CREATE INDEX IF NOT EXISTS idx_robot_logs_source_time ON public.robot_logs (source, "timestamp" DESC)
  WHERE source IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_robot_logs_job ON public.robot_logs (job_id, "timestamp")
  WHERE job_id IS NOT NULL;
-- The original's GIN full-text index on message is left out: it multiplies the cost of every
-- inserted line and query_robot_logs searches with ILIKE anyway.

CREATE TABLE IF NOT EXISTS public.robot_logs_cleanup_history (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cleanup_time       timestamptz DEFAULT now(),
  partitions_dropped text[],
  rows_deleted       bigint DEFAULT 0,
  retention_days     integer NOT NULL,
  duration_ms        integer,
  status             varchar(50) DEFAULT 'completed',
  error_message      text
);

CREATE TABLE IF NOT EXISTS public.schedules (
  schedule_id     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workflow_id     uuid REFERENCES public.workflows (workflow_id) ON DELETE CASCADE,
  schedule_name   varchar(255) NOT NULL,
  cron_expression varchar(100) NOT NULL,
  enabled         boolean DEFAULT true,
  last_run_at     timestamptz,
  next_run_at     timestamptz,
  run_count       integer DEFAULT 0,
  failure_count   integer DEFAULT 0,
  created_at      timestamptz DEFAULT now(),
  updated_at      timestamptz DEFAULT now(),
  created_by      varchar(255),
  metadata        jsonb DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS idx_schedules_workflow ON public.schedules (workflow_id);
CREATE INDEX IF NOT EXISTS idx_schedules_enabled ON public.schedules (enabled);
CREATE INDEX IF NOT EXISTS idx_schedules_next_run ON public.schedules (next_run_at) WHERE enabled;

CREATE TABLE IF NOT EXISTS public.workflow_robot_assignments (
  assignment_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workflow_id   uuid NOT NULL REFERENCES public.workflows (workflow_id) ON DELETE CASCADE,
  robot_id      uuid NOT NULL REFERENCES public.robots (robot_id) ON DELETE CASCADE,
  is_default    boolean DEFAULT true,
  priority      integer DEFAULT 0,
  notes         text,
  created_at    timestamptz DEFAULT now(),
  updated_at    timestamptz DEFAULT now(),
  created_by    varchar(255),
  CONSTRAINT workflow_robot_assignments_unique UNIQUE (workflow_id, robot_id),
  CONSTRAINT workflow_robot_assignments_priority_check CHECK (priority >= 0)
);
CREATE INDEX IF NOT EXISTS idx_assignments_robot ON public.workflow_robot_assignments (robot_id);

CREATE TABLE IF NOT EXISTS public.node_robot_overrides (
  override_id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workflow_id           uuid NOT NULL REFERENCES public.workflows (workflow_id) ON DELETE CASCADE,
  node_id               varchar(255) NOT NULL,
  robot_id              uuid REFERENCES public.robots (robot_id) ON DELETE CASCADE,
  required_capabilities jsonb DEFAULT '[]'::jsonb,
  reason                text,
  is_active             boolean DEFAULT true,
  created_at            timestamptz DEFAULT now(),
  updated_at            timestamptz DEFAULT now(),
  created_by            varchar(255),
  CONSTRAINT node_robot_overrides_unique UNIQUE (workflow_id, node_id),
  CONSTRAINT node_robot_overrides_target CHECK (
    robot_id IS NOT NULL
    OR (jsonb_typeof(required_capabilities) = 'array' AND jsonb_array_length(required_capabilities) > 0))
);
CREATE INDEX IF NOT EXISTS idx_overrides_workflow_active ON public.node_robot_overrides (workflow_id)
  WHERE is_active;

CREATE TABLE IF NOT EXISTS public.robot_heartbeats (
  heartbeat_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  robot_id     uuid NOT NULL REFERENCES public.robots (robot_id) ON DELETE CASCADE,
  "timestamp"  timestamptz DEFAULT now(),
  status       varchar(50) NOT NULL,
  current_jobs integer DEFAULT 0,
  metrics      jsonb,
  ip_address   inet,
  latency_ms   integer
);
CREATE INDEX IF NOT EXISTS idx_heartbeats_robot_time ON public.robot_heartbeats (robot_id, "timestamp" DESC);
CREATE INDEX IF NOT EXISTS idx_heartbeats_time ON public.robot_heartbeats ("timestamp");

-- ---------------------------------------------------------------------------------------------
-- updated_at maintenance (CREATE OR REPLACE TRIGGER: PostgreSQL 14+)
CREATE OR REPLACE TRIGGER trg_fleet_settings_updated_at BEFORE UPDATE ON public.fleet_settings
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_workflows_updated_at BEFORE UPDATE ON public.workflows
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_robots_updated_at BEFORE UPDATE ON public.robots
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_jobs_updated_at BEFORE UPDATE ON public.jobs
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_robot_api_keys_updated_at BEFORE UPDATE ON public.robot_api_keys
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_schedules_updated_at BEFORE UPDATE ON public.schedules
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_assignments_updated_at BEFORE UPDATE ON public.workflow_robot_assignments
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_overrides_updated_at BEFORE UPDATE ON public.node_robot_overrides
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
