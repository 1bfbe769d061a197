-- 0011-follow-up-index: a submit's items are not follow-ups.
--
-- task_items_one_follow_up, the unique key (task_id, source_item_id)
-- that keeps a chain from making one item's follow-up twice (sql/0008),
-- held an entry for every item, though only the items a chain makes
-- have a source item: every item a submit writes (source_item_id NULL,
-- which a unique key never compares equal) cost an index insertion for
-- nothing.  The same key as a partial unique index holds only the
-- follow-ups; tq_item_follow()'s INSERT ... ON CONFLICT DO NOTHING
-- names no constraint, and any unique index stops the duplicate.
ALTER TABLE task_items DROP CONSTRAINT task_items_one_follow_up;
CREATE UNIQUE INDEX task_items_one_follow_up ON task_items
	(task_id, source_item_id) WHERE source_item_id IS NOT NULL;
