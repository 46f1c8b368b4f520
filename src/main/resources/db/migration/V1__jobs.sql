-- Campaigns, jobs, their state changes and their results.
CREATE TABLE campaigns (
  id            uuid PRIMARY KEY,
  name          text NOT NULL,
  description   text NOT NULL DEFAULT '',
  source        jsonb NOT NULL,
  quality_metric text NOT NULL DEFAULT 'psnr',
  idle_baseline jsonb,
  node          jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);

CREATE SEQUENCE fencing_tokens;

CREATE TABLE jobs (
  id            uuid PRIMARY KEY,
  campaign_id   uuid REFERENCES campaigns (id) ON DELETE CASCADE,
  config_key    text NOT NULL,
  repetition    integer NOT NULL DEFAULT 1,
  seq           integer NOT NULL DEFAULT 0,
  spec          jsonb NOT NULL,
  state         text NOT NULL,
  queue_rank    smallint NOT NULL,
  priority_rank smallint NOT NULL,
  attempt       integer NOT NULL DEFAULT 0,
  fencing_token bigint NOT NULL DEFAULT 0,
  node_id       text,
  error         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz,
  CONSTRAINT jobs_state_known CHECK (state IN ('queued', 'leased', 'running', 'succeeded', 'failed', 'canceled', 'retry_wait'))
);

-- The claim query walks this index: queue, then priority, then age.
CREATE INDEX jobs_claim_order ON jobs (queue_rank, priority_rank, created_at, seq) WHERE state = 'queued';
CREATE INDEX jobs_campaign ON jobs (campaign_id, seq);

CREATE TABLE job_events (
  id         bigserial PRIMARY KEY,
  job_id     uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  at         timestamptz NOT NULL DEFAULT now(),
  from_state text,
  to_state   text NOT NULL,
  actor      text NOT NULL,
  reason     text,
  attempt    integer NOT NULL DEFAULT 0
);
CREATE INDEX job_events_job ON job_events (job_id, id);

CREATE TABLE results (
  job_id     uuid PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  attempt    integer NOT NULL,
  result     jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
