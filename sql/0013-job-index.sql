-- 0013-job-index: a job is found by its id through one index of the
-- items' state and job id, which replaces two.
--
-- The unique index on task_items.job_id took an entry for every item a
-- submit wrote, and another each time the item changed state (a
-- change of status is never a HOT update); the open-items index
-- (status, updated_at) took the open rows again.  One index keyed
-- (status, job_id) over every item serves both: every lookup of a job
-- names the states it wants (status IN (...), the leading column), an
-- open item's (pending, running: a claim, a finish, a cancel, a
-- recovery) or a closed one's (completed, failed, cancelled: the
-- reconciler's check of queued ids, a chain's follow-up), and every
-- scan of the open items (the reconciler, tq-health, the release of a
-- dead worker's items) starts from their status.  A new item costs
-- one index entry less, and each change of its state one less.  A
-- lookup must name the states, never "NOT IN" them: PostgreSQL cannot
-- seek on a negation.  Job ids are unique by how they are made (UUIDs,
-- of version 7 from tq-submit, of version 4 from a chain), no longer
-- by an index.

ALTER TABLE task_items DROP CONSTRAINT task_items_job_id_key;
DROP INDEX task_items_open;
CREATE INDEX task_items_state ON task_items (status, job_id);

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
		RETURN NULL;
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
		    'lang', p.lang, 'url', coalesce(p.final_url, l.url))
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

CREATE OR REPLACE FUNCTION tq_chain_out(p_job text, res jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	nx jsonb;
BEGIN
	IF res IS NULL THEN
		RETURN NULL;
	END IF;
	SELECT jsonb_build_object('job_id', c.job_id, 'task_id', c.task_id,
	    'item_id', c.item_id, 'queue', t.queue_name)
	  INTO nx
	  FROM task_items s JOIN task_items c ON c.source_item_id = s.id
	  JOIN processing_tasks t ON t.id = c.task_id
	 WHERE s.job_id = p_job AND c.status = 'pending'
	   AND s.status IN ('pending', 'running', 'completed', 'failed',
	   'cancelled');
	IF nx IS NULL THEN
		RETURN res;
	END IF;
	RETURN res || jsonb_build_object('next', nx);
END $$;
