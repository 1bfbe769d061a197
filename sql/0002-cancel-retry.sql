-- 0002-cancel-retry: the PostgreSQL side of tq-cancel and tq-retry,
-- one statement each.  Both lock a task's items before the task row,
-- in the order the workers do (tq_claim, tq_item_finish), so they
-- never deadlock with a worker; the task's status, progress and end
-- time are then derived by tq_task_settle(), which notifies tq_task.

-- Cancel a task: its open items (pending or running) turn cancelled and
-- the task turns cancelled; finished items keep their status and
-- results.  A task without open items is left as it is.  Returns NULL
-- for an unknown task, else
--	{"type": "parsing", "was": <task status before>,
--	 "items": [{"job_id", "status" (before: pending or running),
--	            "worker_id"}, ...]}
-- so that the caller removes the pending jobs from Redis and asks the
-- workers of the running ones to stop them.
CREATE FUNCTION tq_task_cancel(p_task bigint) RETURNS json
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
	-- read under lock, after the items: the status is current
	SELECT * INTO tk FROM processing_tasks WHERE id = p_task FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;	-- deleted meanwhile (retention)
	END IF;
	IF n > 0 THEN
		UPDATE processing_tasks
		   SET status = 'cancelled',
		       cancelled_items = cancelled_items + n,
		       updated_at = now()
		 WHERE id = p_task;
		PERFORM tq_task_settle(p_task);
	END IF;
	RETURN json_build_object('type', tk.type, 'was', tk.status,
	    'items', items);
END $$;

-- Retry a task: its failed items turn pending again with a fresh start
-- (retry_count and crash_count 0, no error, no run_after), failed_items
-- goes down by as many, and the task leaves its end state (running, or
-- queued if it never started).  Cancelled and completed items stay as
-- they are.  Only items still failed when their row lock is granted
-- change, so of two concurrent callers only one gets each item.
-- Returns NULL for an unknown task, else
--	{"type": "parsing", "was": <task status before>,
--	 "items": [{"job_id", "item_id", "previous_error"}, ...]}
-- and the caller pushes the items' jobs.
CREATE FUNCTION tq_task_retry(p_task bigint) RETURNS json
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
		SELECT id, seq, job_id, item_id, error_message FROM task_items
		 WHERE task_id = p_task AND status = 'failed'
		 ORDER BY seq FOR UPDATE),
	upd AS (
		UPDATE task_items i
		   SET status = 'pending', retry_count = 0, crash_count = 0,
		       error_message = NULL, error_kind = NULL,
		       result_data = NULL, run_after = NULL, worker_id = NULL,
		       started_at = NULL, completed_at = NULL,
		       updated_at = now()
		  FROM sel s
		 WHERE i.id = s.id AND i.status = 'failed'
		RETURNING s.seq, s.job_id, s.item_id, s.error_message)
	SELECT count(*), coalesce(json_agg(json_build_object(
	    'job_id', u.job_id, 'item_id', u.item_id,
	    'previous_error', u.error_message) ORDER BY u.seq), '[]'::json)
	  INTO n, items FROM upd u;
	SELECT * INTO tk FROM processing_tasks WHERE id = p_task FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;	-- deleted meanwhile (retention)
	END IF;
	IF n > 0 THEN
		UPDATE processing_tasks
		   SET failed_items = greatest(failed_items - n, 0),
		       status = CASE WHEN started_at IS NULL THEN 'queued'
			   ELSE 'running' END,
		       completed_at = NULL, updated_at = now()
		 WHERE id = p_task;
		PERFORM tq_task_settle(p_task);
	END IF;
	RETURN json_build_object('type', tk.type, 'was', tk.status,
	    'items', items);
END $$;
