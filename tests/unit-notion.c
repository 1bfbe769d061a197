/* unit-notion.c - notion.c: the text splitter, UTF-16 units, ids, the
 * re-split of runs to bytes */
#include <stdlib.h>
#include <string.h>

#include "tq.h"
#include "tap.h"

static char *
rep(const char *unit, int n, const char *tail)
{
	struct tq_buf b = { 0 };
	int i;

	for (i = 0; i < n; i++)
		tq_buf_adds(&b, unit);
	tq_buf_adds(&b, tail);
	return b.data;
}

/* the marks of the text below: Latin's accents, Devanagari's signs */
static int
mark(uint32_t c)
{
	return (c >= 0x300 && c <= 0x36f) || (c >= 0x93e && c <= 0x94d);
}

int
main(void)
{
	const char *emoji = "\xf0\x9f\x94\x8b";	/* U+1F50B, 2 units */
	const char *cjk = "\xe6\xb8\xaf";		/* U+6E2F, 1 unit */
	char *s, *id;
	size_t len, off, k, units, worst;
	int pieces, bad;

	plan(37);
	is_int(tq_utf16_units("abc", 3), 3, "ASCII: one unit each");
	is_int(tq_utf16_units(emoji, 4), 2, "an astral character: two");
	is_int(tq_utf16_units(cjk, 3), 1, "CJK: one");
	is_int(tq_notion_cut("short", 5, 2000), 5, "what fits is whole");

	s = rep("a", 2001, "");
	is_int(tq_notion_cut(s, 2001, 2000), 2000, "2001 letters: 2000");
	free(s);
	s = rep("a", 1999, emoji);
	is_int(tq_notion_cut(s, strlen(s), 2000), 1999,
	    "no surrogate pair split at the edge");
	free(s);
	s = rep("a", 1998, emoji);
	is_int(tq_notion_cut(s, strlen(s), 2000), 2002,
	    "an emoji that fits exactly is kept");
	free(s);
	s = rep(cjk, 2001, "");
	is_int(tq_notion_cut(s, strlen(s), 2000), 6000,
	    "CJK: 2000 characters, 6000 bytes");
	free(s);
	s = rep("word ", 500, "");
	k = tq_notion_cut(s, strlen(s), 2000);
	ok(k == 2000 && s[k - 1] == ' ', "cut after white space");
	free(s);
	s = rep("abcd", 450, "    efghijklmnop");
	k = tq_notion_cut(s, strlen(s), 1810);
	ok(k == 1804 && s[k - 1] == ' ', "the last white space when near");
	free(s);

	/* a long mixed text: pieces rebuild it, each within the limit */
	s = rep("Grid storage \xf0\x9f\x94\x8b at the harbor "
	    "\xe6\xb8\xaf\xe5\x8f\xa3 works. ", 400, "");
	len = strlen(s);
	bad = pieces = 0;
	worst = 0;
	for (off = 0; off < len; off += k) {
		k = tq_notion_cut(s + off, len - off, 2000);
		units = tq_utf16_units(s + off, k);
		if (units > worst)
			worst = units;
		if (k == 0 || (off + k < len &&
		    ((unsigned char)s[off + k] & 0xc0) == 0x80))
			bad++;
		pieces++;
		if (k == 0)
			break;
	}
	ok(bad == 0 && off == len, "%d pieces rebuild the text, cut on "
	    "character boundaries", pieces);
	ok(worst <= 2000 && worst > 1900, "each piece at most 2000 units "
	    "(largest %zu)", worst);
	free(s);

	/* the re-split: 2000 units of CJK (6000 bytes) in a block, bold */
	{
		json_t *blocks, *rich, *r;
		struct tq_buf all = { 0 };
		size_t i, most = 0;
		int same_style = 1;

		s = rep(cjk, 2000, "");
		blocks = json_pack("[{s:s,s:{s:[{s:s,s:{s:s},s:{s:b}},"
		    "{s:s,s:{s:s}}]}}]", "type", "paragraph", "paragraph",
		    "rich_text", "type", "text", "text", "content", s,
		    "annotations", "bold", 1, "type", "text", "text",
		    "content", "short");
		is_int(tq_notion_resplit(blocks), 3, "6000 bytes: split "
		    "three times");
		rich = json_object_get(json_object_get(json_array_get(blocks,
		    0), "paragraph"), "rich_text");
		is_int(json_array_size(rich), 5, "into four runs of the "
		    "same block, before the short one");
		tq_buf_add(&all, "", 0);
		json_array_foreach(rich, i, r) {
			const char *c = json_string_value(json_object_get(
			    json_object_get(r, "text"), "content"));

			if (strlen(c) > most)
				most = strlen(c);
			tq_buf_adds(&all, c);
			if (i < 4 && !json_is_true(json_object_get(
			    json_object_get(r, "annotations"), "bold")))
				same_style = 0;
		}
		ok(most <= 2000 && same_style, "each at most 2000 bytes "
		    "(largest %zu), bold kept", most);
		ok(all.len == strlen(s) + 5 && memcmp(all.data, s,
		    strlen(s)) == 0 && strcmp(all.data + strlen(s),
		    "short") == 0, "the text whole, in order");
		is_int(tq_notion_resplit(blocks), 0, "nothing more to split");
		free(all.data);
		free(s);
		json_decref(blocks);
	}

	/*
	 * No cut inside a grapheme cluster: at the edge of 2000 units,
	 * the cluster goes whole to the next run
	 */
	{
		static const struct {
			int		 pad;
			const char	*cluster, *what;
		} gc[] = {
			{ 1999, "e\xcc\x81", "an accent with its letter" },
			{ 1998, "\xf0\x9f\x87\xab\xf0\x9f\x87\xb7",
			    "a flag's two regional indicators" },
			{ 1997, "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f"
			    "\x91\xa9", "an emoji ZWJ sequence" },
			{ 1998, "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",
			    "an emoji and its skin tone" },
			{ 1999, "1\xef\xb8\x8f\xe2\x83\xa3", "a keycap" },
			{ 1999, "\xe1\x84\x80\xe1\x85\xa1",
			    "a Hangul syllable in jamo" },
			{ 1999, "\xe0\xa4\x95\xe0\xa4\xbf",
			    "a Devanagari vowel sign" },
			{ 1999, "\xe0\xb8\x81\xe0\xb8\xb3",
			    "a Thai sara am" },
			{ 1998, "\xe0\xa4\x95\xe0\xa5\x8d\xe0\xa4\xb7",
			    "a Devanagari conjunct" },
			{ 1998, "\xe1\x9e\x81\xe1\x9f\x92\xe1\x9e\x98",
			    "a Khmer subscript consonant" },
		};
		size_t j;

		for (j = 0; j < sizeof(gc) / sizeof(gc[0]); j++) {
			s = rep("a", gc[j].pad, gc[j].cluster);
			is_int(tq_notion_cut(s, strlen(s), 2000),
			    gc[j].pad, "not inside %s", gc[j].what);
			free(s);
		}
		/* the same in the re-split, counted in bytes */
		{
			json_t *r;

			s = rep("a", 1999, "e\xcc\x81");
			r = json_pack("[{s:s,s:{s:s}}]", "type", "text",
			    "text", "content", s);
			tq_notion_resplit(r);
			is_int(json_string_length(json_object_get(
			    json_object_get(json_array_get(r, 0), "text"),
			    "content")), 1999, "re-split: the accent with "
			    "its letter");
			json_decref(r);
			free(s);
		}
		/* a long text of marks: no piece opens with one */
		s = rep("\xe0\xa4\xb9\xe0\xa4\xbf\xe0\xa4\xa8\xe0\xa5"
		    "\x8d\xe0\xa4\xa6\xe0\xa5\x80ti\xcc\x81\xcc\xa3\xf0"
		    "\x9f\x87\xaf\xf0\x9f\x87\xb5", 1400, "");
		len = strlen(s);
		bad = pieces = 0;
		for (off = 0; off < len; off += k) {
			uint32_t c;
			size_t i, ri = 0;

			k = tq_notion_cut(s + off, len - off, 2000);
			if (k == 0)
				break;
			pieces++;
			/* the flags before the cut: their halves paired */
			for (i = 0; i < off + k; i += tq_utf8_decode(s + i,
			    len - i, &c))
				if (tq_utf8_decode(s + i, len - i, &c) > 0 &&
				    c >= 0x1f1e6 && c <= 0x1f1ff)
					ri++;
			tq_utf8_decode(s + off + k, len - off - k, &c);
			if (off + k < len && (mark(c) || ri % 2))
				bad++;
		}
		ok(bad == 0 && off == len && pieces > 5, "Hindi, "
		    "Vietnamese and flags: none of %d pieces opens with a "
		    "mark or a flag's half", pieces);
		free(s);
	}

	id = tq_notion_id("11111111-1111-4111-8111-111111111111");
	is_str(id, "11111111-1111-4111-8111-111111111111", "a dashed id");
	free(id);
	id = tq_notion_id("12222222222242228222222222222222");
	is_str(id, "12222222-2222-4222-8222-222222222222", "32 hex digits");
	free(id);
	id = tq_notion_id("https://www.notion.so/team/Reading-list-"
	    "ABCDEF0123456789ABCDEF0123456789?v=0123456789abcdef0123456789abcdef");
	is_str(id, "abcdef01-2345-6789-abcd-ef0123456789", "a Notion URL");
	free(id);
	ok(tq_notion_id("not-an-id") == NULL, "not an id");
	ok(tq_notion_id("1111111111111111111111111111111") == NULL,
	    "31 digits are not an id");
	/* not the last 32 of them, another database's id */
	ok(tq_notion_id("1f2e3d4c5b6a79880f1e2d3c4b5a69781") == NULL,
	    "33 digits are not an id");
	ok(tq_notion_id("xx1f2e3d4c5b6a79880f1e2d3c4b5a6978") == NULL,
	    "nor 32 digits after a word");
	ok(tq_notion_id("1f2e3d4c5b6a79880f1e2d3c4b5a6978 ") == NULL,
	    "nor 32 digits and a blank");
	return done_testing();
}
