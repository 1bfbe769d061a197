/*
 * fuzz-robots.c - libFuzzer target: any bytes through the robots.txt
 * parser of robots.c.  The input's first line is the path asked for,
 * the rest the robots.txt.  Built and run by tests/fuzz/run
 * (FUZZ_TARGET=robots).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size), *txt;
	char *path, rule[200];
	size_t plen, tlen;
	double d;

	plen = nl != NULL ? (size_t)(nl - (const char *)data) : size;
	path = xstrndup((const char *)data, plen);
	txt = nl != NULL ? nl + 1 : "";
	tlen = nl != NULL ? size - plen - 1 : 0;
	tq_robots_allowed(txt, tlen, "tq", path, rule, sizeof(rule));
	if (memchr(rule, '\0', sizeof(rule)) == NULL)
		abort();
	tq_robots_allowed(txt, tlen, "tq", "/", NULL, 0);
	d = tq_robots_crawl_delay(txt, tlen, "tq");
	if (d < 0 && d != -1)
		abort();
	free(path);
	return 0;
}
