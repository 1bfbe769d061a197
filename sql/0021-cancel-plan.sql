-- 0021-cancel-plan: tq_task_cancel() no longer joins task_items to
-- itself.
--
-- It selected a task's open items FOR UPDATE, then updated task_items
-- joined to that selection.  Right after tq_items_fill() has written a
-- task's batches out, the table's statistics know nothing of the new
-- rows, and the planner, counting on one open item, joined them in a
-- nested loop: each of the task's items compared with every other.
-- Cancelling 20,000 queued items took 82 s, 100,000 more than a
-- quarter of an hour, with the rows locked against every worker's
-- claim all the while.  The selection now goes into arrays, and the
-- update finds its rows by their ids (an index scan whatever the
-- statistics say).  The rest is sql/0019's.

CREATE OR REPLACE FUNCTION tq_task_cancel(p_task bigint) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	tk processing_tasks;
	items json;
	ids bigint[];
	n integer;
BEGIN
	PERFORM 1 FROM processing_tasks WHERE id = p_task;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	PERFORM tq_items_fill(p_task, NULL);
	SELECT coalesce(array_agg(s.id ORDER BY s.seq), '{}'),
	       coalesce(json_agg(json_build_object('job_id', s.job_id,
		   'status', s.status, 'worker_id', s.worker_id)
		   ORDER BY s.seq), '[]'::json)
	  INTO ids, items
	  FROM (SELECT id, seq, status, job_id, worker_id FROM task_items
		 WHERE task_id = p_task AND status IN ('pending', 'running')
		 ORDER BY seq FOR UPDATE) s;
	-- locked above: none of them can have ended meanwhile
	UPDATE task_items
	   SET status = 'cancelled', completed_at = now(),
	       run_after = NULL, updated_at = now()
	 WHERE id = ANY (ids) AND status IN ('pending', 'running');
	GET DIAGNOSTICS n = ROW_COUNT;
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
