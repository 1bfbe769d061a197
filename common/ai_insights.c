/*
 * ai_insights.c - the builtin AI provider's insights: reading time,
 * counts, figures, dates, questions and short points.  ai_builtin.c
 * says how the provider works.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"
#include "ai_priv.h"

static const char *const lang_names[][2] = {
	{ "ar", "Arabic" }, { "de", "German" }, { "el", "Greek" },
	{ "en", "English" }, { "es", "Spanish" }, { "fa", "Persian" },
	{ "fr", "French" }, { "he", "Hebrew" }, { "hi", "Hindi" },
	{ "hy", "Armenian" }, { "id", "Indonesian" }, { "it", "Italian" },
	{ "ja", "Japanese" },
	{ "ka", "Georgian" }, { "ko", "Korean" }, { "nl", "Dutch" },
	{ "pt", "Portuguese" }, { "ru", "Russian" }, { "th", "Thai" },
	{ "ur", "Urdu" }, { "zh", "Chinese" }
};

/* ----------------------------------------------------------- insights */

static const char *
tok_key(const struct ctx *c, int k)
{
	return ai_strtab_str(&c->words, c->tok[k].word);
}

/* Only white space, or white space around one of the bytes in ok? */
static int
gap(const struct ctx *c, int k, const char *ok)
{
	size_t i, a = c->tok[k].off + c->tok[k].len, b;
	int seen = 0;

	if (k + 1 >= c->ntok || c->tok[k + 1].sent != c->tok[k].sent)
		return 0;
	b = c->tok[k + 1].off;
	for (i = a; i < b; i++) {
		if (ai_ascii_space(c->text[i]))
			continue;
		if (seen || strchr(ok, c->text[i]) == NULL ||
		    c->text[i] == '\0')
			return 0;
		seen = 1;
	}
	return 1;
}

/* English month names need a capital: "may", "mar", "march". */
static const struct {
	const char	*name;
	int		 month;
} months[] = {
	{ "january", 1 }, { "february", 2 }, { "march", 3 }, { "april", 4 },
	{ "may", 5 }, { "june", 6 }, { "july", 7 }, { "august", 8 },
	{ "september", 9 }, { "october", 10 }, { "november", 11 },
	{ "december", 12 }, { "jan", 1 }, { "feb", 2 }, { "mar", 3 },
	{ "apr", 4 }, { "jun", 6 }, { "jul", 7 }, { "aug", 8 }, { "sep", 9 },
	{ "sept", 9 }, { "oct", 10 }, { "nov", 11 }, { "dec", 12 },
	{ "januar", 1 }, { "jänner", 1 }, { "februar", 2 }, { "märz", 3 },
	{ "mai", 5 }, { "juni", 6 }, { "juli", 7 }, { "oktober", 10 },
	{ "dezember", 12 }, { "janvier", 1 }, { "février", 2 },
	{ "mars", 3 }, { "avril", 4 }, { "juin", 6 }, { "juillet", 7 },
	{ "août", 8 }, { "septembre", 9 }, { "octobre", 10 },
	{ "novembre", 11 }, { "décembre", 12 }, { "enero", 1 },
	{ "febrero", 2 }, { "marzo", 3 }, { "abril", 4 }, { "mayo", 5 },
	{ "junio", 6 }, { "julio", 7 }, { "agosto", 8 },
	{ "septiembre", 9 }, { "setiembre", 9 }, { "octubre", 10 },
	{ "noviembre", 11 }, { "diciembre", 12 }, { "janeiro", 1 },
	{ "fevereiro", 2 }, { "março", 3 }, { "maio", 5 }, { "junho", 6 },
	{ "julho", 7 }, { "setembro", 9 }, { "outubro", 10 },
	{ "novembro", 11 }, { "dezembro", 12 }, { "gennaio", 1 },
	{ "febbraio", 2 }, { "aprile", 4 }, { "maggio", 5 },
	{ "giugno", 6 }, { "luglio", 7 }, { "settembre", 9 },
	{ "ottobre", 10 }, { "dicembre", 12 }, { "januari", 1 },
	{ "februari", 2 }, { "maart", 3 }, { "mei", 5 }, { "augustus", 8 },
	{ "января", 1 }, { "февраля", 2 }, { "марта", 3 },
	{ "апреля", 4 }, { "мая", 5 }, { "июня", 6 }, { "июля", 7 },
	{ "августа", 8 }, { "сентября", 9 }, { "октября", 10 },
	{ "ноября", 11 }, { "декабря", 12 }
};

/* Month of a name; minus when it is English and needs a capital. */
int
ai_month_name(const char *w)
{
	size_t i;

	for (i = 0; i < NITEMS(months); i++)
		if (months[i].name[0] == w[0] && strcmp(months[i].name, w) == 0)
			return i < 24 ? -months[i].month : months[i].month;
	return 0;
}

static int
month_of(const struct ctx *c, int k)
{
	int m;

	if (k < 0 || k >= c->ntok || !c->w[c->tok[k].word].alpha ||
	    (c->tok[k].flags & TK_ALNUM))
		return 0;
	if ((m = c->w[c->tok[k].word].month) < 0)
		m = (c->tok[k].flags & TK_CAP) ? -m : 0;
	return m;
}

/* Value of a token of 1-maxd plain digits, else -1. */
static int
num_of(const struct ctx *c, int k, size_t mind, size_t maxd)
{
	const struct tok *t;
	size_t i;
	int v = 0;

	if (k < 0 || k >= c->ntok)
		return -1;
	t = &c->tok[k];
	if (t->len < mind || t->len > maxd)
		return -1;
	for (i = 0; i < t->len; i++) {
		if (!ai_digit((unsigned char)c->text[t->off + i]))
			return -1;
		v = v * 10 + c->text[t->off + i] - '0';
	}
	return v;
}

/* A day: "19", "19th", "1er", "1º". */
static int
day_of(const struct ctx *c, int k)
{
	static const char *const suffixes[] = {
		"st", "nd", "rd", "th", "er", "e", "\xc2\xba", "\xc2\xaa", "o"
	};
	const char *w;
	size_t i, n;
	int v;

	if ((v = num_of(c, k, 1, 2)) >= 1 && v <= 31)
		return v;
	if (k < 0 || k >= c->ntok || !(c->tok[k].flags & TK_ALNUM))
		return -1;
	w = tok_key(c, k);
	for (n = 0; n < 2 && ai_digit((unsigned char)w[n]); n++)
		continue;
	if (n == 0)
		return -1;
	for (i = 0; i < NITEMS(suffixes); i++)
		if (strcmp(w + n, suffixes[i]) == 0) {
			v = w[0] - '0';
			if (n == 2)
				v = v * 10 + w[1] - '0';
			return v >= 1 && v <= 31 ? v : -1;
		}
	return -1;
}

static int
year_of(const struct ctx *c, int k)
{
	int v = num_of(c, k, 4, 4);

	return v >= 1000 && v <= 2999 ? v : -1;
}

/* A day of the calendar; without a year (y < 1), 29 February may be. */
static int
valid_date(int y, int m, int d)
{
	return tq_real_day(y > 0 ? y : 2000, m, d);
}

static int
same_sent(const struct ctx *c, int a, int b)
{
	return b < c->ntok && c->tok[a].sent == c->tok[b].sent;
}

/* Digit groups of a single token ("2019-11-19", "19.11.2019"). */
static int
groups(const struct ctx *c, int k, int *v, size_t *len, char *sep)
{
	const struct tok *t = &c->tok[k];
	size_t i;
	int n = 0;

	*sep = 0;
	v[0] = 0;
	len[0] = 0;
	for (i = 0; i < t->len; i++) {
		char ch = c->text[t->off + i];

		if (ai_digit((unsigned char)ch)) {
			if (len[n] >= 4)
				return 0;
			v[n] = v[n] * 10 + ch - '0';
			len[n]++;
		} else if ((ch == '-' || ch == '.') && (*sep == 0 ||
		    *sep == ch) && n < 2 && len[n] > 0) {
			*sep = ch;
			n++;
			v[n] = 0;
			len[n] = 0;
		} else
			return 0;
	}
	return n == 2 && len[2] > 0 ? 3 : 0;
}

/* Day and month of a numeric date; 0 when both could be either. */
static int
dm_order(int a, int b, int *d, int *m)
{
	if (a > 12 && b <= 12) {
		*d = a;
		*m = b;
	} else if (b > 12 && a <= 12) {
		*d = b;
		*m = a;
	} else if (a == b) {
		*d = *m = a;
	} else
		return 0;
	return 1;
}

/* The date y-m-d as ISO 8601 (YYYY-MM-DD) into iso. */
static void
iso_date(char *iso, size_t isz, int y, int m, int d)
{
	snprintf(iso, isz, "%04u-%02u-%02u", (unsigned)y % 10000,
	    (unsigned)m % 100, (unsigned)d % 100);
}

/* A date at token k: its last token, or -1; iso (may be "") filled. */
static int
date_at(const struct ctx *c, int k, char *iso, size_t isz)
{
	int v[3], y = -1, m = 0, d = -1, e = -1, j, ok = 1, p = 0, q = 0;
	size_t len[3];
	char sep;

	iso[0] = '\0';
	if ((c->tok[k].flags & TK_NUM) && (groups(c, k, v, len, &sep) == 3 ||
	    (same_sent(c, k, k + 2) && gap(c, k, "/") && gap(c, k + 1, "/") &&
	    num_of(c, k + 1, 1, 2) >= 0))) {
		if (groups(c, k, v, len, &sep) == 3) {
			/* 2019-11-19, 19.11.2019, 19-11-2019 */
			if (sep == '-' && len[0] == 4 && len[1] <= 2 &&
			    len[2] <= 2) {
				y = v[0];
				m = v[1];
				d = v[2];
			} else if (len[0] <= 2 && len[1] <= 2 && len[2] == 4) {
				y = v[2];
				p = v[0];
				q = v[1];
				if (sep == '.') {
					d = p;
					m = q;
				} else
					ok = dm_order(p, q, &d, &m);
			} else
				return -1;
			e = k;
		} else {
			/* 2019/11/19, 19/11/2019, 11/19/2019 */
			if ((y = year_of(c, k)) > 0) {
				m = num_of(c, k + 1, 1, 2);
				d = num_of(c, k + 2, 1, 2);
			} else if ((p = num_of(c, k, 1, 2)) >= 0 &&
			    (y = year_of(c, k + 2)) > 0) {
				q = num_of(c, k + 1, 1, 2);
				ok = dm_order(p, q, &d, &m);
			} else
				return -1;
			e = k + 2;
		}
		if (y < 1000 || y > 2999)
			return -1;
		if (ok ? !valid_date(y, m, d) : p < 1 || q < 1 || p > 12 ||
		    q > 12)
			return -1;
		if (ok)
			iso_date(iso, isz, y, m, d);
		return e;
	}
	if ((m = month_of(c, k)) > 0) {
		/* November 19, 2019 / Nov. 19 / November 2019 */
		j = k + 1;
		if (same_sent(c, k, j) && gap(c, k, ".") &&
		    (d = day_of(c, j)) > 0) {
			e = j;
			if (same_sent(c, k, j + 1) && gap(c, j, ",") &&
			    (y = year_of(c, j + 1)) > 0)
				e = j + 1;
		} else if (same_sent(c, k, j) && gap(c, k, ",") &&
		    (y = year_of(c, j)) > 0) {
			snprintf(iso, isz, "%04u-%02u", (unsigned)y % 10000,
			    (unsigned)m % 100);
			return j;
		} else
			return -1;
		if (!valid_date(y, m, d))
			return -1;
		if (y > 0)
			iso_date(iso, isz, y, m, d);
		return e;
	}
	if ((d = day_of(c, k)) > 0) {
		/* 19 November 2019 / 19. November / 10 de março de 2018 */
		j = k + 1;
		if (!same_sent(c, k, j) || !gap(c, k, "."))
			return -1;
		if (strcmp(tok_key(c, j), "de") == 0 ||
		    strcmp(tok_key(c, j), "of") == 0) {
			if (!gap(c, j, ""))
				return -1;
			j++;
		}
		if (!same_sent(c, k, j) || (m = month_of(c, j)) == 0)
			return -1;
		e = j;
		if (same_sent(c, k, j + 1) && gap(c, j, ",") &&
		    (y = year_of(c, j + 1)) > 0)
			e = j + 1;
		else if (same_sent(c, k, j + 2) && gap(c, j, "") &&
		    (strcmp(tok_key(c, j + 1), "de") == 0 ||
		    strcmp(tok_key(c, j + 1), "del") == 0) &&
		    gap(c, j + 1, "") && (y = year_of(c, j + 2)) > 0)
			e = j + 2;
		if (!valid_date(y, m, d))
			return -1;
		if (y > 0)
			iso_date(iso, isz, y, m, d);
		return e;
	}
	return -1;
}

static json_t *
dates(struct ctx *c, int *ntotal, char *first, char *last, size_t isz)
{
	json_t *a, *o;
	char iso[32];
	size_t off, len;
	int k, e, i, dup;

	a = json_array();
	*ntotal = 0;
	first[0] = last[0] = '\0';
	for (k = 0; k < c->ntok; k++) {
		if ((e = date_at(c, k, iso, sizeof(iso))) < 0)
			continue;
		for (i = k; i <= e; i++)
			c->tok[i].flags |= TK_DATE;
		off = c->tok[k].off;
		len = c->tok[e].off + c->tok[e].len - off;
		dup = 0;
		for (i = 0; i < (int)json_array_size(a); i++) {
			json_t *x = json_array_get(a, i);
			const char *t = json_string_value(
			    json_object_get(x, "text"));
			const char *s = json_string_value(
			    json_object_get(x, "iso"));

			if ((iso[0] != '\0' && s != NULL &&
			    strcmp(s, iso) == 0) || (t != NULL &&
			    strlen(t) == len && memcmp(t, c->text + off,
			    len) == 0))
				dup = 1;
		}
		k = e;
		if (dup)
			continue;
		(*ntotal)++;
		if (iso[0] != '\0') {
			if (first[0] == '\0' || strcmp(iso, first) < 0)
				snprintf(first, isz, "%s", iso);
			if (strcmp(iso, last) > 0)
				snprintf(last, isz, "%s", iso);
		}
		if (json_array_size(a) >= MAX_DATES)
			continue;
		o = json_object();
		json_object_set_new(o, "text", ai_jspan(c, off, len));
		json_object_set_new(o, "iso", iso[0] != '\0' ?
		    json_string(iso) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

static const char *const multipliers[] = {
	"bn", "billion", "billions", "crore", "crores", "k", "lakh", "lakhs",
	"m", "mil", "miliardi", "milioni", "milliarden", "milliards",
	"million", "millionen", "millions", "millones", "mio", "mln", "mn",
	"mrd", "thousand", "tn", "trillion", "тысяч", "миллиона",
	"миллионов", "миллиарда", "миллиардов"
};
static const char *const currency_words[] = {
	"aud", "cad", "chf", "cny", "dollar", "dollars", "eur", "euro",
	"euros", "francs", "gbp", "inr", "jpy", "pesos", "pound", "pounds",
	"reais", "rouble", "roubles", "ruble", "rubles", "rupee", "rupees",
	"usd", "yen", "yuan", "долларов", "евро", "рублей"
};
static const char *const percent_words[] = {
	"pct", "percent", "procent", "prozent", "процент", "процента",
	"процентов"
};

static int
currency_sym(uint32_t cp)
{
	switch (cp) {
	case '$': case 0xa3: case 0xa5: case 0x20a6: case 0x20a9:
	case 0x20ac: case 0x20b1: case 0x20b9: case 0x20ba: case 0x20bd:
		return 1;
	}
	return 0;
}

static int
next_is(const struct ctx *c, int k, const char *const *list, size_t n)
{
	return same_sent(c, k, k + 1) && gap(c, k, "") &&
	    ai_inlist(list, n, tok_key(c, k + 1));
}

/* A figure at token k, or 0. */
static int
figure(struct ctx *c, int k, struct numhit *h)
{
	const struct tok *t = &c->tok[k];
	const struct sent *s = &c->sent[t->sent];
	const char *w = tok_key(c, k);
	uint32_t cp, pc;
	size_t j, i, sd, lim, n;
	int e = k, ndig = 0, money = 0, scaled = 0, pct = 0, v;

	if (t->flags & TK_DATE)
		return 0;
	for (i = 0; w[i] != '\0' && (ai_digit((unsigned char)w[i]) ||
	    w[i] == '.' || w[i] == ','); i++) {
		if (ai_digit((unsigned char)w[i]))
			ndig++;
	}
	if (ndig == 0 || !ai_digit((unsigned char)w[0]))
		return 0;
	if (t->flags & TK_ALNUM) {
		if (!ai_inlist(multipliers, NITEMS(multipliers), w + i))
			return 0;
		scaled = 1;
	} else if (!(t->flags & TK_NUM) || w[i] != '\0')
		return 0;
	h->a = t->off;
	/* currency before: "$5", "US$ 5", "€ 5", "Rs 5" */
	j = ai_prev_cp(c, s->off, t->off, &cp);
	if (ai_space_cp(cp))
		j = ai_prev_cp(c, s->off, j, &cp);
	if (currency_sym(cp)) {
		money = 1;
		h->a = j;
		while (h->a > s->off && c->text[h->a - 1] >= 'A' &&
		    c->text[h->a - 1] <= 'Z' && j - h->a < 3)
			h->a--;
		ai_prev_cp(c, s->off, h->a, &pc);
		if (tq_lang_isword(pc))
			h->a = j;
	} else if (k > s->t0 && gap(c, k - 1, "") && (strcmp(tok_key(c,
	    k - 1), "rs") == 0 || ai_inlist(currency_words,
	    NITEMS(currency_words), tok_key(c, k - 1))) &&
	    c->tok[k - 1].flags & TK_CAP) {
		money = 1;
		h->a = c->tok[k - 1].off;
	}
	if (!scaled && next_is(c, e, multipliers, NITEMS(multipliers))) {
		scaled = 1;
		e++;
	}
	h->b = c->tok[e].off + c->tok[e].len;
	lim = s->off + s->len;
	sd = h->b;
	n = ai_next_cp(c, sd, lim, &cp);
	if (cp == ' ' || cp == 0xa0) {
		sd += n;
		n = ai_next_cp(c, sd, lim, &cp);
	}
	if (cp == '%' || cp == 0xff05) {
		pct = 1;
		h->b = sd + n;
	} else if (next_is(c, e, percent_words, NITEMS(percent_words))) {
		pct = 1;
		e++;
	} else if (same_sent(c, e, e + 2) && gap(c, e, "") &&
	    gap(c, e + 1, "") && strcmp(tok_key(c, e + 2), "cent") == 0 &&
	    (strcmp(tok_key(c, e + 1), "per") == 0 ||
	    strcmp(tok_key(c, e + 1), "pour") == 0)) {
		pct = 1;
		e += 2;
	} else if (same_sent(c, e, e + 2) && gap(c, e, "") &&
	    gap(c, e + 1, "") && strcmp(tok_key(c, e + 1), "por") == 0 &&
	    (strcmp(tok_key(c, e + 2), "ciento") == 0 ||
	    strcmp(tok_key(c, e + 2), "cento") == 0)) {
		pct = 1;
		e += 2;
	} else if (!money && next_is(c, e, currency_words,
	    NITEMS(currency_words))) {
		money = 1;
		e++;
	}
	if (c->tok[e].off + c->tok[e].len > h->b)
		h->b = c->tok[e].off + c->tok[e].len;
	h->t0 = k;
	h->t1 = e;
	if (money) {
		h->kind = "money";
		h->prio = 4;
	} else if (pct) {
		h->kind = "percent";
		h->prio = 4;
	} else if (scaled) {
		h->kind = "number";
		h->prio = 3;
	} else {
		v = num_of(c, k, 4, 4);
		if (ndig < 3 || (v >= 1000 && v <= 2100))
			return 0;
		if (k == s->t0 && (s->flags & SF_LIST))
			return 0;
		h->kind = "number";
		h->prio = 1;
	}
	return 1;
}

static int
by_prio(const void *a, const void *b)
{
	const struct numhit *x = a, *y = b;

	if (x->prio != y->prio)
		return y->prio - x->prio;
	return x->t0 - y->t0;
}

static int
by_pos(const void *a, const void *b)
{
	return ((const struct numhit *)a)->t0 - ((const struct numhit *)b)->t0;
}

static json_t *
numbers(struct ctx *c)
{
	struct numhit *h = NULL, x;
	json_t *a, *o;
	size_t ca, cb;
	int nh = 0, caph = 0, k, i, lo, hi, n;

	for (k = 0; k < c->ntok; k++) {
		if (!figure(c, k, &x))
			continue;
		for (i = 0; i < nh; i++)
			if (h[i].b - h[i].a == x.b - x.a && memcmp(c->text +
			    h[i].a, c->text + x.a, x.b - x.a) == 0)
				break;
		if (i == nh) {
			GROW(h, nh, caph);
			h[nh++] = x;
		}
		k = x.t1;
	}
	if (nh > 0)
		qsort(h, nh, sizeof(*h), by_prio);
	n = nh < MAX_NUMBERS ? nh : MAX_NUMBERS;
	if (n > 0)
		qsort(h, n, sizeof(*h), by_pos);
	a = json_array();
	for (i = 0; i < n; i++) {
		const struct sent *s = &c->sent[c->tok[h[i].t0].sent];

		lo = h[i].t0 - 5 > s->t0 ? h[i].t0 - 5 : s->t0;
		hi = h[i].t1 + 5 < s->t0 + s->nt - 1 ? h[i].t1 + 5 :
		    s->t0 + s->nt - 1;
		ca = c->tok[lo].off < h[i].a ? c->tok[lo].off : h[i].a;
		cb = c->tok[hi].off + c->tok[hi].len;
		if (cb < h[i].b)
			cb = h[i].b;
		o = json_object();
		json_object_set_new(o, "value", ai_jspan(c, h[i].a,
		    h[i].b - h[i].a));
		json_object_set_new(o, "kind", json_string(h[i].kind));
		json_object_set_new(o, "context", ai_jspan(c, ca, cb - ca));
		json_array_append_new(a, o);
	}
	free(h);
	return a;
}

/* Questions as written; quotes around a whole question are dropped. */
static json_t *
questions(const struct ctx *c, int *ntotal)
{
	const struct sent *s;
	json_t *a, *j;
	uint32_t cp, op;
	size_t a0, b0, n;
	int k;

	a = json_array();
	*ntotal = 0;
	for (k = 0; k < c->nsent; k++) {
		s = &c->sent[k];
		if (!(s->flags & SF_QUESTION) || s->nt == 0)
			continue;
		a0 = s->off;
		b0 = s->off + s->len;
		ai_prev_cp(c, a0, b0, &cp);
		if (!ai_question(cp)) {
			n = ai_next_cp(c, a0, b0, &op);
			if (!ai_opener(op))
				continue;
			a0 += n;
			while (b0 > a0) {
				n = ai_prev_cp(c, a0, b0, &cp);
				if (!ai_closer(cp))
					break;
				b0 = n;
			}
			if (!ai_question(cp))
				continue;
		}
		if (tq_utf8_count(c->text + a0, b0 - a0) > SENTENCE_CHARS)
			continue;
		(*ntotal)++;
		if (json_array_size(a) < MAX_QUESTIONS &&
		    (j = ai_jspan(c, a0, b0 - a0)) != NULL)
			json_array_append_new(a, j);
	}
	return a;
}

static const char *
lang_name(const char *code)
{
	size_t i;

	for (i = 0; i < NITEMS(lang_names); i++)
		if (strcmp(lang_names[i][0], code) == 0)
			return lang_names[i][1];
	return NULL;
}

static void
point(json_t *pts, struct tq_buf *b)
{
	json_t *s;

	if (b->len > 0 && (s = json_stringn(b->data, b->len)) != NULL)
		json_array_append_new(pts, s);
	b->len = 0;
}

json_t *
ai_insights(struct ctx *c)
{
	struct tq_buf b = { 0 };
	json_t *o, *keys, *nums, *dts, *qs, *pts, *kw;
	char first[32], last[32];
	const char *name;
	long words, minutes;
	int *sel, nsel, k, nsent = 0, ndates, nq;
	size_t i;

	o = json_object();
	words = tq_word_count(c->text, c->len);
	minutes = (words + WPM / 2) / WPM;
	if (minutes < 1)
		minutes = 1;
	for (k = 0; k < c->nsent; k++)
		if (c->sent[k].nt > 0)
			nsent++;
	json_object_set_new(o, "reading_time_minutes", json_integer(minutes));
	json_object_set_new(o, "word_count", json_integer(words));
	json_object_set_new(o, "sentence_count", json_integer(nsent));
	json_object_set_new(o, "paragraph_count", json_integer(c->npara));
	json_object_set_new(o, "language", json_string(c->lang));

	keys = json_array();
	sel = ai_pick(c, 2, &nsel);
	for (k = 0; k < nsel; k++)
		json_array_append_new(keys, ai_jsentence(c, c->sent[sel[k]].off,
		    c->sent[sel[k]].len));
	json_object_set_new(o, "key_sentences", keys);
	dts = dates(c, &ndates, first, last, sizeof(first));
	nums = numbers(c);
	qs = questions(c, &nq);
	json_object_set_new(o, "numbers", nums);
	json_object_set_new(o, "dates", dts);
	json_object_set_new(o, "questions", qs);

	pts = json_array();
	tq_buf_addf(&b, "Reading time: about %ld minute%s (%ld words)",
	    minutes, minutes == 1 ? "" : "s", words);
	point(pts, &b);
	if ((name = lang_name(c->lang)) != NULL) {
		tq_buf_addf(&b, "Language: %s", name);
		point(pts, &b);
	}
	if (nsel > 0) {
		tq_buf_adds(&b, "Key point: ");
		ai_add_trunc(&b, c->text + c->sent[sel[0]].off,
		    c->sent[sel[0]].len, POINT_CHARS);
		point(pts, &b);
	}
	kw = ai_keyword_json(c, 5);
	if (json_array_size(kw) > 0) {
		tq_buf_adds(&b, "Main topics: ");
		for (i = 0; i < json_array_size(kw); i++)
			tq_buf_addf(&b, "%s%s", i > 0 ? ", " : "",
			    json_string_value(json_array_get(kw, i)));
		point(pts, &b);
	}
	json_decref(kw);
	if (json_array_size(nums) == 1) {
		json_t *x = json_array_get(nums, 0);
		const char *ctx = json_string_value(json_object_get(x,
		    "context"));

		tq_buf_addf(&b, "Key figure: %s (",
		    json_string_value(json_object_get(x, "value")));
		ai_add_trunc(&b, ctx, strlen(ctx), 100);
		tq_buf_adds(&b, ")");
		point(pts, &b);
	} else if (json_array_size(nums) > 1) {
		tq_buf_adds(&b, "Key figures: ");
		for (i = 0; i < json_array_size(nums); i++)
			tq_buf_addf(&b, "%s%s", i > 0 ? ", " : "",
			    json_string_value(json_object_get(
			    json_array_get(nums, i), "value")));
		point(pts, &b);
	}
	if (ndates == 1)
		tq_buf_addf(&b, "Mentions 1 date: %s", first[0] != '\0' ?
		    first : json_string_value(json_object_get(
		    json_array_get(dts, 0), "text")));
	else if (ndates > 1 && first[0] == '\0')
		tq_buf_addf(&b, "Mentions %d dates, such as %s", ndates,
		    json_string_value(json_object_get(json_array_get(dts, 0),
		    "text")));
	else if (ndates > 1 && strcmp(first, last) == 0)
		tq_buf_addf(&b, "Mentions %d dates, among them %s", ndates,
		    first);
	else if (ndates > 1)
		tq_buf_addf(&b, "Mentions %d dates, the earliest %s, the "
		    "latest %s", ndates, first, last);
	point(pts, &b);
	if (nq > 0) {
		const char *q = json_string_value(json_array_get(qs, 0));

		if (nq == 1)
			tq_buf_adds(&b, "Asks a question: ");
		else
			tq_buf_addf(&b, "Asks %d questions, such as: ", nq);
		ai_add_trunc(&b, q, strlen(q), 160);
		point(pts, &b);
	}
	json_object_set_new(o, "points", pts);
	free(sel);
	tq_buf_free(&b);
	return o;
}

