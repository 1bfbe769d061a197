-- 0008-chains: chains of tasks and notifications of task ends.
--
-- A chain is made at submit time: one task per stage, each follow-up
-- task linked to the one before it (parent_task_id, next_task_id) and
-- waiting for it (awaiting_parent: it cannot end while its parent is
-- open, whatever its counters say).  When an item completes, its
-- follow-up item is created by a trigger in the transaction that
-- stores the outcome, whatever store function wrote it; the unique
-- (task_id, source_item_id) makes a second one impossible.  The
-- worker pushes the follow-up's job after the commit (tq_chain_out()
-- hands it the job); if that push is lost the reconciler pushes it, as
-- it does for any open item that Redis does not hold.
--
-- A task that ends (deferred to the commit, so it sees the whole
-- transaction) lets its follow-up end once that has no open items, or
-- cancels it if it was cancelled; a task that opens again (tq-retry)
-- opens its follow-ups again.  A task with a notify_url gets a row in
-- task_notifications per end, with its final record as the body; the
-- workers send it (common/notify.c).

ALTER TABLE processing_tasks
	ADD COLUMN parent_task_id bigint REFERENCES processing_tasks
		ON DELETE SET NULL,
	ADD COLUMN next_task_id bigint REFERENCES processing_tasks
		ON DELETE SET NULL,
	ADD COLUMN awaiting_parent boolean NOT NULL DEFAULT false,
	ADD COLUMN notify_url text;
CREATE INDEX processing_tasks_parent ON processing_tasks (parent_task_id)
	WHERE parent_task_id IS NOT NULL;
CREATE INDEX processing_tasks_next ON processing_tasks (next_task_id)
	WHERE next_task_id IS NOT NULL;

-- the item of the parent task that a follow-up item came from
ALTER TABLE task_items ADD COLUMN source_item_id bigint
	REFERENCES task_items ON DELETE SET NULL;
ALTER TABLE task_items ADD CONSTRAINT task_items_one_follow_up
	UNIQUE (task_id, source_item_id);
CREATE INDEX task_items_source ON task_items (source_item_id)
	WHERE source_item_id IS NOT NULL;

CREATE TABLE task_notifications (
	id		bigserial PRIMARY KEY,
	task_id		bigint NOT NULL REFERENCES processing_tasks
			ON DELETE CASCADE,
	url		text NOT NULL,
	task_status	text NOT NULL,	-- the status the task ended with
	body		text NOT NULL,	-- its record then, as sent
	attempts	integer NOT NULL DEFAULT 0,
	last_status	integer,	-- HTTP status of the last attempt
	last_error	text,
	next_at		timestamptz NOT NULL DEFAULT now(),
	claimed_by	text,		-- a worker sending it now ...
	claimed_until	timestamptz,	-- ... until then at most
	delivered_at	timestamptz,
	gave_up_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_notifications_task ON task_notifications (task_id);
CREATE INDEX task_notifications_due ON task_notifications (next_at)
	WHERE delivered_at IS NULL AND gave_up_at IS NULL;

-- As in 0001, and a task that awaits its parent does not end.
CREATE OR REPLACE FUNCTION tq_item_finish(p_job text, p_status text,
    p_result jsonb, p_error text, p_kind text) RETURNS bigint
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
		   WHEN awaiting_parent THEN 'running'
		   WHEN completed_items + failed_items + cancelled_items + 1
		       < total_items THEN 'running'
		   WHEN failed_items + df > 0 THEN 'failed'
		   WHEN cancelled_items + dx > 0 THEN 'cancelled'
		   ELSE 'completed' END,
	       completed_at = CASE WHEN NOT awaiting_parent AND
		   completed_items + failed_items + cancelled_items + 1 >=
		   total_items THEN coalesce(completed_at, now()) ELSE NULL END,
	       error = CASE WHEN failed_items + df > 0 THEN failed_items + df
		   || ' of ' || total_items || ' items failed' ELSE NULL END,
	       updated_at = now()
	 WHERE id = t;
	PERFORM pg_notify('tq_task', t::text);
	RETURN t;
END $$;

-- As in 0001, and a task that awaits its parent does not end.
CREATE OR REPLACE FUNCTION tq_task_settle(p_task bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE processing_tasks
	   SET progress = CASE WHEN total_items = 0 THEN
		   CASE WHEN awaiting_parent THEN 0 ELSE 100 END ELSE
		   (100 * (completed_items + failed_items + cancelled_items))
		   / total_items END,
	       status = CASE
		   WHEN status = 'cancelled' THEN 'cancelled'
		   WHEN awaiting_parent OR completed_items + failed_items +
		       cancelled_items < total_items THEN
			CASE WHEN status = 'queued' AND completed_items +
			    failed_items = 0 THEN 'queued' ELSE 'running' END
		   WHEN failed_items > 0 THEN 'failed'
		   WHEN cancelled_items > 0 THEN 'cancelled'
		   ELSE 'completed' END,
	       completed_at = CASE WHEN status = 'cancelled' OR
		   (NOT awaiting_parent AND completed_items + failed_items +
		   cancelled_items >= total_items)
		   THEN coalesce(completed_at, now()) ELSE NULL END,
	       error = CASE WHEN failed_items > 0 THEN failed_items ||
		   ' of ' || total_items || ' items failed' ELSE NULL END
	 WHERE id = p_task;
	PERFORM pg_notify('tq_task', p_task::text);
END $$;

-- An item completed: its follow-up item, in the same transaction.
-- Locks the item's task row before the follow-up task's, as every
-- path does (a parent before its follow-up).  The follow-up task's
-- seq and total_items grow under its row lock.
CREATE FUNCTION tq_item_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	nid bigint;
	nt processing_tasks;
	rid bigint;
	itype text;
	newid bigint;
BEGIN
	-- next_task_id is set when the task is made: no lock to read it
	SELECT next_task_id INTO nid FROM processing_tasks
	 WHERE id = NEW.task_id;
	IF nid IS NULL THEN
		RETURN NULL;	-- not a chain: nothing more to do
	END IF;
	PERFORM 1 FROM processing_tasks WHERE id = NEW.task_id FOR UPDATE;
	SELECT * INTO nt FROM processing_tasks WHERE id = nid FOR UPDATE;
	IF NOT FOUND OR nt.status IN ('completed', 'failed', 'cancelled') THEN
		RETURN NULL;	-- cancelled: nothing goes on
	END IF;
	IF nt.type = 'ai_processing' THEN
		itype := 'parsed_content';
		rid := (NEW.result_data ->> 'parsed_content_id')::bigint;
	ELSIF nt.type = 'notion_import' THEN
		itype := 'ai_content';
		rid := (NEW.result_data ->> 'ai_content_id')::bigint;
	END IF;
	IF rid IS NULL THEN
		RETURN NULL;
	END IF;
	INSERT INTO task_items (task_id, seq, item_id, item_type, job_id,
	    source_item_id)
	VALUES (nt.id, nt.total_items + 1, rid, itype,
	    gen_random_uuid()::text, NEW.id)
	ON CONFLICT DO NOTHING
	RETURNING id INTO newid;
	IF newid IS NULL THEN
		RETURN NULL;	-- made before: never twice
	END IF;
	UPDATE processing_tasks
	   SET total_items = total_items + 1,
	       progress = (100 * (completed_items + failed_items +
		   cancelled_items)) / (total_items + 1),
	       updated_at = now()
	 WHERE id = nt.id;
	PERFORM pg_notify('tq_task', nt.id::text);
	RETURN NULL;
END $$;

CREATE TRIGGER task_items_follow AFTER UPDATE OF status ON task_items
	FOR EACH ROW WHEN (NEW.status = 'completed' AND
	    OLD.status <> 'completed')
	EXECUTE FUNCTION tq_item_follow();

-- What a store function answered, with the follow-up job it made (if
-- any) under "next": {job_id, task_id, item_id, queue}, for the worker
-- to push after the commit.  Called as tq_chain_out($1, store($1, $2)):
-- the store runs first, and this function's query sees what it wrote.
CREATE FUNCTION tq_chain_out(p_job text, res jsonb) RETURNS jsonb
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
	 WHERE s.job_id = p_job AND c.status = 'pending';
	IF nx IS NULL THEN
		RETURN res;
	END IF;
	RETURN res || jsonb_build_object('next', nx);
END $$;

-- A task's status changed (at the commit, when all of the transaction
-- is in): an end lets its follow-up end or cancels it, and records a
-- notification; an opening again (tq-retry) opens its follow-ups.
CREATE FUNCTION tq_task_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	t processing_tasks;
	term text[] := ARRAY['completed', 'failed', 'cancelled'];
BEGIN
	SELECT * INTO t FROM processing_tasks WHERE id = NEW.id;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	IF NOT OLD.status = ANY(term) AND NEW.status = ANY(term) THEN
		IF NOT t.status = ANY(term) THEN
			RETURN NULL;	-- opened again since
		END IF;
		IF t.notify_url IS NOT NULL THEN
			INSERT INTO task_notifications (task_id, url,
			    task_status, body)
			VALUES (t.id, t.notify_url, t.status,
			    tq_task_record(t.id, false)::text);
		END IF;
		IF t.next_task_id IS NULL THEN
			RETURN NULL;
		END IF;
		IF t.status = 'cancelled' AND current_setting('tq.chain_cancel',
		    true) IS DISTINCT FROM 'on' THEN
			PERFORM tq_task_cancel(t.next_task_id);
		ELSE
			UPDATE processing_tasks SET awaiting_parent = false,
			    updated_at = now()
			 WHERE id = t.next_task_id AND awaiting_parent;
			PERFORM tq_task_settle(t.next_task_id);
		END IF;
	ELSIF OLD.status = ANY(term) AND NOT NEW.status = ANY(term) AND
	    NOT t.status = ANY(term) AND t.next_task_id IS NOT NULL THEN
		UPDATE processing_tasks
		   SET awaiting_parent = status <> 'cancelled',
		       status = CASE WHEN status = 'cancelled' THEN status
			   WHEN started_at IS NULL THEN 'queued'
			   ELSE 'running' END,
		       completed_at = CASE WHEN status = 'cancelled' THEN
			   completed_at END,
		       updated_at = now()
		 WHERE id = t.next_task_id;
		PERFORM pg_notify('tq_task', t.next_task_id::text);
	END IF;
	RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER processing_tasks_changed
	AFTER UPDATE OF status ON processing_tasks
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
	EXECUTE FUNCTION tq_task_changed();

-- As in 0002, and a follow-up task that has no open items yet (it
-- awaits its parent) is cancelled too.
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

-- Cancel a task and every task that follows it, in chain order (a
-- parent before its follow-up, as the workers lock them).  Returns a
-- JSON array of tq_task_cancel()'s answers, each with its task_id.
CREATE FUNCTION tq_chain_cancel(p_task bigint) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	t bigint := p_task;
	r json;
	out jsonb := '[]';
	k integer := 0;
BEGIN
	-- this function cancels the follow-ups itself (tq_task_changed)
	PERFORM set_config('tq.chain_cancel', 'on', true);
	WHILE t IS NOT NULL AND k < 100 LOOP
		r := tq_task_cancel(t);
		IF r IS NULL THEN
			EXIT;
		END IF;
		out := out || jsonb_build_array(jsonb_build_object('task_id', t)
		    || r::jsonb);
		SELECT next_task_id INTO t FROM processing_tasks WHERE id = t;
		k := k + 1;
	END LOOP;
	IF k = 0 THEN
		RETURN NULL;
	END IF;
	RETURN out::json;
END $$;

-- The task record (tq-json(5)), as in 0006, with the chain links and
-- the notification of the task's last end.
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
