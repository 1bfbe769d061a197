/*
 * notion.c - the notion stage.
 */
#include "tq.h"

json_t *
tq_notion_work(const struct tq_claim *claim, struct tq_err *err)
{
	(void)claim;
	tq_err_set(err, TQ_ERR_PERMANENT, "no_stage",
	    "the notion stage is not available in this version");
	return NULL;
}
