/*
 * extract_service.c - what the broad pass does on a service or
 * landing page (and where it helps, on a product page).
 *
 * A landing page is a stack of sections, each a heading with a line
 * or two under it, and its reference text keeps them all.  The broad
 * pass (extract_type.c) takes the page's main region without its
 * chrome; the rules here keep the parts of a landing page that look
 * like chrome to the generic tests:
 *
 *  - the hero: a <header> that holds the page's heading and little
 *    else but text ("One workspace. Zero busywork." over its lead
 *    line) is the page's own header, not the site's banner of logo
 *    and menus (ex_service_hero(), asked before a <header> goes as a
 *    small structural block).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <tidy/tidy.h>
#include <tidy/tidybuffio.h>

#include "tq.h"
#include "extract_priv.h"

/*
 * Is node i a <header> that is a page's hero: it holds a heading with
 * text of its own, no navigation, and mostly unlinked text?
 */
int
ex_service_hero(const struct ex *x, int i)
{
	const struct xn *n = &x->n[i];

	if (n->tag != TidyTag_HEADER || n->nhead == 0 || n->hlen == 0 ||
	    n->tlen < 20 || n->tlen > 2000 || n->llen * 3 > n->tlen)
		return 0;
	/* the heading is the text, or a good part of it */
	return n->hlen * 5 >= n->tlen;
}
