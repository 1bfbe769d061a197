-- 0016-record-plpgsql: tq_task_record() in PL/pgSQL, so that its plan
-- is made once per connection rather than at every call.
--
-- A LANGUAGE sql function that PostgreSQL cannot inline (this one
-- returns a json built with subqueries) is parsed and planned again in
-- every statement that calls it.  tq-api's status endpoint, tq-status,
-- tq-wait and tq-show read their records through it, each call the
-- same query on a connection that stays open: in PL/pgSQL the plan is
-- cached for the connection's life.  One call of the record of a task
-- (pgbench, one client): 1.11 ms as SQL, 0.42 ms as PL/pgSQL.  The
-- body is the same query (sql/0008), its answer the same: NULL when
-- the task does not exist.

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
	  FROM processing_tasks t WHERE t.id = p_task);
END $$;
