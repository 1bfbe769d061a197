-- 0020-json-mode-model: the JSON mode a server was found to accept is
-- kept for each model it serves, not for the server.
--
-- A gateway (LiteLLM, OpenRouter, a vLLM router) serves models of
-- different kinds at one base URL: one that refuses a JSON schema
-- stepped the server's row down to json_object or prompt, and every
-- other model of that URL without a json_mode of its own then started
-- there, asking for less than it could give, for good.  The row is now
-- keyed by the base URL and the model the server is asked for
-- (ai_models.model): two tq models of the same server model share it.
-- The rows learnt so far are dropped, not guessed at: each model finds
-- its mode again on its first call (one refused request at most for
-- each step down).  The rest of tq_store_ai()'s body is sql/0017's.

DELETE FROM ai_server_modes;
ALTER TABLE ai_server_modes ADD COLUMN model text NOT NULL;
ALTER TABLE ai_server_modes DROP CONSTRAINT ai_server_modes_pkey;
ALTER TABLE ai_server_modes ADD PRIMARY KEY (base_url, model);

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
	-- what the server accepted for this model, from a model that let
	-- it choose
	IF r ->> 'json_mode' IS NOT NULL AND m.base_url IS NOT NULL AND
	    coalesce(m.params ->> 'json_mode', '') = '' AND
	    NOT EXISTS (SELECT 1 FROM ai_server_modes s
	     WHERE s.base_url = m.base_url AND s.model = m.model AND
		   s.json_mode = r ->> 'json_mode') THEN
		INSERT INTO ai_server_modes (base_url, model, json_mode)
		VALUES (m.base_url, m.model, r ->> 'json_mode')
		ON CONFLICT (base_url, model) DO UPDATE
		   SET json_mode = EXCLUDED.json_mode, updated_at = now()
		 WHERE ai_server_modes.json_mode IS DISTINCT FROM
		       EXCLUDED.json_mode;
	END IF;
	res := jsonb_build_object('ai_content_id', aid,
	    'parsed_content_id', it.item_id, 'model', m.name);
	PERFORM tq_item_finish(p_job, 'completed', res, NULL, NULL);
	RETURN res;
END $$;
