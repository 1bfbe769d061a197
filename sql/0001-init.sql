-- 0001-init: the tables of the pipeline, the task and item records,
-- and the functions that move items between states.

CREATE TABLE links (
	id		bigserial PRIMARY KEY,
	url		text NOT NULL UNIQUE,
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE parsed_contents (
	id		bigserial PRIMARY KEY,
	link_id		bigint NOT NULL UNIQUE REFERENCES links ON DELETE CASCADE,
	final_url	text,
	http_status	integer,
	content_type	text,
	charset		text,
	title		text,
	byline		text,
	site_name	text,
	lang		text,
	published	text,
	description	text,
	canonical_url	text,
	image_url	text,
	content		text NOT NULL DEFAULT '',
	word_count	integer NOT NULL DEFAULT 0,
	content_hash	text,
	fetch_ms	integer,
	parse_count	integer NOT NULL DEFAULT 1,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ai_models (
	id		bigserial PRIMARY KEY,
	name		text NOT NULL UNIQUE,
	provider	text NOT NULL CHECK (provider IN ('builtin', 'openai')),
	model		text,
	base_url	text,
	api_key_env	text,
	params		jsonb NOT NULL DEFAULT '{}',
	is_default	boolean NOT NULL DEFAULT false,
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ai_models_one_default ON ai_models (is_default)
	WHERE is_default;
INSERT INTO ai_models (name, provider, model, is_default)
	VALUES ('builtin', 'builtin', 'builtin', true);

-- What an OpenAI-compatible server accepted as response_format.
CREATE TABLE ai_server_modes (
	base_url	text PRIMARY KEY,
	json_mode	text NOT NULL,
	updated_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ai_processed_contents (
	id		bigserial PRIMARY KEY,
	parsed_content_id bigint NOT NULL REFERENCES parsed_contents
			ON DELETE CASCADE,
	model_id	bigint NOT NULL REFERENCES ai_models,
	model_name	text NOT NULL,
	summary		text,
	keywords	text[],
	insights	jsonb,
	language	text,
	config		jsonb NOT NULL DEFAULT '{}',
	prompt_tokens	integer,
	completion_tokens integer,
	total_tokens	integer,
	finish_reason	text,
	input_truncated	boolean NOT NULL DEFAULT false,
	duration_ms	integer,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (parsed_content_id, model_id)
);

CREATE TABLE notion_imports (
	id		bigserial PRIMARY KEY,
	ai_content_id	bigint NOT NULL REFERENCES ai_processed_contents
			ON DELETE CASCADE,
	database_id	text NOT NULL,
	page_id		text,
	page_url	text,
	status		text NOT NULL DEFAULT 'pending',
	error		text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (ai_content_id, database_id)
);

CREATE TABLE processing_tasks (
	id		bigserial PRIMARY KEY,
	type		text NOT NULL
			CHECK (type IN ('parsing', 'ai_processing', 'notion_import')),
	status		text NOT NULL DEFAULT 'queued'
			CHECK (status IN ('queued', 'running', 'completed',
			    'failed', 'cancelled')),
	queue_name	text NOT NULL,
	job_id		text NOT NULL,
	worker_id	text,
	total_items	integer NOT NULL DEFAULT 0,
	completed_items	integer NOT NULL DEFAULT 0,
	failed_items	integer NOT NULL DEFAULT 0,
	cancelled_items	integer NOT NULL DEFAULT 0,
	progress	integer NOT NULL DEFAULT 0,
	retry_count	integer NOT NULL DEFAULT 0,
	max_retries	integer NOT NULL DEFAULT 3,
	params		jsonb NOT NULL DEFAULT '{}',
	result_data	jsonb,
	error		text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	started_at	timestamptz,
	completed_at	timestamptz,
	updated_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processing_tasks_status ON processing_tasks (status, created_at);
CREATE INDEX processing_tasks_created ON processing_tasks (created_at);

CREATE TABLE task_items (
	id		bigserial PRIMARY KEY,
	task_id		bigint NOT NULL REFERENCES processing_tasks
			ON DELETE CASCADE,
	seq		integer NOT NULL,
	item_id		bigint NOT NULL,
	item_type	text NOT NULL
			CHECK (item_type IN ('link', 'parsed_content',
			    'ai_content')),
	status		text NOT NULL DEFAULT 'pending'
			CHECK (status IN ('pending', 'running', 'completed',
			    'failed', 'cancelled')),
	job_id		text NOT NULL UNIQUE,
	worker_id	text,
	retry_count	integer NOT NULL DEFAULT 0,
	crash_count	integer NOT NULL DEFAULT 0,
	error_message	text,
	error_kind	text,
	result_data	jsonb,
	run_after	timestamptz,
	started_at	timestamptz,
	completed_at	timestamptz,
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (task_id, item_id)
);
CREATE INDEX task_items_task ON task_items (task_id, seq);
CREATE INDEX task_items_open ON task_items (status, updated_at)
	WHERE status IN ('pending', 'running');

-- Record the end of one run of an item and roll the task's counters
-- forward.  Only an item that is still open changes, so a job that runs
-- twice counts once.  Returns the task id, or NULL when nothing changed.
CREATE FUNCTION tq_item_finish(p_job text, p_status text, p_result jsonb,
    p_error text, p_kind text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	t bigint;
	dc int;
	df int;
	dx int;
BEGIN
	UPDATE task_items
	   SET status = p_status, result_data = p_result,
	       error_message = p_error, error_kind = p_kind,
	       completed_at = now(), updated_at = now(), run_after = NULL
	 WHERE job_id = p_job AND status IN ('pending', 'running')
	RETURNING task_id INTO t;
	IF t IS NULL THEN
		RETURN NULL;
	END IF;
	-- one update of the task row: the counters and all that follows
	-- from them (as tq_task_settle() derives it).  Every expression
	-- reads the row being updated, so concurrent finishes add up.
	dc := (p_status = 'completed')::int;
	df := (p_status = 'failed')::int;
	dx := (p_status = 'cancelled')::int;
	UPDATE processing_tasks
	   SET completed_items = completed_items + dc,
	       failed_items = failed_items + df,
	       cancelled_items = cancelled_items + dx,
	       progress = CASE WHEN total_items = 0 THEN 100 ELSE
		   (100 * (completed_items + failed_items + cancelled_items +
		   1)) / total_items END,
	       status = CASE
		   WHEN status = 'cancelled' THEN 'cancelled'
		   WHEN completed_items + failed_items + cancelled_items + 1
		       < total_items THEN 'running'
		   WHEN failed_items + df > 0 THEN 'failed'
		   WHEN cancelled_items + dx > 0 THEN 'cancelled'
		   ELSE 'completed' END,
	       completed_at = CASE WHEN completed_items + failed_items +
		   cancelled_items + 1 >= total_items
		   THEN coalesce(completed_at, now()) ELSE NULL END,
	       error = CASE WHEN failed_items + df > 0 THEN failed_items + df
		   || ' of ' || total_items || ' items failed' ELSE NULL END,
	       updated_at = now()
	 WHERE id = t;
	PERFORM pg_notify('tq_task', t::text);
	RETURN t;
END $$;

-- Derive a task's status, progress and end time from its counters.
CREATE FUNCTION tq_task_settle(p_task bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE processing_tasks
	   SET progress = CASE WHEN total_items = 0 THEN 100 ELSE
		   (100 * (completed_items + failed_items + cancelled_items))
		   / total_items END,
	       status = CASE
		   WHEN status = 'cancelled' THEN 'cancelled'
		   WHEN completed_items + failed_items + cancelled_items
		       < total_items THEN
			CASE WHEN status = 'queued' AND completed_items +
			    failed_items = 0 THEN 'queued' ELSE 'running' END
		   WHEN failed_items > 0 THEN 'failed'
		   WHEN cancelled_items > 0 THEN 'cancelled'
		   ELSE 'completed' END,
	       completed_at = CASE WHEN completed_items + failed_items +
		   cancelled_items >= total_items
		   THEN coalesce(completed_at, now()) ELSE NULL END,
	       error = CASE WHEN failed_items > 0 THEN failed_items ||
		   ' of ' || total_items || ' items failed' ELSE NULL END
	 WHERE id = p_task;
	PERFORM pg_notify('tq_task', p_task::text);
END $$;

CREATE FUNCTION tq_ts(timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- The record that tq-status, tq-wait and tq-submit print (tq-json(5)).
CREATE FUNCTION tq_task_record(p_task bigint, p_items boolean) RETURNS json
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
	    'items', CASE WHEN p_items THEN (
		SELECT coalesce(json_agg(json_build_object(
		    'item_id', i.item_id, 'item_type', i.item_type,
		    'status', i.status, 'job_id', i.job_id,
		    'retry_count', i.retry_count,
		    'error_message', i.error_message,
		    'result', i.result_data,
		    'started_at', tq_ts(i.started_at),
		    'completed_at', tq_ts(i.completed_at)) ORDER BY i.seq),
		    '[]'::json)
		  FROM task_items i WHERE i.task_id = t.id) END)
	  FROM processing_tasks t WHERE t.id = p_task
$$;

-- A worker claims the item of a job: the item turns running and the
-- job's input comes back, or NULL when the item is no longer open.
CREATE FUNCTION tq_claim(p_job text, p_worker text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	it task_items;
	tk processing_tasks;
	input json;
BEGIN
	UPDATE task_items
	   SET status = 'running', started_at = now(), worker_id = p_worker,
	       updated_at = now(), run_after = NULL
	 WHERE job_id = p_job AND status IN ('pending', 'running')
	RETURNING * INTO it;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
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

-- A transient failure: back to pending, to run again after p_delay
-- seconds.  Returns the new retry count, or NULL if the item is closed.
CREATE FUNCTION tq_item_retry(p_job text, p_error text, p_delay float8)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	n integer;
	t bigint;
BEGIN
	UPDATE task_items
	   SET status = 'pending', retry_count = retry_count + 1,
	       error_message = p_error, error_kind = 'transient',
	       run_after = now() + make_interval(secs => p_delay),
	       updated_at = now()
	 WHERE job_id = p_job AND status IN ('pending', 'running')
	RETURNING retry_count, task_id INTO n, t;
	IF n IS NOT NULL THEN
		UPDATE processing_tasks SET retry_count = retry_count + 1,
		    updated_at = now() WHERE id = t;
		PERFORM pg_notify('tq_task', t::text);
	END IF;
	RETURN n;
END $$;

-- Store a parse result and finish the item, in one transaction.
CREATE FUNCTION tq_store_parse(p_job text, r jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	it task_items;
	pid bigint;
	res jsonb;
	d jsonb := r -> 'doc';
BEGIN
	SELECT * INTO it FROM task_items
	 WHERE job_id = p_job AND status IN ('pending', 'running') FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	INSERT INTO parsed_contents AS pc (link_id, final_url, http_status,
	    content_type, charset, title, byline, site_name, lang, published,
	    description, canonical_url, image_url, content, word_count,
	    content_hash, fetch_ms)
	VALUES (it.item_id, r ->> 'final_url', (r ->> 'http_status')::int,
	    r ->> 'content_type', r ->> 'charset', d ->> 'title',
	    d ->> 'byline', d ->> 'site_name', d ->> 'lang', d ->> 'published',
	    d ->> 'description', d ->> 'canonical_url', d ->> 'image_url',
	    coalesce(d ->> 'text', ''), coalesce((d ->> 'word_count')::int, 0),
	    d ->> 'content_hash', (r ->> 'fetch_ms')::int)
	ON CONFLICT (link_id) DO UPDATE SET
	    final_url = EXCLUDED.final_url, http_status = EXCLUDED.http_status,
	    content_type = EXCLUDED.content_type, charset = EXCLUDED.charset,
	    title = EXCLUDED.title, byline = EXCLUDED.byline,
	    site_name = EXCLUDED.site_name, lang = EXCLUDED.lang,
	    published = EXCLUDED.published,
	    description = EXCLUDED.description,
	    canonical_url = EXCLUDED.canonical_url,
	    image_url = EXCLUDED.image_url, content = EXCLUDED.content,
	    word_count = EXCLUDED.word_count,
	    content_hash = EXCLUDED.content_hash,
	    fetch_ms = EXCLUDED.fetch_ms,
	    parse_count = pc.parse_count + 1, updated_at = now()
	RETURNING id INTO pid;
	res := jsonb_build_object('parsed_content_id', pid,
	    'link_id', it.item_id, 'title', d ->> 'title',
	    'word_count', coalesce((d ->> 'word_count')::int, 0),
	    'url', r ->> 'final_url');
	PERFORM tq_item_finish(p_job, 'completed', res, NULL, NULL);
	RETURN res;
END $$;

-- Store an AI result (one row per content and model) and finish.
CREATE FUNCTION tq_store_ai(p_job text, r jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	it task_items;
	aid bigint;
	res jsonb;
	m ai_models;
BEGIN
	SELECT * INTO it FROM task_items
	 WHERE job_id = p_job AND status IN ('pending', 'running') FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	SELECT * INTO m FROM ai_models WHERE id = (r ->> 'model_id')::bigint;
	INSERT INTO ai_processed_contents AS a (parsed_content_id, model_id,
	    model_name, summary, keywords, insights, language, config,
	    prompt_tokens, completion_tokens, total_tokens, finish_reason,
	    input_truncated, duration_ms)
	VALUES (it.item_id, m.id, m.name, r ->> 'summary',
	    CASE WHEN r -> 'keywords' IS NULL OR
		jsonb_typeof(r -> 'keywords') <> 'array' THEN NULL
		ELSE ARRAY(SELECT jsonb_array_elements_text(r -> 'keywords'))
		END,
	    CASE WHEN jsonb_typeof(r -> 'insights') = 'null' THEN NULL
		ELSE r -> 'insights' END,
	    r ->> 'language', coalesce(r -> 'config', '{}'),
	    (r ->> 'prompt_tokens')::int, (r ->> 'completion_tokens')::int,
	    (r ->> 'total_tokens')::int, r ->> 'finish_reason',
	    coalesce((r ->> 'input_truncated')::boolean, false),
	    (r ->> 'duration_ms')::int)
	ON CONFLICT (parsed_content_id, model_id) DO UPDATE SET
	    summary = EXCLUDED.summary, keywords = EXCLUDED.keywords,
	    insights = EXCLUDED.insights, language = EXCLUDED.language,
	    config = EXCLUDED.config, prompt_tokens = EXCLUDED.prompt_tokens,
	    completion_tokens = EXCLUDED.completion_tokens,
	    total_tokens = EXCLUDED.total_tokens,
	    finish_reason = EXCLUDED.finish_reason,
	    input_truncated = EXCLUDED.input_truncated,
	    duration_ms = EXCLUDED.duration_ms, updated_at = now()
	RETURNING id INTO aid;
	IF r ->> 'json_mode' IS NOT NULL AND m.base_url IS NOT NULL THEN
		INSERT INTO ai_server_modes (base_url, json_mode)
		VALUES (m.base_url, r ->> 'json_mode')
		ON CONFLICT (base_url) DO UPDATE
		   SET json_mode = EXCLUDED.json_mode, updated_at = now();
	END IF;
	res := jsonb_build_object('ai_content_id', aid,
	    'parsed_content_id', it.item_id, 'model', m.name);
	PERFORM tq_item_finish(p_job, 'completed', res, NULL, NULL);
	RETURN res;
END $$;
