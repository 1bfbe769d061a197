-- 0019-item-batches: a large submit writes its items as rows of
-- task_item_batches, 10,000 items to a row, and the first worker to
-- claim one of a row's items writes that row's out as rows of
-- task_items.
--
-- A 10,000-item submit spent most of its time in PostgreSQL writing
-- task_items: 80-120 ms of its 160-190 ms, for three index entries a
-- row and the statement's check of its task, where the same COPY into
-- a table without them takes 25-40 ms.  A batch row holds a slice of
-- the task's items: their item ids and job ids as two arrays, in the
-- order of the items, from first_seq on.  It is committed in the
-- submit's transaction as the rows were, so a submitted task is as
-- safe as before.  The rows cost what they did, later, a slice at a
-- time (some 100 ms for 10,000), out of the submitter's way:
--  * tq_claim() of a job that has no row looks the job up in the
--    batches, writes out its slice (tq_items_fill()) and claims it;
--    the batch row goes in the same statement, so of two workers that
--    do so at once, the second waits for the first and finds the rows;
--  * tq_task_cancel() writes out all of a task's first, to cancel them;
--  * whatever reads a task's items or the open items of all tasks
--    (tq_task_record(), tq_content_links(), the counts by status, the
--    reconciler) reads task_items_all, the rows and the items of the
--    batches as the pending rows they stand for, with no id yet.
-- An item is a row or in a batch, never both; a chain's follow-up
-- items are rows, written as their sources finish.

CREATE TABLE task_item_batches (
	task_id		bigint NOT NULL REFERENCES processing_tasks
			ON DELETE CASCADE,
	first_seq	integer NOT NULL CHECK (first_seq >= 1),
	item_type	text NOT NULL
			CHECK (item_type IN ('link', 'parsed_content',
			    'ai_content')),
	item_ids	bigint[] NOT NULL,
	job_ids		uuid[] NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (task_id, first_seq),
	CHECK (array_ndims(item_ids) = 1 AND array_lower(item_ids, 1) = 1
	    AND array_ndims(job_ids) = 1 AND array_lower(job_ids, 1) = 1
	    AND cardinality(item_ids) = cardinality(job_ids))
);
-- out of line, not compressed: ids do not compress (pglz spent half
-- of a 10,000-item batch's 30 ms on trying)
ALTER TABLE task_item_batches ALTER COLUMN item_ids SET STORAGE EXTERNAL,
	ALTER COLUMN job_ids SET STORAGE EXTERNAL;

-- Write out the items of p_task's batch that begins at p_first, or of
-- all its batches (NULL); how many.  The rows are as the submit would
-- have written them, updated_at the time of the submit (the
-- reconciler's grace counts from there).
CREATE FUNCTION tq_items_fill(p_task bigint, p_first integer)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	n integer;
BEGIN
	WITH b AS (
		DELETE FROM task_item_batches
		 WHERE task_id = p_task
		   AND (p_first IS NULL OR first_seq = p_first)
		RETURNING *)
	INSERT INTO task_items (task_id, seq, item_id, item_type, job_id,
	    updated_at)
	SELECT b.task_id, b.first_seq + u.o - 1, u.item, b.item_type,
	       u.job::text, b.created_at
	  FROM b, unnest(b.item_ids, b.job_ids) WITH ORDINALITY
	       AS u(item, job, o);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;

CREATE VIEW task_items_all AS
	SELECT id, task_id, seq, item_id, item_type, status, job_id,
	       worker_id, retry_count, crash_count, error_message, error_kind,
	       result_data, run_after, started_at, completed_at, updated_at,
	       source_item_id
	  FROM task_items
	UNION ALL
	SELECT NULL::bigint, b.task_id, (b.first_seq + u.o - 1)::integer,
	       u.item, b.item_type, 'pending', u.job::text COLLATE "C",
	       NULL::text, 0, 0, NULL::text, NULL::text, NULL::jsonb,
	       NULL::timestamptz, NULL::timestamptz, NULL::timestamptz,
	       b.created_at, NULL::bigint
	  FROM task_item_batches b, unnest(b.item_ids, b.job_ids)
	       WITH ORDINALITY AS u(item, job, o);

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

CREATE OR REPLACE FUNCTION tq_task_cancel(p_task bigint) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	tk processing_tasks;
	items json;
	n integer;
BEGIN
	PERFORM 1 FROM processing_tasks WHERE id = p_task;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	PERFORM tq_items_fill(p_task, NULL);
	WITH sel AS (
		SELECT id, seq, status, job_id, worker_id FROM task_items
		 WHERE task_id = p_task AND status IN ('pending', 'running')
		 ORDER BY seq FOR UPDATE),
	upd AS (
		UPDATE task_items i
		   SET status = 'cancelled', completed_at = now(),
		       run_after = NULL, updated_at = now()
		  FROM sel s
		 WHERE i.id = s.id AND i.status IN ('pending', 'running')
		RETURNING s.seq, s.status, s.job_id, s.worker_id)
	SELECT count(*), coalesce(json_agg(json_build_object(
	    'job_id', u.job_id, 'status', u.status,
	    'worker_id', u.worker_id) ORDER BY u.seq), '[]'::json)
	  INTO n, items FROM upd u;
	SELECT * INTO tk FROM processing_tasks WHERE id = p_task FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;	-- deleted meanwhile (retention)
	END IF;
	IF n > 0 OR (tk.awaiting_parent AND
	    tk.status IN ('queued', 'running')) THEN
		UPDATE processing_tasks
		   SET status = 'cancelled',
		       cancelled_items = cancelled_items + n,
		       awaiting_parent = false,
		       updated_at = now()
		 WHERE id = p_task;
		PERFORM tq_task_settle(p_task);
	END IF;
	RETURN json_build_object('type', tk.type, 'was', tk.status,
	    'items', items);
END $$;

CREATE OR REPLACE FUNCTION tq_content_links(p_kind text, p_id bigint)
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF p_kind = 'task' THEN
		RETURN QUERY SELECT coalesce(l.id, p.link_id, ap.link_id)
		  FROM task_items_all i
		  LEFT JOIN links l
		    ON i.item_type = 'link' AND l.id = i.item_id
		  LEFT JOIN parsed_contents p
		    ON i.item_type = 'parsed_content' AND p.id = i.item_id
		  LEFT JOIN ai_processed_contents a
		    ON i.item_type = 'ai_content' AND a.id = i.item_id
		  LEFT JOIN parsed_contents ap ON ap.id = a.parsed_content_id
		 WHERE i.task_id = p_id
		   AND coalesce(l.id, p.link_id, ap.link_id) IS NOT NULL
		 ORDER BY i.seq;
	ELSIF p_kind = 'link' THEN
		RETURN QUERY SELECT id FROM links WHERE id = p_id;
	ELSIF p_kind = 'parsed' THEN
		RETURN QUERY SELECT link_id FROM parsed_contents
		 WHERE id = p_id;
	ELSIF p_kind = 'ai' THEN
		RETURN QUERY SELECT p.link_id FROM ai_processed_contents a
		  JOIN parsed_contents p ON p.id = a.parsed_content_id
		 WHERE a.id = p_id;
	END IF;
END $$;


CREATE OR REPLACE FUNCTION tq_task_record(p_task bigint, p_items boolean)
RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT json_build_object(
	    'id', t.id, 'task_id', t.id, 'type', t.type, 'status', t.status,
	    'queue_name', t.queue_name, 'job_id', t.job_id,
	    'progress', t.progress, 'total_items', t.total_items,
	    'completed_items', t.completed_items,
	    'failed_items', t.failed_items,
	    'cancelled_items', t.cancelled_items,
	    'retry_count', t.retry_count, 'max_retries', t.max_retries,
	    'worker_id', t.worker_id, 'params', t.params, 'error', t.error,
	    'parent_task_id', t.parent_task_id,
	    'next_task_id', t.next_task_id,
	    'awaiting_parent', t.awaiting_parent,
	    'notify_url', t.notify_url,
	    'notification', (SELECT json_build_object(
		'id', n.id, 'task_status', n.task_status,
		'attempts', n.attempts, 'last_status', n.last_status,
		'last_error', n.last_error,
		'delivered_at', tq_ts(n.delivered_at),
		'next_at', CASE WHEN n.delivered_at IS NULL AND
		    n.gave_up_at IS NULL THEN tq_ts(n.next_at) END,
		'gave_up_at', tq_ts(n.gave_up_at))
		FROM task_notifications n WHERE n.task_id = t.id
		ORDER BY n.id DESC LIMIT 1),
	    'created_at', tq_ts(t.created_at),
	    'started_at', tq_ts(t.started_at),
	    'completed_at', tq_ts(t.completed_at),
	    'duration', round(extract(epoch FROM coalesce(t.completed_at,
		now()) - t.started_at)::numeric, 3),
	    'items', CASE WHEN p_items THEN (
		SELECT coalesce(json_agg(json_build_object(
		    'item_id', i.item_id, 'item_type', i.item_type,
		    'status', i.status, 'job_id', i.job_id,
		    'url', coalesce(l.url, pl.url, al.url),
		    'retry_count', i.retry_count,
		    'error_message', i.error_message,
		    'result', i.result_data,
		    'started_at', tq_ts(i.started_at),
		    'completed_at', tq_ts(i.completed_at)) ORDER BY i.seq),
		    '[]'::json)
		  FROM task_items_all i
		  LEFT JOIN links l
		    ON i.item_type = 'link' AND l.id = i.item_id
		  LEFT JOIN parsed_contents p
		    ON i.item_type = 'parsed_content' AND p.id = i.item_id
		  LEFT JOIN links pl ON pl.id = p.link_id
		  LEFT JOIN ai_processed_contents a
		    ON i.item_type = 'ai_content' AND a.id = i.item_id
		  LEFT JOIN parsed_contents ap ON ap.id = a.parsed_content_id
		  LEFT JOIN links al ON al.id = ap.link_id
		 WHERE i.task_id = t.id) END)
	  FROM processing_tasks t WHERE t.id = p_task);
END $$;
