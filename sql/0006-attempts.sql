-- 0006-attempts: every run of an item is kept, not only the last error.
-- A trigger writes one row whenever an item leaves 'running', so every
-- path that ends a run (a stored result, a failure, a retry, a crash
-- found by recovery, a job given back, a cancel) is recorded the same
-- way, in the transaction that ended it.  The item record also names
-- its source URL, so `tq-status -i` shows what each item is.

CREATE TABLE task_item_attempts (
	id		bigserial PRIMARY KEY,
	task_item_id	bigint NOT NULL REFERENCES task_items
			ON DELETE CASCADE,
	attempt		integer NOT NULL,
	worker_id	text,
	started_at	timestamptz,
	ended_at	timestamptz NOT NULL DEFAULT now(),
	-- completed, failed, cancelled, retry (a transient error, run
	-- again later), crashed (its worker died), requeued (given back)
	outcome		text NOT NULL,
	error_kind	text,
	error_message	text,
	UNIQUE (task_item_id, attempt)
);

CREATE FUNCTION tq_attempt_log() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	oc text;
	msg text;
BEGIN
	oc := CASE
	    WHEN NEW.status <> 'pending' THEN NEW.status
	    WHEN NEW.crash_count > OLD.crash_count THEN 'crashed'
	    WHEN NEW.retry_count > OLD.retry_count THEN 'retry'
	    ELSE 'requeued' END;
	msg := CASE
	    WHEN oc = 'crashed' THEN
		'worker ' || coalesce(OLD.worker_id, '?') ||
		' died while running this job'
	    WHEN oc IN ('failed', 'retry') THEN NEW.error_message
	    ELSE NULL END;
	INSERT INTO task_item_attempts (task_item_id, attempt, worker_id,
	    started_at, outcome, error_kind, error_message)
	SELECT NEW.id, coalesce(max(a.attempt), 0) + 1, OLD.worker_id,
	    OLD.started_at, oc,
	    CASE WHEN oc IN ('failed', 'retry') THEN NEW.error_kind
		WHEN oc = 'crashed' THEN 'crash' END, msg
	  FROM task_item_attempts a WHERE a.task_item_id = NEW.id;
	RETURN NULL;
END $$;

CREATE TRIGGER task_items_attempt AFTER UPDATE OF status ON task_items
	FOR EACH ROW WHEN (OLD.status = 'running' AND
	    NEW.status <> 'running')
	EXECUTE FUNCTION tq_attempt_log();

-- The attempts of a task's items, for `tq-status --attempts`:
-- [{"item_id", "attempts": [{"attempt", "worker_id", "started_at",
-- "ended_at", "duration", "outcome", "error_kind", "error_message"}]}]
CREATE FUNCTION tq_task_attempts(p_task bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object('item_id', x.item_id,
	    'attempts', x.attempts) ORDER BY x.seq), '[]'::json)
	  FROM (SELECT i.item_id, i.seq, json_agg(json_build_object(
		    'attempt', a.attempt, 'worker_id', a.worker_id,
		    'started_at', tq_ts(a.started_at),
		    'ended_at', tq_ts(a.ended_at),
		    'duration', round(extract(epoch FROM a.ended_at -
			a.started_at)::numeric, 3),
		    'outcome', a.outcome, 'error_kind', a.error_kind,
		    'error_message', a.error_message) ORDER BY a.attempt)
		    AS attempts
		  FROM task_items i JOIN task_item_attempts a
		    ON a.task_item_id = i.id
		 WHERE i.task_id = p_task
		 GROUP BY i.item_id, i.seq) x
$$;

-- The task record (tq-json(5)), as in 0001, with each item's source
-- URL: the link's, or the page's that a parsed or AI content came from.
CREATE OR REPLACE FUNCTION tq_task_record(p_task bigint, p_items boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', t.id, 'task_id', t.id, 'type', t.type, 'status', t.status,
	    'queue_name', t.queue_name, 'job_id', t.job_id,
	    'progress', t.progress, 'total_items', t.total_items,
	    'completed_items', t.completed_items,
	    'failed_items', t.failed_items,
	    'cancelled_items', t.cancelled_items,
	    'retry_count', t.retry_count, 'max_retries', t.max_retries,
	    'worker_id', t.worker_id, 'params', t.params, 'error', t.error,
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
		  FROM task_items i
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
	  FROM processing_tasks t WHERE t.id = p_task
$$;
