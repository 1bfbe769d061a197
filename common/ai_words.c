/*
 * ai_words.c - the builtin AI provider's words: stems, the tokens of
 * each sentence (struct tok), the word and stem tables, and the stems
 * of the title.  ai_builtin.c says how the provider works.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"
#include "ai_priv.h"

/* ------------------------------------------------------------- words */

/* Light suffix stripping, for grouping "deal" with "deals". */
static size_t
stem(const char *lang, char *w, size_t n)
{
	if (n < 4)
		return n;
	if (strcmp(lang, "en") == 0) {
		if (n > 4 && memcmp(w + n - 3, "ies", 3) == 0) {
			w[n - 3] = 'y';
			return n - 2;
		}
		if (memcmp(w + n - 4, "sses", 4) == 0)
			return n - 2;
		if (w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' &&
		    w[n - 2] != 'i' && w[n - 2] != '\'')
			return n - 1;
		return n;
	}
	if (strcmp(lang, "fr") == 0 || strcmp(lang, "es") == 0 ||
	    strcmp(lang, "pt") == 0) {
		if (n > 4 && w[n - 1] == 's' && w[n - 2] != 's')
			return n - 1;
		return n;
	}
	if (strcmp(lang, "de") == 0 && n >= 6) {
		if (memcmp(w + n - 2, "en", 2) == 0 ||
		    memcmp(w + n - 2, "er", 2) == 0 ||
		    memcmp(w + n - 2, "es", 2) == 0)
			return n - 2;
		if (w[n - 1] == 'e' || w[n - 1] == 'n' || w[n - 1] == 's')
			return n - 1;
		return n;
	}
	if (strcmp(lang, "ru") == 0 && n >= 10) {
		/* one closing vowel or soft sign: диета, диеты, диету */
		static const char *const ends[] = {
			"а", "е", "и", "й", "о", "у", "ы", "ь", "ю", "я"
		};
		size_t i;

		for (i = 0; i < NITEMS(ends); i++)
			if (memcmp(w + n - 2, ends[i], 2) == 0)
				return n - 2;
	}
	return n;
}

/*
 * The end of the token starting at i: word characters, with apostrophes
 * and hyphens between letters, . or , between digits, and the joiners
 * U+200C and U+200D between any (Persian writes a verb's prefix so:
 * mi-ZWNJ-khaham, one word, not mi and khaham).
 */
static size_t
tok_end(const struct ctx *c, size_t i, size_t end, int *letters,
    int *digits, int *up, int *low)
{
	uint32_t ch, nx, pv = 0;
	size_t n;
	int cs;

	*letters = *digits = *up = *low = 0;
	while (i < end) {
		n = ai_next_cp(c, i, end, &ch);
		if (tq_lang_isword(ch)) {
			if (ai_digit(ch))
				(*digits)++;
			else
				(*letters)++;
			if ((cs = tq_lang_case(ch)) > 0)
				(*up)++;
			else if (cs < 0)
				(*low)++;
			pv = ch;
			i += n;
			continue;
		}
		ai_next_cp(c, i + n, end, &nx);
		if (!tq_lang_isword(nx))
			break;
		if ((ai_apostrophe(ch) && !ai_digit(pv) && !ai_digit(nx)) ||
		    ai_hyphen(ch) || ch == 0x200c || ch == 0x200d ||
		    ((ch == '.' || ch == ',') && ai_digit(pv) &&
		    ai_digit(nx))) {
			i += n;
			continue;
		}
		break;
	}
	return i;
}

static void
reserve(struct tq_buf *b, size_t n)
{
	if (b->cap < n + 1) {
		b->cap = n + 1 > 256 ? n + 1 : 256;
		b->data = xrealloc(b->data, b->cap);
	}
}

/* Lower case of [a, b) into c->kb, and with ' apostrophes into c->nb. */
static void
make_keys(struct ctx *c, size_t a, size_t b)
{
	const unsigned char *s = (const unsigned char *)c->text;
	uint32_t cp;
	size_t n, k = 0, m = 0;
	char *kb, *nb;

	reserve(&c->kb, 4 * (b - a));
	reserve(&c->nb, 4 * (b - a));
	kb = c->kb.data;
	nb = c->nb.data;
	for (; a < b; a += n) {
		if (s[a] < 0x80) {
			n = 1;
			kb[k++] = nb[m++] = s[a] >= 'A' && s[a] <= 'Z' ?
			    s[a] + 32 : s[a];
			continue;
		}
		n = ai_next_cp(c, a, b, &cp);
		cp = tq_lang_lower(cp);
		k += tq_utf8_encode(cp, kb + k);
		if (ai_apostrophe(cp))
			nb[m++] = '\'';
		else
			m += tq_utf8_encode(cp, nb + m);
	}
	kb[k] = nb[m] = '\0';
	c->kb.len = k;
	c->nb.len = m;
}

/* Strip a trailing possessive 's; the new end. */
static size_t
possessive(const struct ctx *c, size_t a, size_t b)
{
	const char *s = c->text;

	if (b - a < 3 || (s[b - 1] != 's' && s[b - 1] != 'S'))
		return b;
	if (s[b - 2] == '\'')
		return b - 2;
	if (b - a > 4 && memcmp(s + b - 4, "\xe2\x80\x99", 3) == 0)
		return b - 4;
	if (b - a > 3 && memcmp(s + b - 3, "\xca\xbc", 2) == 0)
		return b - 3;
	return b;
}

/* 1 Han, 2 hiragana, 3 katakana, 0 anything else. */
static int
cjk_cp(uint32_t c)
{
	if ((c >= 0x3400 && c < 0x4dc0) || (c >= 0x4e00 && c < 0xa000) ||
	    (c >= 0xf900 && c < 0xfb00) || (c >= 0x20000 && c < 0x30000) ||
	    c == 0x3005)
		return 1;
	if (c >= 0x3040 && c < 0x30a0)
		return 2;
	if ((c >= 0x30a0 && c < 0x3100) || (c >= 0x31f0 && c < 0x3200) ||
	    (c >= 0xff66 && c < 0xffa0))
		return 3;
	return 0;
}

/* Does s hold Han or kana? */
static int
cjk_class(const char *s, size_t len)
{
	uint32_t cp;
	size_t i, n;

	for (i = 0; i < len && (unsigned char)s[i] < 0xe3; i++)
		continue;
	if (i == len)
		return 0;
	for (i = 0; i < len; i += n) {
		n = tq_utf8_decode(s + i, len - i, &cp);
		if (cjk_cp(cp) != 0)
			return 1;
	}
	return 0;
}

/* Hiragana alone are particles and endings: stopwords. */
static int
hiragana(const char *s, size_t len)
{
	uint32_t cp;
	size_t i, n;

	for (i = 0; i < len; i += n) {
		n = tq_utf8_decode(s + i, len - i, &cp);
		if (cjk_cp(cp) != 2)
			return 0;
	}
	return len > 0;
}

/* and English's short ones, of forums' "Wed Aug 13, 2025 3:39 pm" */
static const char *const weekdays[] = {
	"dienstag", "dimanche", "domenica", "domingo", "donderdag",
	"donnerstag", "freitag", "fri", "friday", "giovedì", "jeudi",
	"jueves", "lundi", "lunedì", "lunes", "maandag", "mardi", "martedì",
	"martes", "mercoledì", "mercredi", "miércoles", "mittwoch", "mon",
	"monday", "montag", "quarta-feira", "quinta-feira", "sabato",
	"samedi", "samstag", "sat", "saturday", "segunda-feira",
	"sexta-feira", "sonntag", "sun", "sunday", "sábado", "terça-feira",
	"thu", "thur", "thurs", "thursday", "tue", "tues", "tuesday",
	"vendredi", "venerdì", "viernes", "vrijdag", "wed", "wednesday",
	"woensdag", "zaterdag", "zondag"
};

/* Alone, these words say little about a text. */
static const char *const weak_words[] = {
	"afternoon", "big", "different", "early", "evening", "first",
	"former", "full", "gmt", "good", "gran", "grand", "grande", "great",
	"high", "large", "last", "late", "latest", "left", "long", "low",
	"major", "morning", "neu", "neue", "neuen", "neuer", "neues", "new",
	"next", "night", "nouveau", "nouveaux", "nouvelle", "nouvelles",
	"nova", "novas", "novo", "novos", "nueva", "nuevas", "nuevo",
	"nuevos", "nuova", "nuove", "nuovi", "nuovo", "old", "posted",
	"published", "real", "recent", "right", "second", "small", "third",
	"top", "updated", "utc", "weekend", "whole"
};

static int
intern_word(struct ctx *c, int letters, int digits)
{
	struct word *w;
	struct stem *st;
	size_t sl;
	int id, sid, isnew;

	id = ai_strtab_get(&c->words, c->kb.data, c->kb.len, 1, &isnew);
	if (!isnew)
		return id;
	GROW(c->w, id, c->capw);
	w = &c->w[id];
	memset(w, 0, sizeof(*w));
	w->chars = tq_utf8_count(c->kb.data, c->kb.len);
	w->alpha = letters > 0;
	w->stop = tq_lang_stopword(c->swlang, c->nb.data, c->nb.len) ||
	    hiragana(c->kb.data, c->kb.len);
	w->nokw = memchr(c->kb.data, ',', c->kb.len) != NULL ||
	    (w->chars > 8 && cjk_class(c->kb.data, c->kb.len) != 0);
	w->month = ai_month_name(c->kb.data);
	w->weak = w->month != 0 || ai_inlist(weekdays, NITEMS(weekdays),
	    c->kb.data) || ai_inlist(weak_words, NITEMS(weak_words), c->kb.data);
	sl = c->nb.len;
	if (letters > 0 && digits == 0)
		sl = stem(c->swlang, c->nb.data, c->nb.len);
	sid = ai_strtab_get(&c->stems, c->nb.data, sl, 1, &isnew);
	if (isnew) {
		GROW(c->st, sid, c->capst);
		st = &c->st[sid];
		memset(st, 0, sizeof(*st));
		st->last = -1;
	}
	w->stem = sid;
	return id;
}

static int
elides(const char *lang)
{
	return strcmp(lang, "fr") == 0 || strcmp(lang, "it") == 0;
}

/* URLs, addresses, file names and dotted names make no keywords. */
static int
glued(const struct ctx *c, size_t lo, size_t hi, size_t a, size_t b)
{
	uint32_t p, pp, nx, nn;
	size_t j, n;

	j = ai_prev_cp(c, lo, a, &p);
	ai_prev_cp(c, lo, j, &pp);
	if (p == '@' || p == '#' || ((p == '.' || p == '/' || p == '_' ||
	    p == ':' || p == '\\') && tq_lang_isword(pp)))
		return 1;
	n = ai_next_cp(c, b, hi, &nx);
	ai_next_cp(c, b + n, hi, &nn);
	/* "https" of "https://" too */
	return ((nx == '.' || nx == '/' || nx == '@' || nx == '_' ||
	    nx == '\\') && tq_lang_isword(nn)) || (nx == ':' && nn == '/');
}

static void
add_tok(struct ctx *c, int si, size_t a, size_t b, unsigned flags)
{
	const struct sent *st = &c->sent[si];
	struct tok *t;
	uint32_t ch;
	size_t i, n;
	int letters = 0, digits = 0, up = 0, low = 0, cs;

	for (i = a; i < b; i += n) {
		n = ai_next_cp(c, i, b, &ch);
		if (!tq_lang_isword(ch))
			continue;
		if (ai_digit(ch))
			digits++;
		else
			letters++;
		if ((cs = tq_lang_case(ch)) > 0)
			up++;
		else if (cs < 0)
			low++;
	}
	make_keys(c, a, b);
	GROW(c->tok, c->ntok, c->captok);
	t = &c->tok[c->ntok++];
	t->off = a;
	t->len = b - a;
	t->sent = si;
	t->word = intern_word(c, letters, digits);
	t->flags = flags;
	if (letters == 0)
		t->flags |= TK_NUM;
	else if (digits > 0)
		t->flags |= TK_ALNUM;
	if (up > 0)
		t->flags |= TK_CAP;
	if (up > 1 && low == 0)
		t->flags |= TK_ALLCAP;
	if (low > 0)
		t->flags |= TK_LOWER;
	if (glued(c, st->off, st->off + st->len, a, b))
		t->flags |= TK_NOKW;
}

/* Han, kana and other runs of a token in a script without spaces. */
static void
add_cjk(struct ctx *c, int si, size_t a, size_t b, unsigned flags)
{
	uint32_t ch;
	size_t x, y, n;
	int cl;

	for (x = a; x < b; x = y) {
		ai_next_cp(c, x, b, &ch);
		cl = cjk_cp(ch);
		for (y = x; y < b; y += n) {
			n = ai_next_cp(c, y, b, &ch);
			if (cjk_cp(ch) != cl)
				break;
		}
		add_tok(c, si, x, y, flags | TK_BREAK);
		flags &= ~TK_FIRST;
	}
}

void
ai_tokenize(struct ctx *c, int si)
{
	struct sent *st = &c->sent[si];
	size_t i = st->off, end = st->off + st->len, a, b, n, j;
	uint32_t ch;
	unsigned flags;
	int brk = 1, first = 1, after, letters, digits, up, low;
	int nup = 0, nlow = 0;

	st->t0 = c->ntok;
	while (i < end) {
		n = ai_next_cp(c, i, end, &ch);
		if (!tq_lang_isword(ch)) {
			if (!ai_space_cp(ch))
				brk = 1;
			i += n;
			continue;
		}
		a = i;
		i = b = tok_end(c, i, end, &letters, &digits, &up, &low);
		nup += up;
		nlow += low;
		flags = (first ? TK_FIRST : 0) | (brk ? TK_BREAK : 0);
		first = 0;
		if (cjk_class(c->text + a, b - a) != 0) {
			add_cjk(c, si, a, b, flags);
			brk = 1;
			continue;
		}
		after = 0;
		if (letters > 0 && (j = possessive(c, a, b)) < b) {
			b = j;
			after = 1;
		}
		if (elides(c->swlang)) {
			make_keys(c, a, b);
			if (tq_lang_elision(c->nb.data, c->nb.len) > 0) {
				while (a < b) {
					a += ai_next_cp(c, a, b, &ch);
					if (ai_apostrophe(ch))
						break;
				}
				flags |= TK_BREAK;
			}
		}
		add_tok(c, si, a, b, flags);
		brk = after;
	}
	st->nt = c->ntok - st->t0;
	if (nup >= 2 && nlow == 0)
		st->flags |= SF_SHOUT;
}

static void
add_form(struct ctx *c, struct word *w, const struct tok *t)
{
	int k;

	for (k = 0; k < w->nform; k++)
		if (w->form_len[k] == t->len && memcmp(c->text +
		    w->form_off[k], c->text + t->off, t->len) == 0) {
			w->form_n[k]++;
			return;
		}
	if (w->nform < (int)NITEMS(w->form_n)) {
		w->form_off[k] = t->off;
		w->form_len[k] = t->len;
		w->form_n[k] = 1;
		w->nform++;
	}
}

/* Sentence kinds, acronyms, and the counts of words and stems. */
void
ai_survey(struct ctx *c)
{
	struct sent *s;
	struct tok *t;
	struct word *w;
	struct stem *st;
	int si, k, content, caps;

	for (si = 0; si < c->nsent; si++) {
		s = &c->sent[si];
		if ((s->flags & SF_LINE) && (s->flags & SF_NOTERM) &&
		    s->nt <= 15)
			s->flags |= SF_HEADING;
		content = caps = 0;
		for (k = s->t0; k < s->t0 + s->nt; k++) {
			t = &c->tok[k];
			if ((t->flags & TK_ALLCAP) && !(s->flags & SF_SHOUT) &&
			    c->w[t->word].chars <= 5)
				t->flags |= TK_KEEP;
			if (c->w[t->word].alpha && !c->w[t->word].stop) {
				content++;
				if (t->flags & TK_CAP)
					caps++;
			}
		}
		if ((s->flags & SF_NOTERM) && content >= 3 &&
		    caps * 5 >= content * 3)
			s->flags |= SF_TITLECASE;
		for (k = s->t0; k < s->t0 + s->nt; k++) {
			t = &c->tok[k];
			w = &c->w[t->word];
			st = &c->st[w->stem];
			w->count++;
			st->tf++;
			if (st->last != si) {
				st->last = si;
				st->df++;
			}
			if (s->flags & SF_SHOUT)
				continue;
			if ((t->flags & TK_CAP))
				add_form(c, w, t);
			if (!(t->flags & TK_FIRST) &&
			    !(s->flags & SF_TITLECASE)) {
				w->nmid++;
				if (t->flags & TK_CAP)
					w->nmidcap++;
			}
		}
	}
}

void
ai_title_stems(struct ctx *c, const char *title)
{
	struct ctx tc;
	char *clean;
	size_t len, i, b, n, sl;
	uint32_t ch;
	int letters, digits, up, low, sid, isnew;

	clean = tq_utf8_clean(title, strlen(title), &len);
	memset(&tc, 0, sizeof(tc));
	tc.text = clean;
	tc.len = len;
	for (i = 0; i < len; ) {
		n = ai_next_cp(&tc, i, len, &ch);
		if (!tq_lang_isword(ch)) {
			i += n;
			continue;
		}
		b = tok_end(&tc, i, len, &letters, &digits, &up, &low);
		if (letters > 0)
			make_keys(&tc, i, possessive(&tc, i, b));
		if (letters > 0 && tc.nb.len > 0) {
			sl = digits == 0 ? stem(c->swlang, tc.nb.data,
			    tc.nb.len) : tc.nb.len;
			sid = ai_strtab_get(&c->stems, tc.nb.data, sl, 0, &isnew);
			if (sid >= 0)
				c->st[sid].title = 1;
		}
		i = b;
	}
	tq_buf_free(&tc.kb);
	tq_buf_free(&tc.nb);
	free(clean);
}

