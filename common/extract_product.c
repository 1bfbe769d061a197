/*
 * extract_product.c - what the extractor does for product pages (and
 * the shops' pages built like them): the rules that find a product's
 * name, description, features and specifications and leave out the
 * shop around them.  extract.c says how the stages fit together;
 * these are hooks called from the tree (stage 2), the type (stage 3)
 * and the broad pass.
 *
 * Streamed segments: React's streaming renderer sends the parts of a
 * page that were slow to render last, each in a <div hidden
 * id="S:n"> that a script moves into its place.  Shops built that way
 * (Next.js) hold their whole description and specifications there:
 * they are no hidden text.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <tidy/tidy.h>
#include <tidy/tidybuffio.h>

#include "tq.h"
#include "extract_priv.h"

/* ---------------------------------------------------- streamed segments */

/* A <div hidden id="S:n">: React's streamed content, shown by a script. */
int
ex_stream_segment(TidyNode tn)
{
	const char *id;

	if (tidyNodeGetId(tn) != TidyTag_DIV ||
	    (id = ex_attr_get(tn, "id")) == NULL || id[0] != 'S' ||
	    id[1] != ':' || !isxdigit((unsigned char)id[2]))
		return 0;
	for (id += 2; isxdigit((unsigned char)*id); id++)
		;
	return *id == '\0';
}

/*
 * The element sibling before node i (just added), or -1: node i - 1 is
 * that sibling or lies below it.  Blank text between them is skipped.
 */
static int
prev_sibling(struct ex *x, int i)
{
	int p = x->n[i].parent, j = i - 1, k;

	for (k = 0; k < 3 && j > p; k++) {
		while (j > p && x->n[j].parent != p)
			j = x->n[j].parent;
		if (j <= p)
			return -1;
		if (x->n[j].tag != XT_TEXT)
			return j;
		if (x->n[j].text != NULL && x->n[j].text[strspn(x->n[j].text,
		    " ")] != '\0')
			return -1;
		j--;
	}
	return -1;
}

/*
 * A closed panel of an accordion or of tabs: a region or tab panel
 * labelled by its toggle (the ARIA pattern), or a hidden block right
 * after a heading or after the button that opens it (aria-expanded).
 * Hidden from screen readers too while closed (aria-hidden), it holds
 * a product's details and specifications, a question's answer.
 */
int
ex_closed_panel(struct ex *x, int i, TidyNode tn)
{
	const char *v;
	int j;

	if ((v = ex_attr_get(tn, "role")) != NULL &&
	    (ex_has_word(v, "region") || ex_has_word(v, "tabpanel")) &&
	    ex_attr_get(tn, "aria-labelledby") != NULL)
		return 1;
	if (!(x->n[i].flags & F_BLOCK) || (j = prev_sibling(x, i)) < 0)
		return 0;
	return ex_tag_is_heading(x->n[j].tag) ||
	    (x->toggle > 0 && x->toggle >= j);
}
