-- 0017-json-mode: the JSON mode a server was found to accept
-- (ai_server_modes) is learnt from, and given to, the models that have
-- no json_mode of their own (tq-model -J); it is written only when it
-- changes.
--
-- tq_store_ai() wrote the json_mode of every AI result into the row of
-- its model's base_url, and the worker loads that row over the model's
-- own setting (common/model.c).  So one model set to -J prompt pinned
-- every other model of the same server to prompt, for good, and
-- "tq-model set -J schema" had no effect where the server had a row.
-- tq-model(1) says otherwise: without -J the worker starts with schema
-- and steps down when the server refuses, remembering what it
-- accepted.  Now a model with a json_mode leaves the row alone, and
-- model.c reads its json_mode first.
--
-- Every AI result of an openai model also took the row lock of its
-- server's one row, even to write the value it held: all the ai jobs
-- of a server waited on each other's commits.  A plain read comes
-- first now; the insert runs only when the value differs, and its
-- WHERE keeps two jobs that race to write the same change from
-- writing it twice (ON CONFLICT DO UPDATE locks the row even when its
-- WHERE is false, so the WHERE alone would not spare the lock).  The
-- rest of the body is sql/0001's.

CREATE OR REPLACE FUNCTION tq_store_ai(p_job text, r jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	it task_items;
	aid bigint;
	res jsonb;
	m ai_models;
BEGIN
	SELECT * INTO it FROM task_items
	 WHERE job_id = p_job AND status IN ('pending', 'running') FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	SELECT * INTO m FROM ai_models WHERE id = (r ->> 'model_id')::bigint;
	INSERT INTO ai_processed_contents AS a (parsed_content_id, model_id,
	    model_name, summary, keywords, insights, language, config,
	    prompt_tokens, completion_tokens, total_tokens, finish_reason,
	    input_truncated, duration_ms)
	VALUES (it.item_id, m.id, m.name, r ->> 'summary',
	    CASE WHEN r -> 'keywords' IS NULL OR
		jsonb_typeof(r -> 'keywords') <> 'array' THEN NULL
		ELSE ARRAY(SELECT jsonb_array_elements_text(r -> 'keywords'))
		END,
	    CASE WHEN jsonb_typeof(r -> 'insights') = 'null' THEN NULL
		ELSE r -> 'insights' END,
	    r ->> 'language', coalesce(r -> 'config', '{}'),
	    (r ->> 'prompt_tokens')::int, (r ->> 'completion_tokens')::int,
	    (r ->> 'total_tokens')::int, r ->> 'finish_reason',
	    coalesce((r ->> 'input_truncated')::boolean, false),
	    (r ->> 'duration_ms')::int)
	ON CONFLICT (parsed_content_id, model_id) DO UPDATE SET
	    summary = EXCLUDED.summary, keywords = EXCLUDED.keywords,
	    insights = EXCLUDED.insights, language = EXCLUDED.language,
	    config = EXCLUDED.config, prompt_tokens = EXCLUDED.prompt_tokens,
	    completion_tokens = EXCLUDED.completion_tokens,
	    total_tokens = EXCLUDED.total_tokens,
	    finish_reason = EXCLUDED.finish_reason,
	    input_truncated = EXCLUDED.input_truncated,
	    duration_ms = EXCLUDED.duration_ms, updated_at = now()
	RETURNING id INTO aid;
	-- what the server accepted, from a model that let it choose
	IF r ->> 'json_mode' IS NOT NULL AND m.base_url IS NOT NULL AND
	    coalesce(m.params ->> 'json_mode', '') = '' AND
	    NOT EXISTS (SELECT 1 FROM ai_server_modes s
	     WHERE s.base_url = m.base_url AND
		   s.json_mode = r ->> 'json_mode') THEN
		INSERT INTO ai_server_modes (base_url, json_mode)
		VALUES (m.base_url, r ->> 'json_mode')
		ON CONFLICT (base_url) DO UPDATE
		   SET json_mode = EXCLUDED.json_mode, updated_at = now()
		 WHERE ai_server_modes.json_mode IS DISTINCT FROM
		       EXCLUDED.json_mode;
	END IF;
	res := jsonb_build_object('ai_content_id', aid,
	    'parsed_content_id', it.item_id, 'model', m.name);
	PERFORM tq_item_finish(p_job, 'completed', res, NULL, NULL);
	RETURN res;
END $$;
