-- 0004-notion: the notion stage.  notion_imports holds one row per ai
-- content and database: the page, how many of its blocks are written,
-- and which job is working on it, so that a job killed at any point
-- and run again ends with exactly one complete page.  notion_databases
-- caches each database's data source and schema (with the time it was
-- read: a task reads it again once, not per item).  No token is ever
-- stored: the workers read theirs from their environment.

ALTER TABLE notion_imports RENAME COLUMN page_id TO notion_page_id;
ALTER TABLE notion_imports RENAME COLUMN page_url TO url;
ALTER TABLE notion_imports
	ADD COLUMN data_source_id text,
	ADD COLUMN blocks_written integer NOT NULL DEFAULT 0,
	ADD COLUMN blocks_total integer,
	ADD COLUMN job_id text;
-- status: creating (no page known yet), clearing (a re-import deletes
-- the old blocks), appending, imported
ALTER TABLE notion_imports ALTER COLUMN status SET DEFAULT 'creating';

CREATE TABLE notion_databases (
	database_id	text PRIMARY KEY,
	data_source_id	text NOT NULL,
	title		text,
	properties	jsonb NOT NULL,
	fetched_at	timestamptz NOT NULL DEFAULT now()
);

-- Store a notion result (the child already wrote the page's progress
-- into notion_imports) and finish the item, in one transaction.
CREATE FUNCTION tq_store_notion(p_job text, r jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	it task_items;
	ni notion_imports;
	res jsonb;
BEGIN
	SELECT * INTO it FROM task_items
	 WHERE job_id = p_job AND status IN ('pending', 'running') FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	UPDATE notion_imports
	   SET status = 'imported', error = NULL,
	       notion_page_id = r ->> 'notion_page_id', url = r ->> 'url',
	       data_source_id = r ->> 'data_source_id',
	       blocks_written = coalesce((r ->> 'blocks')::int,
		   blocks_written),
	       updated_at = now()
	 WHERE ai_content_id = it.item_id AND database_id = r ->> 'database_id'
	RETURNING * INTO ni;
	IF NOT FOUND THEN
		INSERT INTO notion_imports (ai_content_id, database_id,
		    data_source_id, notion_page_id, url, blocks_written, status,
		    job_id)
		VALUES (it.item_id, r ->> 'database_id', r ->> 'data_source_id',
		    r ->> 'notion_page_id', r ->> 'url',
		    coalesce((r ->> 'blocks')::int, 0), 'imported', p_job)
		RETURNING * INTO ni;
	END IF;
	res := jsonb_build_object('notion_page_id', ni.notion_page_id,
	    'url', ni.url, 'ai_content_id', it.item_id,
	    'database_id', ni.database_id,
	    'data_source_id', ni.data_source_id,
	    'blocks', ni.blocks_written, 'action', r ->> 'action',
	    'notion_import_id', ni.id);
	PERFORM tq_item_finish(p_job, 'completed', res, NULL, NULL);
	RETURN res;
END $$;
