-- Where a node serves Prometheus /metrics (host:port, plain HTTP), as its registration says; null when it serves none.
-- The masters' service discovery (GET /metrics/targets) lists it.
ALTER TABLE nodes ADD COLUMN metrics_address text;
