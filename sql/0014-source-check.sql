-- 0014-source-check: task_items.source_item_id (a chain's follow-up
-- names the item it came from, sql/0008) is checked per statement, as
-- task_id is (sql/0010), not by a foreign key.
--
-- The foreign key queued a check for every row inserted, NULL or not:
-- some 8 ms of a 10,000-item submit, whose items never have a source.
-- The same guarantees, for every writer:
--  * an INSERT whose rows name source items fails with
--    foreign_key_violation (23503) unless they all exist, and takes a
--    KEY SHARE lock on each, so that a concurrent DELETE of one waits
--    for this transaction (as the foreign key's check did); the
--    statement's new items are read once, in the pass that checks
--    their tasks;
--  * an UPDATE that sets a source item is checked row by row;
--  * deleting items sets the source of their follow-ups to NULL
--    (ON DELETE SET NULL did).

ALTER TABLE task_items DROP CONSTRAINT task_items_source_item_id_fkey;

CREATE OR REPLACE FUNCTION tq_items_task_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	lo bigint;
	hi bigint;
	nsrc bigint;
	want integer;
	got integer;
	missing bigint;
BEGIN
	SELECT min(task_id), max(task_id), count(source_item_id)
	  INTO lo, hi, nsrc FROM tq_new_items;
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
	IF nsrc > 0 THEN
		SELECT count(DISTINCT source_item_id) INTO want
		  FROM tq_new_items;
		SELECT count(*) INTO got FROM (SELECT 1 FROM task_items s
		 WHERE s.id IN (SELECT source_item_id FROM tq_new_items)
		   FOR KEY SHARE OF s) k;
		IF got <> want THEN
			SELECT n.source_item_id INTO missing FROM tq_new_items n
			 WHERE n.source_item_id IS NOT NULL AND NOT EXISTS
			    (SELECT 1 FROM task_items s
			    WHERE s.id = n.source_item_id) LIMIT 1;
			PERFORM tq_items_source_missing(missing);
		END IF;
	END IF;
	RETURN NULL;
END $$;

CREATE FUNCTION tq_items_source_missing(p_source bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'insert or update on table "task_items" violates '
	    'the reference to its source item'
	    USING ERRCODE = 'foreign_key_violation',
	    DETAIL = format('Key (source_item_id)=(%s) is not present in '
	    'table "task_items".', p_source),
	    TABLE = 'task_items', COLUMN = 'source_item_id';
END $$;

CREATE FUNCTION tq_item_source_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM 1 FROM task_items WHERE id = NEW.source_item_id
	    FOR KEY SHARE;
	IF NOT FOUND THEN
		PERFORM tq_items_source_missing(NEW.source_item_id);
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER task_items_source_update
	AFTER UPDATE OF source_item_id ON task_items
	FOR EACH ROW WHEN (NEW.source_item_id IS NOT NULL AND
	    NEW.source_item_id IS DISTINCT FROM OLD.source_item_id)
	EXECUTE FUNCTION tq_item_source_change();

CREATE FUNCTION tq_items_source_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE task_items SET source_item_id = NULL
	 WHERE source_item_id IS NOT NULL
	   AND source_item_id IN (SELECT id FROM tq_old_items);
	RETURN NULL;
END $$;

CREATE TRIGGER task_items_source_delete AFTER DELETE ON task_items
	REFERENCING OLD TABLE AS tq_old_items
	FOR EACH STATEMENT EXECUTE FUNCTION tq_items_source_delete();
