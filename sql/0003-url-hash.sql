-- 0003-url-hash: a link is unique by the SHA-256 of its URL, not by
-- the URL itself.  A btree entry holds at most about 2,700 bytes and
-- real URLs run to 8 KB; tq-submit takes URLs of up to 8192 bytes
-- (TQ_URL_MAX) and finds their links through this index.
ALTER TABLE links DROP CONSTRAINT links_url_key;
CREATE UNIQUE INDEX links_url_sha256 ON links (sha256(url::bytea));
