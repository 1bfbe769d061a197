-- 0005-page-type: the page type that the extractor detects (article,
-- forum, product, documentation, service, listing, collection) is kept
-- with the parsed content, so that the AI stage and readers can use
-- it.  NULL for contents parsed before this migration.
ALTER TABLE parsed_contents ADD COLUMN page_type text;

-- As in 0001, with page_type taken from the result's doc.
CREATE OR REPLACE FUNCTION tq_store_parse(p_job text, r jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	it task_items;
	pid bigint;
	res jsonb;
	d jsonb := r -> 'doc';
BEGIN
	SELECT * INTO it FROM task_items
	 WHERE job_id = p_job AND status IN ('pending', 'running') FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	INSERT INTO parsed_contents AS pc (link_id, final_url, http_status,
	    content_type, charset, title, byline, site_name, lang, published,
	    description, canonical_url, image_url, content, word_count,
	    content_hash, fetch_ms, page_type)
	VALUES (it.item_id, r ->> 'final_url', (r ->> 'http_status')::int,
	    r ->> 'content_type', r ->> 'charset', d ->> 'title',
	    d ->> 'byline', d ->> 'site_name', d ->> 'lang', d ->> 'published',
	    d ->> 'description', d ->> 'canonical_url', d ->> 'image_url',
	    coalesce(d ->> 'text', ''), coalesce((d ->> 'word_count')::int, 0),
	    d ->> 'content_hash', (r ->> 'fetch_ms')::int, d ->> 'page_type')
	ON CONFLICT (link_id) DO UPDATE SET
	    final_url = EXCLUDED.final_url, http_status = EXCLUDED.http_status,
	    content_type = EXCLUDED.content_type, charset = EXCLUDED.charset,
	    title = EXCLUDED.title, byline = EXCLUDED.byline,
	    site_name = EXCLUDED.site_name, lang = EXCLUDED.lang,
	    published = EXCLUDED.published,
	    description = EXCLUDED.description,
	    canonical_url = EXCLUDED.canonical_url,
	    image_url = EXCLUDED.image_url, content = EXCLUDED.content,
	    word_count = EXCLUDED.word_count,
	    content_hash = EXCLUDED.content_hash,
	    fetch_ms = EXCLUDED.fetch_ms, page_type = EXCLUDED.page_type,
	    parse_count = pc.parse_count + 1, updated_at = now()
	RETURNING id INTO pid;
	res := jsonb_build_object('parsed_content_id', pid,
	    'link_id', it.item_id, 'title', d ->> 'title',
	    'word_count', coalesce((d ->> 'word_count')::int, 0),
	    'url', r ->> 'final_url');
	PERFORM tq_item_finish(p_job, 'completed', res, NULL, NULL);
	RETURN res;
END $$;
