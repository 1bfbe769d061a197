-- 0018-notion-settle: a create or an append that got no answer of
-- Notion's own (a timeout, a reset, a proxy's 502 or 504) may still be
-- carried out for up to 60 s after it was sent.  A run of the import
-- that had not the time to wait for that keeps here until when the
-- outcome is unsure, so that the next run, on any worker, does not
-- create the page again or send the blocks twice before then.  NULL:
-- nothing unsure.
ALTER TABLE notion_imports ADD COLUMN unsure_until timestamptz;
