-- Distributed mode: the nodes a master knows, job leases with expiry, retries with backoff, and single jobs.
CREATE TABLE nodes (
  id             text PRIMARY KEY,
  instance_id    uuid NOT NULL,           -- the live process holding this node id; a second process is refused
  state          text NOT NULL,
  host           text,
  labels         jsonb NOT NULL DEFAULT '{}',
  slots          integer NOT NULL DEFAULT 1,
  free_slots     integer NOT NULL DEFAULT 0,
  encoders       jsonb NOT NULL DEFAULT '[]',   -- usable encoders (probed with a one-frame encode)
  power          jsonb NOT NULL DEFAULT '{}',   -- power sources and their state
  hardware       jsonb NOT NULL DEFAULT '{}',   -- the hardware snapshot
  running        jsonb NOT NULL DEFAULT '[]',   -- job ids running there, from the last heartbeat
  watts          double precision,              -- current power from the last heartbeat; null when unknown
  watts_source   text,
  cluster_node   text,                          -- the cluster manager's id for the member, to match membership events
  registered_at  timestamptz NOT NULL DEFAULT now(),
  last_seen      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT nodes_state_known CHECK (state IN ('up', 'draining', 'lost'))
);

ALTER TABLE jobs
  ADD COLUMN lease_expires_at timestamptz,       -- renewed by heartbeats while leased or running
  ADD COLUMN not_before       timestamptz,       -- retry_wait: when the job may be queued again
  ADD COLUMN max_attempts     integer NOT NULL DEFAULT 3,
  ADD COLUMN progress_at      timestamptz,       -- the last time the worker reported progress
  ADD COLUMN progress_seq     bigint NOT NULL DEFAULT 0,  -- the worker's activity counter for the attempt
  ADD COLUMN stall_after_s    integer,           -- no progress for this long: the attempt is killed and retried
  ADD COLUMN error_class      text;              -- transient | permanent, for failed and retried attempts

CREATE INDEX jobs_node_active ON jobs (node_id) WHERE state IN ('leased', 'running');
CREATE INDEX jobs_lease_expiry ON jobs (lease_expires_at) WHERE state IN ('leased', 'running');
CREATE INDEX jobs_retry_due ON jobs (not_before) WHERE state = 'retry_wait';
-- Listing newest first with a (created_at, id) cursor.
CREATE INDEX jobs_listing ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_state_listing ON jobs (state, created_at DESC, id DESC);

-- The master holding the housekeeping lock (an advisory lock) writes here on every sweep, so anyone can see who leads.
CREATE TABLE leader (
  id         smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  master_id  text NOT NULL,
  since      timestamptz NOT NULL,
  last_sweep timestamptz NOT NULL
);
