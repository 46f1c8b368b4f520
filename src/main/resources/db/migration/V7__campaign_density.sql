-- A density campaign's summary (the steps tried, each one's verdict and W per stream, the largest N that held),
-- written by the bench when the ramp ends; null for other campaigns. The campaign's API view and its reports
-- (JSON, HTML) carry it as the bench's own results.json and report.html do.
ALTER TABLE campaigns ADD COLUMN density jsonb;
