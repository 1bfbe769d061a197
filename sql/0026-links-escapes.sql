-- 0026-links-escapes: a link's %-escapes in upper case ("%D0%9F"), as
-- tq now writes them and a browser's address bar copies them (RFC 3986,
-- 2.1 and 6.2.2.1).  tq wrote those it made from a URL's own characters
-- in lower case ("%d0%9f", libcurl's), so that a page submitted once as
-- typed and once as copied was two links, parsed and imported twice.
-- A link whose upper-case form is already a link of its own stays as it
-- is: both have their contents, and new submits find the upper one.

CREATE FUNCTION pg_temp.tq_escapes_upper(s text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	out text := '';
	i int := 1;
	n int := length(s);
BEGIN
	WHILE i <= n LOOP
		IF substr(s, i, 1) = '%' AND
		    substr(s, i + 1, 2) ~ '^[0-9A-Fa-f]{2}$' THEN
			out := out || '%' || upper(substr(s, i + 1, 2));
			i := i + 3;
		ELSE
			out := out || substr(s, i, 1);
			i := i + 1;
		END IF;
	END LOOP;
	RETURN out;
END $$;

-- (of links that differ only in the case of their escapes, the first)
UPDATE links l SET url = c.up
  FROM (SELECT DISTINCT ON (up) id, up
	  FROM (SELECT id, pg_temp.tq_escapes_upper(url) AS up FROM links
		 WHERE url ~ '%([0-9A-Fa-f][a-f]|[a-f][0-9A-Fa-f])') x
	 ORDER BY up, id) c
 WHERE l.id = c.id
   AND NOT EXISTS (SELECT 1 FROM links o WHERE o.url = c.up);
