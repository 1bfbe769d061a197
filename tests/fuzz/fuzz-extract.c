/*
 * fuzz-extract.c - libFuzzer target: any bytes through tq_extract and
 * tq_doc_json.  Built and run by tests/fuzz/run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tq_doc doc;
	struct tq_err err;
	json_t *o;
	char *s;

	memset(&err, 0, sizeof(err));
	if (tq_extract((const char *)data, size, "https://fuzz.example/a/b",
	    &doc, &err) == 0) {
		o = tq_doc_json(&doc);
		/* invalid UTF-8 would make jansson fail here */
		if ((s = json_dumps(o, JSON_COMPACT)) == NULL)
			abort();
		free(s);
		json_decref(o);
		tq_doc_free(&doc);
	} else if (err.kind != TQ_ERR_PERMANENT || err.msg[0] == '\0')
		abort();
	return 0;
}
