-- 0015-url-key: a link's URL is unique by its own bytes, no longer by
-- their SHA-256 (sql/0003), and the bytes are the URL's, exactly.
--
-- url::bytea is not a plain cast: it reads the text as bytea's escape
-- format, so a URL with a backslash in it ("?q=a\101b") was keyed as
-- another ("?q=aAb") and the submit of the second failed, and "?q=a\b"
-- could not be inserted at all.  decode(replace(u, '\', '\\'),
-- 'escape') gives the text's bytes, each backslash as itself.
--
-- A URL of up to 2,000 bytes is its own key: a btree entry holds it
-- whole (the limit is some 2,700 bytes), and the SHA-256 of every new
-- URL was a third of the work of the links' COPY (a 10,000-row COPY
-- took 94 ms of its backend's CPU with the SHA-256, 61 ms without).
-- A longer URL is keyed by a zero byte and its SHA-256: no URL has a
-- zero byte, so the two kinds of key never meet.
--
-- tq_url_key() is an SQL function that PostgreSQL inlines, in the
-- index and in a query alike: a lookup by tq_url_key(url) =
-- tq_url_key($1) uses the index.  Never change its body in place: the
-- index holds what it computed.

CREATE FUNCTION tq_url_key(u text) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN octet_length(u) <= 2000
	    THEN decode(replace(u, '\', '\\'), 'escape')
	    ELSE '\x00'::bytea ||
		sha256(decode(replace(u, '\', '\\'), 'escape')) END
$$;

CREATE UNIQUE INDEX links_url_key ON links (tq_url_key(url));
DROP INDEX links_url_sha256;
