-- The REST API: API keys (stored as SHA-256 hashes of high-entropy random keys; the key itself is shown once).
CREATE TABLE api_keys (
  id         uuid PRIMARY KEY,
  name       text NOT NULL,
  role       text NOT NULL,
  key_hash   bytea NOT NULL UNIQUE,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CONSTRAINT api_keys_role_known CHECK (role IN ('admin', 'operator', 'viewer'))
);
-- Single jobs (campaign_id NULL) listed by queue, newest first.
CREATE INDEX jobs_queue_listing ON jobs (queue_rank, created_at DESC, id DESC);
CREATE INDEX jobs_campaign_listing ON jobs (campaign_id, created_at DESC, id DESC);
