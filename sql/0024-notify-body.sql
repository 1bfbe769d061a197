-- 0024-notify-body: the body of a task-end notification is the task's
-- record as tq-status shows it once the task has ended: its
-- notification field is this notification (id as in X-Tq-Delivery,
-- task_status, attempts 0), and it has no items field.  It was made
-- before the notification's row: its notification was null at a
-- task's first end and the previous end's at the next (after
-- tq-retry), and it carried "items": null.  As in 0008 otherwise.

CREATE OR REPLACE FUNCTION tq_task_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	t processing_tasks;
	term text[] := ARRAY['completed', 'failed', 'cancelled'];
	nid bigint;
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
			VALUES (t.id, t.notify_url, t.status, '')
			RETURNING id INTO nid;
			-- the record as tq-status shows it now, this one in it
			UPDATE task_notifications
			   SET body = regexp_replace(tq_task_record(t.id,
			       false)::text, ', "items" : null}$', '}')
			 WHERE id = nid;
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
