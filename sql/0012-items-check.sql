-- 0012-items-check: the check of a statement's new items (sql/0010)
-- in one pass when they all name one task, as every submit's do.
--
-- count(DISTINCT task_id) sorted the new items' task ids, and the
-- UPDATE joined them again: some 12 ms of a 10,000-item submit's
-- 100.  min() and max() read them once; when they are equal, one
-- task's row is locked by its key.  A statement naming several tasks
-- is checked as before.
CREATE OR REPLACE FUNCTION tq_items_task_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	lo bigint;
	hi bigint;
	want integer;
	got integer;
	missing bigint;
BEGIN
	SELECT min(task_id), max(task_id) INTO lo, hi FROM tq_new_items;
	IF lo IS NULL THEN
		RETURN NULL;
	END IF;
	IF lo = hi THEN
		want := 1;
		UPDATE processing_tasks SET updated_at = updated_at WHERE id = lo;
	ELSE
		SELECT count(DISTINCT task_id) INTO want FROM tq_new_items;
		UPDATE processing_tasks SET updated_at = updated_at
		 WHERE id IN (SELECT task_id FROM tq_new_items);
	END IF;
	GET DIAGNOSTICS got = ROW_COUNT;
	IF got <> want THEN
		SELECT n.task_id INTO missing FROM tq_new_items n
		 WHERE NOT EXISTS (SELECT 1 FROM processing_tasks t
		    WHERE t.id = n.task_id) LIMIT 1;
		RAISE EXCEPTION 'insert or update on table "task_items" '
		    'violates the reference to processing_tasks'
		    USING ERRCODE = 'foreign_key_violation',
		    DETAIL = format('Key (task_id)=(%s) is not present in '
		    'table "processing_tasks".', missing),
		    TABLE = 'task_items', COLUMN = 'task_id';
	END IF;
	RETURN NULL;
END $$;
