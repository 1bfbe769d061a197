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

-- What tq produced for a link, for tq-show(1): the link, its parsed
-- content (the article text only when p_text), and every AI content
-- made of it, newest first, each with its Notion pages.  NULL for an
-- unknown link.
CREATE FUNCTION tq_content_record(p_link bigint, p_text boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT (CASE WHEN p_text THEN r ELSE r - 'text' END)::json
	  FROM (SELECT jsonb_build_object(
		'link_id', l.id, 'url', l.url,
		'parsed_content_id', p.id, 'final_url', p.final_url,
		'http_status', p.http_status, 'title', p.title,
		'byline', p.byline, 'site_name', p.site_name,
		'lang', p.lang, 'published', p.published,
		'page_type', p.page_type,
		'description', p.description,
		'canonical_url', p.canonical_url,
		'word_count', p.word_count, 'parse_count', p.parse_count,
		'parsed_at', tq_ts(p.updated_at), 'text', p.content,
		'ai', coalesce((SELECT jsonb_agg(jsonb_build_object(
		    'ai_content_id', a.id, 'model', a.model_name,
		    'summary', a.summary, 'keywords', to_jsonb(a.keywords),
		    'insights', a.insights, 'language', a.language,
		    'created_at', tq_ts(a.created_at),
		    'notion', coalesce((SELECT jsonb_agg(jsonb_build_object(
			'database_id', n.database_id,
			'notion_page_id', n.notion_page_id, 'url', n.url,
			'status', n.status,
			'blocks_written', n.blocks_written,
			'updated_at', tq_ts(n.updated_at)) ORDER BY n.id)
			FROM notion_imports n WHERE n.ai_content_id = a.id),
			'[]'::jsonb)) ORDER BY a.id DESC)
		    FROM ai_processed_contents a
		   WHERE a.parsed_content_id = p.id), '[]'::jsonb)) AS r
		  FROM links l LEFT JOIN parsed_contents p ON p.link_id = l.id
		 WHERE l.id = p_link) x
$$;

-- The links behind what tq-show is asked for: a task's items in order,
-- a link, a parsed content or an AI content.  Nothing for what does
-- not exist.
CREATE FUNCTION tq_content_links(p_kind text, p_id bigint)
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF p_kind = 'task' THEN
		RETURN QUERY SELECT coalesce(l.id, p.link_id, ap.link_id)
		  FROM task_items i
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

-- A claim never hands out an item that another worker may still be
-- running: one running under another name, started less than p_stale
-- seconds ago (its stage's timeout and a grace: past that its worker
-- has surely ended or killed it), answers {"busy": worker} and changes
-- nothing.  Such a copy of a job comes from a Redis that lost the
-- holder's list (a restart, a flush) while the reconciler pushed the
-- item again; every legitimate rerun (recovery, retry, put back,
-- reconciler) makes the item pending first.
DROP FUNCTION tq_claim(text, text);
CREATE FUNCTION tq_claim(p_job text, p_worker text, p_stale float8)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	it task_items;
	tk processing_tasks;
	input json;
BEGIN
	SELECT * INTO it FROM task_items WHERE job_id = p_job FOR UPDATE;
	IF NOT FOUND OR it.status NOT IN ('pending', 'running') THEN
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
	    'max_retries', tk.max_retries,
	    'input', input);
END $$;
