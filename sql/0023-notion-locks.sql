-- 0023-notion-locks: the notion stage's locks (one import of a content
-- into a database at a time, one read of a database's schema, one
-- create or look-up of a page of a URL) as leases: a row per lock, with
-- its owner (a run of a job) and until when it holds.  They were
-- advisory locks of a session, which a pooler in transaction mode
-- (PgBouncer's) breaks: taken on one server connection and let go on
-- another, a lock stayed held on a connection the pooler kept, and the
-- imports that needed it were busy until that connection closed.  A
-- lease is taken and let go by one statement each, on any connection;
-- that of a run that died ends when its time runs out (the job's).
-- key: md5 of the lock's name.
CREATE TABLE notion_locks (
	key	text PRIMARY KEY,
	owner	text NOT NULL,
	until	timestamptz NOT NULL
);
