-- 0022-claim-page-type: the ai stage's input carries the page type.
--
-- tq_claim() gives a parsed content's title, text, language and URL to
-- the worker; the page type that tq-extract found (sql/0005) now comes
-- with them, so that a model can be told what kind of page it reads (a
-- forum thread, a product, a shop's collection...).  NULL for contents
-- parsed before 0005.  The rest is sql/0019's.

CREATE OR REPLACE FUNCTION tq_claim(p_job text, p_worker text, p_stale float8)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	it task_items;
	tk processing_tasks;
	input json;
BEGIN
	SELECT * INTO it FROM task_items
	 WHERE job_id = p_job AND status IN ('pending', 'running') FOR UPDATE;
	IF NOT FOUND THEN
		-- an item of a batch row not yet written out: write out
		-- that row, then look again (also when another worker did)
		IF p_job ~ ('^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-'
		    '[0-9a-f]{4}-[0-9a-f]{12}$') THEN
			PERFORM tq_items_fill(b.task_id, b.first_seq)
			   FROM task_item_batches b
			  WHERE b.job_ids @> ARRAY[p_job::uuid];
		END IF;
		SELECT * INTO it FROM task_items
		 WHERE job_id = p_job AND status IN ('pending', 'running')
		   FOR UPDATE;
		IF NOT FOUND THEN
			RETURN NULL;
		END IF;
	END IF;
	IF it.status = 'running' AND it.worker_id IS DISTINCT FROM p_worker
	    AND it.started_at > now() - make_interval(secs => p_stale) THEN
		RETURN json_build_object('busy', it.worker_id);
	END IF;
	UPDATE task_items
	   SET status = 'running', started_at = now(), worker_id = p_worker,
	       updated_at = now(), run_after = NULL
	 WHERE id = it.id
	RETURNING * INTO it;
	-- the task row only changes when its first item starts: workers
	-- of one task must not queue up on it for every job
	UPDATE processing_tasks
	   SET status = CASE WHEN status = 'queued' THEN 'running'
		   ELSE status END,
	       started_at = now(), worker_id = p_worker, updated_at = now()
	 WHERE id = it.task_id AND started_at IS NULL
	RETURNING * INTO tk;
	IF NOT FOUND THEN
		SELECT * INTO tk FROM processing_tasks WHERE id = it.task_id;
	END IF;
	IF it.item_type = 'link' THEN
		SELECT json_build_object('url', l.url) INTO input
		  FROM links l WHERE l.id = it.item_id;
	ELSIF it.item_type = 'parsed_content' THEN
		SELECT json_build_object('title', p.title, 'text', p.content,
		    'lang', p.lang, 'url', coalesce(p.final_url, l.url),
		    'page_type', p.page_type)
		  INTO input
		  FROM parsed_contents p JOIN links l ON l.id = p.link_id
		 WHERE p.id = it.item_id;
	ELSIF it.item_type = 'ai_content' THEN
		SELECT json_build_object('summary', a.summary,
		    'keywords', a.keywords, 'insights', a.insights,
		    'title', p.title, 'url', coalesce(p.canonical_url,
		    p.final_url, l.url), 'parsed_content_id', p.id)
		  INTO input
		  FROM ai_processed_contents a
		  JOIN parsed_contents p ON p.id = a.parsed_content_id
		  JOIN links l ON l.id = p.link_id
		 WHERE a.id = it.item_id;
	END IF;
	PERFORM pg_notify('tq_task', it.task_id::text);
	RETURN json_build_object('task_id', it.task_id, 'item_id', it.item_id,
	    'item_type', it.item_type, 'retry_count', it.retry_count,
	    'crash_count', it.crash_count, 'params', tk.params,
	    'max_retries', tk.max_retries, 'retry_delays', tk.retry_delays,
	    'input', input);
END $$;
