/*
 * stage.c - the one table of the pipeline's stages.  Everything that
 * differs from stage to stage is a column here: names, queue, the ids
 * a stage consumes and produces, its default timeout and jobs in
 * flight per worker, and the SQL function that stores a result.  What
 * the worker does after the claim and the job itself are a row of
 * job.c's table of runners, kept apart so that tq-submit, tq-status
 * and the others, which link this table, do not load the extractor,
 * the AI and libtidy.  A new stage is a row here, one there, and a
 * module.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"

const struct tq_stage_def tq_stages[TQ_NSTAGES] = {
	{ "parse", "parsing-queue", "parsing", "link", "link",
	    "link_id", "parsed_content_id", "links", 60, 64, "tq_store_parse" },
	{ "ai", "ai-queue", "ai_processing", "parsed_content",
	    "parsed content", "parsed_content_id", "ai_content_id",
	    "parsed_contents", 120, 32, "tq_store_ai" },
	{ "notion", "notion-queue", "notion_import", "ai_content",
	    "ai content", "ai_content_id", "notion_page_id",
	    "ai_processed_contents", 60, 8, "tq_store_notion" },
};

const struct tq_stage_def *
tq_stage(enum tq_stage s)
{
	return &tq_stages[s];
}

const char *
tq_stage_name(enum tq_stage s)
{
	return tq_stages[s].name;
}

const char *
tq_stage_queue(enum tq_stage s)
{
	return tq_stages[s].queue;
}

const char *
tq_stage_task_type(enum tq_stage s)
{
	return tq_stages[s].task_type;
}

const char *
tq_stage_item_type(enum tq_stage s)
{
	return tq_stages[s].item_type;
}

int
tq_stage_from_name(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < TQ_NSTAGES; i++)
		if (strcmp(name, tq_stages[i].name) == 0 ||
		    strcmp(name, tq_stages[i].queue) == 0 ||
		    strcmp(name, tq_stages[i].task_type) == 0 ||
		    strcmp(name, tq_stages[i].item_type) == 0)
			return i;
	return -1;
}
