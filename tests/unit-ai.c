/*
 * unit-ai - tests of the builtin AI provider (common/ai_builtin.c),
 * language guessing (common/lang.c) and the result record (common/ai.c).
 *
 * Real article text comes from the shared extraction set:
 * $TQ_SHARED/data/extraction-dev/ground-truth.json, TQ_SHARED defaulting
 * to <repo>/../shared.  Without it the run fails, naming the path.
 *
 *	unit-ai			run the tests (TAP)
 *	unit-ai --article N	print N words of those articles, paragraphs
 *				split by blank lines, for bench/ai.sh
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "tq.h"
#include "tap.h"

static json_t *truth;		/* ground-truth.json */

/* English articles of the set, by id prefix, of various kinds. */
static const char *const english[] = {
	"624fcd90",	/* Express: Hong Kong protests */
	"f5c90a6d",	/* National Review: impeachment, long */
	"702d1da6",	/* New York Times: trade war */
	"359fee22",	/* ScienceAlert: map of Titan */
	"82b6d780",	/* AP: Sondland */
	"bdb56ac8",	/* Quanta: tuft cells, the longest */
	"e7d77f18",	/* BGR: a list of deals, many short lines */
	"0d461229",	/* Sportsnet: Davis Cup, scores */
};

static const char de_text[] =
    "Die Bundesregierung hat am Mittwoch einen neuen Plan f\xc3\xbcr den "
    "Ausbau der Windenergie vorgestellt. Nach Angaben des "
    "Wirtschaftsministeriums sollen bis zum Jahr 2030 deutlich mehr "
    "Windr\xc3\xa4" "der an Land und auf See gebaut werden. Die "
    "Genehmigungsverfahren f\xc3\xbcr neue Anlagen werden daf\xc3\xbcr "
    "erheblich vereinfacht.\n\nUmweltverb\xc3\xa4nde begr\xc3\xbc\xc3\x9f"
    "ten den Plan, kritisierten aber die langsame Umsetzung in den "
    "Bundesl\xc3\xa4ndern. Die Energiewende bleibt damit eines der "
    "wichtigsten Vorhaben der Regierung.\n";

static const char fr_text[] =
    "Le gouvernement a pr\xc3\xa9sent\xc3\xa9 mercredi un nouveau plan pour "
    "d\xc3\xa9velopper l'\xc3\xa9nergie \xc3\xa9olienne en mer. Selon le "
    "minist\xc3\xa8re, les proc\xc3\xa9" "dures d'autorisation seront "
    "simplifi\xc3\xa9" "es pour les nouveaux parcs \xc3\xa9oliens.\n\n"
    "Les associations de protection de l\xe2\x80\x99" "environnement ont "
    "salu\xc3\xa9 cette d\xc3\xa9" "cision, mais elles regrettent la "
    "lenteur des travaux. La transition \xc3\xa9nerg\xc3\xa9tique reste "
    "l'une des priorit\xc3\xa9s du gouvernement pour les prochaines "
    "ann\xc3\xa9" "es.\n";

static const char es_text[] =
    "El gobierno present\xc3\xb3 el mi\xc3\xa9rcoles un nuevo plan para "
    "impulsar la energ\xc3\xad" "a e\xc3\xb3lica marina en el pa\xc3\xads. "
    "Seg\xc3\xban el ministerio, los tr\xc3\xa1mites para los nuevos "
    "parques e\xc3\xb3licos se simplificar\xc3\xa1n de forma considerable."
    "\n\nLas organizaciones ecologistas celebraron la medida, aunque "
    "criticaron la lentitud de las obras. La transici\xc3\xb3n "
    "energ\xc3\xa9tica sigue siendo una de las prioridades del gobierno "
    "para los pr\xc3\xb3ximos a\xc3\xb1os.\n";

static const char ar_text[] =
    "أعلنت الحكومة يوم الأربعاء عن خطة جديدة لتطوير طاقة "
    "الرياح في البحر. وقالت الوزارة إن إجراءات الترخيص ستكون "
    "أبسط للمزارع الجديدة على الساحل. ومن المتوقع أن تبدأ "
    "أعمال البناء في العام المقبل على الساحل الشمالي. ويرى "
    "الخبراء أن هذه الخطة ستخفض أسعار الكهرباء في المدن "
    "الكبيرة. كما ستوفر مزارع الرياح الجديدة آلاف الوظائف "
    "للشباب في المنطقة.";

static const char fa_text[] =
    "دولت روز چهارشنبه یک طرح جدید برای توسعه انرژی باد در "
    "دریا اعلام کرد. به گفته وزارت نیرو، روند صدور مجوز برای "
    "مزرعه‌های بادی جدید ساده‌تر خواهد شد. قرار است کار ساخت "
    "مزرعه‌های بادی از سال آینده در ساحل شمالی آغاز شود. "
    "کارشناسان می‌گویند این طرح قیمت برق را در شهرهای بزرگ "
    "کاهش می‌دهد. همچنین مزرعه‌های بادی جدید هزاران شغل برای "
    "جوانان منطقه ایجاد خواهند کرد.";

static const char hi_text[] =
    "सरकार ने बुधवार को समुद्र में पवन ऊर्जा के विकास के लिए "
    "एक नई योजना की घोषणा की। मंत्रालय के अनुसार नए पवन "
    "फार्मों के लिए अनुमति की प्रक्रिया को आसान बनाया जाएगा। "
    "निर्माण का काम अगले साल उत्तरी तट पर शुरू होने की "
    "उम्मीद है। विशेषज्ञों का कहना है कि इस योजना से बड़े "
    "शहरों में बिजली की कीमतें कम होंगी। नए पवन फार्म इस "
    "क्षेत्र के युवाओं के लिए हजारों नौकरियाँ भी पैदा "
    "करेंगे।";

static const char ur_text[] =
    "حکومت نے بدھ کے روز سمندر میں ہوا سے بجلی بنانے کے لیے "
    "ایک نئے منصوبے کا اعلان کیا۔ وزارت کے مطابق نئے منصوبوں "
    "کے لیے اجازت کا طریقہ آسان بنایا جائے گا۔ تعمیر کا کام "
    "اگلے سال شمالی ساحل پر شروع ہونے کی توقع ہے۔ ماہرین کا "
    "کہنا ہے کہ اس منصوبے سے بڑے شہروں میں بجلی کی قیمتیں کم "
    "ہوں گی۔ نئے منصوبے اس علاقے کے نوجوانوں کے لیے ہزاروں "
    "نوکریاں بھی پیدا کریں گے۔";

/* Marathi: Devanagari, but not Hindi's function words */
static const char mr_text[] =
    "महाराष्ट्र सरकारने बुधवारी नवीन योजना जाहीर केली आहे. "
    "या योजनेमुळे शेतकऱ्यांना मदत मिळेल आणि गावांचा विकास "
    "होईल. पुढील वर्षी कामाला सुरुवात होणार आहे.";

static const struct {
	const char	*lang;
	const char	*text;
} detect_cases[] = {
	{ "it", "Il governo ha presentato mercoled\xc3\xac un nuovo piano per "
	    "sviluppare l'energia eolica in mare. Secondo il ministero, le "
	    "procedure di autorizzazione saranno semplificate per i nuovi "
	    "parchi." },
	{ "pt", "O governo apresentou na quarta-feira um novo plano para "
	    "desenvolver a energia e\xc3\xb3lica no mar. Segundo o "
	    "minist\xc3\xa9rio, os procedimentos de autoriza\xc3\xa7\xc3\xa3o "
	    "ser\xc3\xa3o simplificados para os novos parques." },
	{ "nl", "De regering heeft woensdag een nieuw plan gepresenteerd om "
	    "windenergie op zee te ontwikkelen. Volgens het ministerie worden "
	    "de procedures voor nieuwe windparken eenvoudiger gemaakt." },
	{ "ru", "\xd0\x9f\xd1\x80\xd0\xb0\xd0\xb2\xd0\xb8\xd1\x82\xd0\xb5\xd0"
	    "\xbb\xd1\x8c\xd1\x81\xd1\x82\xd0\xb2\xd0\xbe \xd0\xb2 \xd1\x81"
	    "\xd1\x80\xd0\xb5\xd0\xb4\xd1\x83 \xd0\xbf\xd1\x80\xd0\xb5\xd0"
	    "\xb4\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xb8\xd0\xbb\xd0\xbe "
	    "\xd0\xbd\xd0\xbe\xd0\xb2\xd1\x8b\xd0\xb9 \xd0\xbf\xd0\xbb\xd0"
	    "\xb0\xd0\xbd, \xd0\xb8 \xd0\xbe\xd0\xbd \xd0\xb1\xd1\x83\xd0\xb4"
	    "\xd0\xb5\xd1\x82 \xd1\x80\xd0\xb5\xd0\xb0\xd0\xbb\xd0\xb8\xd0"
	    "\xb7\xd0\xbe\xd0\xb2\xd0\xb0\xd0\xbd \xd1\x83\xd0\xb6\xd0\xb5 "
	    "\xd1\x87\xd0\xb5\xd1\x80\xd0\xb5\xd0\xb7 \xd0\xb3\xd0\xbe\xd0"
	    "\xb4, \xd0\xb5\xd1\x81\xd0\xbb\xd0\xb8 \xd0\xbd\xd0\xb5 \xd0\xb1"
	    "\xd1\x83\xd0\xb4\xd0\xb5\xd1\x82 \xd0\xbf\xd1\x80\xd0\xbe\xd0"
	    "\xb1\xd0\xbb\xd0\xb5\xd0\xbc." },
	{ "ja", "\xe3\x81\x93\xe3\x82\x8c\xe3\x81\xaf\xe3\x83\x86\xe3\x82\xb9"
	    "\xe3\x83\x88\xe3\x81\xa7\xe3\x81\x99\xe3\x80\x82\xe6\x97\xa5\xe6"
	    "\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe6\x96\x87\xe7\xab\xa0\xe3\x82"
	    "\x92\xe8\xa7\xa3\xe6\x9e\x90\xe3\x81\x97\xe3\x81\xbe\xe3\x81\x99"
	    "\xe3\x80\x82" },
	{ "el", "\xce\x97 \xce\xba\xcf\x85\xce\xb2\xce\xad\xcf\x81\xce\xbd\xce"
	    "\xb7\xcf\x83\xce\xb7 \xcf\x80\xce\xb1\xcf\x81\xce\xbf\xcf\x85\xcf"
	    "\x83\xce\xaf\xce\xb1\xcf\x83\xce\xb5 \xce\xbd\xce\xad\xce\xbf "
	    "\xcf\x83\xcf\x87\xce\xad\xce\xb4\xce\xb9\xce\xbf." },
	{ "und", "12345 67890 !!! ???" },
	{ "und", "OK" },
	{ "und", "" },
};

/* ------------------------------------------------------------ helpers */

static char *
lower(const char *s)
{
	struct tq_buf b = { 0 };
	size_t i, n, len = strlen(s);
	uint32_t cp;
	char u[4];

	tq_buf_add(&b, "", 0);
	for (i = 0; i < len; i += n) {
		n = tq_utf8_decode(s + i, len - i, &cp);
		cp = tq_lang_lower(cp);
		if (cp == 0x2019 || cp == 0x2bc)
			cp = '\'';
		tq_buf_add(&b, u, tq_utf8_encode(cp, u));
	}
	return b.data;
}

/* Runs of white space as one space, like summaries and insights. */
static char *
squeeze(const char *s)
{
	struct tq_buf b = { 0 };
	int sp = 0;

	tq_buf_add(&b, "", 0);
	for (; *s != '\0'; s++) {
		if (isspace((unsigned char)*s)) {
			sp = b.len > 0;
			continue;
		}
		if (sp)
			tq_buf_add(&b, " ", 1);
		sp = 0;
		tq_buf_add(&b, s, 1);
	}
	return b.data;
}

/*
 * Is s made of at most max spans of the article, joined by spaces?
 * Greedy: each piece is the longest prefix, ending at a space, that
 * the article holds.
 */
static int
spans_of(const char *s, const char *article, int max, int *pieces)
{
	size_t p = 0, q, len = strlen(s), best;

	*pieces = 0;
	while (p < len) {
		best = 0;
		for (q = len; q > p; q--) {
			if (q < len && s[q] != ' ')
				continue;
			if (memmem(article, strlen(article), s + p, q - p) !=
			    NULL) {
				best = q;
				break;
			}
		}
		if (best == 0)
			return 0;
		(*pieces)++;
		p = best + (best < len);
	}
	return *pieces >= 1 && *pieces <= max;
}

static int
is_iso(const char *s)
{
	size_t i, n = strlen(s);

	if (n != 7 && n != 10)
		return 0;
	for (i = 0; i < n; i++)
		if (i == 4 || i == 7 ? s[i] != '-' :
		    !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static const char *
article(const char *prefix)
{
	const char *key;
	json_t *v;

	json_object_foreach(truth, key, v)
		if (strncmp(key, prefix, strlen(prefix)) == 0)
			return json_string_value(json_object_get(v,
			    "articleBody"));
	return NULL;
}

/* About words whitespace-separated words of the set, in file order. */
static char *
build_article(long words)
{
	struct tq_buf b = { 0 };
	const char *key, *s, *e;
	json_t *v;
	long n = 0;

	tq_buf_add(&b, "", 0);
	while (n < words) {
		long before = n;

		json_object_foreach(truth, key, v) {
			s = json_string_value(json_object_get(v,
			    "articleBody"));
			for (; s != NULL && *s != '\0' && n < words; s = e) {
				while (isspace((unsigned char)*s)) {
					if (s[0] == '\n' && s[1] == '\n' &&
					    b.len > 0 && b.data[b.len - 1] ==
					    ' ') {
						b.data[b.len - 1] = '\n';
						tq_buf_adds(&b, "\n");
					}
					s++;
				}
				for (e = s; *e != '\0' &&
				    !isspace((unsigned char)*e); e++)
					continue;
				if (e == s)
					break;
				tq_buf_add(&b, s, e - s);
				tq_buf_adds(&b, " ");
				n++;
			}
			if (n >= words)
				break;
			if (b.len > 0 && b.data[b.len - 1] == ' ') {
				b.data[b.len - 1] = '\n';
				tq_buf_adds(&b, "\n");
			}
		}
		if (n == before)
			break;
	}
	if (b.len > 0)
		b.data[b.len - 1] = '\n';
	return b.data;
}

static json_t *
load_truth(const char *argv0)
{
	char dir[PATH_MAX], path[PATH_MAX], *d, *slash;
	const char *shared;
	json_error_t je;
	json_t *j;

	if ((shared = getenv("TQ_SHARED")) == NULL || *shared == '\0') {
		/* argv0 is <repo>/tests/unit-ai */
		snprintf(dir, sizeof(dir), "%s", argv0);
		if ((slash = strrchr(dir, '/')) != NULL)
			*slash = '\0';
		else
			snprintf(dir, sizeof(dir), ".");
		snprintf(path, sizeof(path), "%.*s/../../shared",
		    PATH_MAX - 20, dir);
		d = realpath(path, NULL);
		snprintf(dir, sizeof(dir), "%.*s", PATH_MAX - 64,
		    d != NULL ? d : path);
		free(d);
		shared = dir;
	}
	snprintf(path, sizeof(path), "%.*s/data/extraction-dev/"
	    "ground-truth.json", PATH_MAX - 64, shared);
	if ((j = json_load_file(path, 0, &je)) == NULL) {
		printf("Bail out! cannot read %s: %s (set TQ_SHARED to the "
		    "shared directory)\n", path, je.text);
		return NULL;
	}
	if (!json_is_object(j) || json_object_size(j) == 0) {
		printf("Bail out! %s: not an object of articles\n", path);
		json_decref(j);
		return NULL;
	}
	return j;
}

static int
run(const char *title, const char *text, int sum, int kw, int ins,
    int sentences, int max_kw, struct tq_ai_result *r, struct tq_err *e)
{
	struct tq_ai_request req;

	memset(&req, 0, sizeof(req));
	memset(e, 0, sizeof(*e));
	req.title = title;
	req.text = text;
	req.want_summary = sum;
	req.want_keywords = kw;
	req.want_insights = ins;
	req.summary_sentences = sentences;
	req.max_keywords = max_kw;
	tq_ai_result_init(r);
	return tq_ai_builtin(&req, r, e);
}

static char *
dump(const struct tq_ai_result *r)
{
	json_t *o = tq_ai_result_json(r);
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(o);
	return s;
}

/* Every word of every keyword is a word of the text; no stopwords. */
static int
keywords_ok(const char *name, json_t *kw, const char *text, const char *lang,
    int max)
{
	char *lt = lower(text), *lk, *w, *save = NULL, *seen[128];
	const char *k;
	size_t i, j, n = json_array_size(kw);
	int good = 1;

	if (!json_is_array(kw) || n == 0 || (int)n > max) {
		printf("# %s: %zu keywords (max %d)\n", name, n, max);
		good = 0;
		n = 0;
	}
	for (i = 0; i < n && i < 128; i++) {
		k = json_string_value(json_array_get(kw, i));
		seen[i] = NULL;
		if (k == NULL || *k == '\0' || strchr(k, ',') != NULL ||
		    strlen(k) > 400) {
			printf("# %s: bad keyword '%s'\n", name, k ? k : "");
			good = 0;
			continue;
		}
		lk = lower(k);
		for (j = 0; j < i; j++)
			if (seen[j] != NULL && strcmp(seen[j], lk) == 0) {
				printf("# %s: duplicate keyword '%s'\n",
				    name, k);
				good = 0;
			}
		seen[i] = xstrdup(lk);
		for (w = strtok_r(lk, " ", &save); w != NULL;
		    w = strtok_r(NULL, " ", &save)) {
			if (strstr(lt, w) == NULL) {
				printf("# %s: keyword word '%s' not in the "
				    "text\n", name, w);
				good = 0;
			}
			if (lang != NULL && tq_lang_stopword(lang, w,
			    strlen(w))) {
				printf("# %s: keyword word '%s' is a %s "
				    "stopword\n", name, w, lang);
				good = 0;
			}
		}
		free(lk);
	}
	for (i = 0; i < n && i < 128; i++)
		free(seen[i]);
	free(lt);
	return good;
}

/* ------------------------------------------------------------- tests */

static void
test_record(void)
{
	struct tq_ai_result r;
	json_t *o;

	tq_ai_result_init(&r);
	ok(r.summary == NULL && r.keywords == NULL && r.insights == NULL &&
	    r.language == NULL && r.finish_reason == NULL &&
	    r.json_mode == NULL && r.raw == NULL, "init: pointers NULL");
	ok(r.prompt_tokens == -1 && r.completion_tokens == -1 &&
	    r.total_tokens == -1, "init: token counts -1");
	o = tq_ai_result_json(&r);
	ok(json_is_null(json_object_get(o, "prompt_tokens")) &&
	    json_is_null(json_object_get(o, "summary")) &&
	    json_is_null(json_object_get(o, "keywords")) &&
	    json_is_false(json_object_get(o, "input_truncated")) &&
	    json_integer_value(json_object_get(o, "attempts")) == 0 &&
	    json_object_size(o) == 11, "json of an empty result");
	json_decref(o);

	r.summary = xstrdup("S\xff");		/* not UTF-8 */
	r.keywords = json_pack("[s]", "k");
	r.prompt_tokens = 12;
	r.total_tokens = 0;
	r.finish_reason = xstrdup("length");
	o = tq_ai_result_json(&r);
	is_str(json_string_value(json_object_get(o, "summary")),
	    "S\xef\xbf\xbd", "json: bad bytes become U+FFFD");
	ok(json_integer_value(json_object_get(o, "prompt_tokens")) == 12 &&
	    json_is_integer(json_object_get(o, "total_tokens")) &&
	    json_is_null(json_object_get(o, "completion_tokens")),
	    "json: token counts, null when -1");
	ok(json_array_size(json_object_get(o, "keywords")) == 1,
	    "json: keywords shared, not stolen");
	json_decref(o);
	tq_ai_result_free(&r);
	ok(r.summary == NULL && r.keywords == NULL && r.prompt_tokens == -1,
	    "free leaves an initialised record");
	tq_ai_result_free(&r);
}

static void
test_lang(void)
{
	static const char *const langs[] = {
		"de", "en", "es", "fr", "id", "it", "nl", "pt", "ru"
	};
	const char *w, *prev;
	char *clean;
	size_t i, k, len;
	int sorted, found;

	for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		sorted = found = 1;
		prev = NULL;
		for (k = 0; (w = tq_lang_stopword_at(langs[i], k)) != NULL;
		    k++) {
			if (prev != NULL && strcmp(prev, w) >= 0)
				sorted = 0;
			if (!tq_lang_stopword(langs[i], w, strlen(w)))
				found = 0;
			prev = w;
		}
		ok(k >= 80 && sorted && found, "stopwords %s: %zu, sorted, "
		    "all found", langs[i], k);
	}
	{
		/* a few dozen each of Arabic, Persian, Hindi and Urdu */
		static const char *const more[] = { "ar", "fa", "hi", "ur" };

		for (i = 0; i < sizeof(more) / sizeof(more[0]); i++) {
			sorted = found = 1;
			prev = NULL;
			for (k = 0; (w = tq_lang_stopword_at(more[i], k)) !=
			    NULL; k++) {
				if (prev != NULL && strcmp(prev, w) >= 0)
					sorted = 0;
				if (!tq_lang_stopword(more[i], w, strlen(w)))
					found = 0;
				prev = w;
			}
			ok(k >= 50 && sorted && found, "stopwords %s: %zu, "
			    "sorted, all found", more[i], k);
		}
	}
	is_str(tq_lang_detect(ar_text), "ar", "detect ar");
	is_str(tq_lang_detect(fa_text), "fa", "detect fa");
	is_str(tq_lang_detect(hi_text), "hi", "detect hi");
	is_str(tq_lang_detect(ur_text), "ur", "detect ur");
	is_str(tq_lang_detect(mr_text), "und", "Marathi: Devanagari without "
	    "Hindi's words, und");
	{
		/* older Persian text writes Arabic's yeh and kaf */
		char *old = xstrdup(fa_text), *p;

		for (p = old; p[0] != '\0' && p[1] != '\0'; p++)
			if ((unsigned char)p[0] == 0xdb &&
			    (unsigned char)p[1] == 0x8c)
				memcpy(p, "\xd9\x8a", 2);	/* yeh */
			else if ((unsigned char)p[0] == 0xda &&
			    (unsigned char)p[1] == 0xa9)
				memcpy(p, "\xd9\x83", 2);	/* kaf */
		ok(strstr(old, "\xdb\x8c") == NULL, "Persian in Arabic's "
		    "yeh: made");
		is_str(tq_lang_detect(old), "fa", "detect fa in Arabic's yeh "
		    "and kaf");
		free(old);
		ok(tq_lang_stopword("fa", "براي", strlen("براي")) &&
		    tq_lang_stopword("fa", "برای", strlen("برای")) &&
		    !tq_lang_stopword("ar", "برای", strlen("برای")),
		    "a Persian stopword in either spelling");
	}
	ok(tq_lang_stopword_at("xx", 0) == NULL &&
	    !tq_lang_stopword("xx", "the", 3), "no list for an unknown "
	    "language");
	ok(tq_lang_stopword("en", "the", 3) && !tq_lang_stopword("en",
	    "thermal", 7) && !tq_lang_stopword("en", "th", 2),
	    "stopword needs the whole word");
	is_str(tq_lang_detect(de_text), "de", "detect de");
	is_str(tq_lang_detect(fr_text), "fr", "detect fr");
	is_str(tq_lang_detect(es_text), "es", "detect es");
	for (i = 0; i < sizeof(detect_cases) / sizeof(detect_cases[0]); i++)
		is_str(tq_lang_detect(detect_cases[i].text),
		    detect_cases[i].lang, "detect %s (case %zu)",
		    detect_cases[i].lang, i);
	ok(strcmp(tq_lang_detect(NULL), "und") == 0, "detect NULL");
	clean = tq_utf8_clean("a\xc3(\xed\xa0\x80z\xf4\x90\x80\x80", 11,
	    &len);
	is_str(clean, "a\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
	    "utf8_clean: truncated, surrogate, beyond U+10FFFF");
	ok(len == strlen(clean), "utf8_clean: length");
	free(clean);
	ok(tq_lang_lower(0x41) == 'a' && tq_lang_lower(0xc9) == 0xe9 &&
	    tq_lang_lower(0x410) == 0x430 && tq_lang_lower(0x391) == 0x3b1 &&
	    tq_lang_case(0xe9) < 0 && tq_lang_case(0x4e2d) == 0,
	    "case mapping");
}

static void
test_errors(void)
{
	struct tq_ai_result r;
	struct tq_err e;
	static const char *const blanks[] = {
		"", " ", "\n\n\t \r\n", "\xc2\xa0\xe3\x80\x80 \n"
	};
	size_t i;

	for (i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++) {
		ok(run(NULL, blanks[i], 1, 1, 1, 0, 0, &r, &e) == -1 &&
		    e.kind == TQ_ERR_PERMANENT &&
		    strcmp(e.code, "empty_content") == 0 &&
		    strcmp(e.msg, "no text to analyse") == 0 &&
		    r.summary == NULL && r.keywords == NULL,
		    "blank text %zu: permanent empty_content", i);
		tq_ai_result_free(&r);
	}
	ok(run(NULL, NULL, 1, 1, 1, 0, 0, &r, &e) == -1 &&
	    strcmp(e.code, "empty_content") == 0, "NULL text: empty_content");
	tq_ai_result_free(&r);
}

static void
test_articles(void)
{
	struct tq_ai_result r, r2;
	struct tq_err e;
	json_t *ins, *a, *x;
	const char *text, *s;
	char *sq, *d1 = NULL, *d2 = NULL, *lt;
	size_t i, k;
	int pieces, good;

	for (i = 0; i < sizeof(english) / sizeof(english[0]); i++) {
		if ((text = article(english[i])) == NULL) {
			ok(0, "article %s in the ground truth", english[i]);
			continue;
		}
		sq = squeeze(text);
		ok(run(NULL, text, 1, 1, 1, 0, 0, &r, &e) == 0,
		    "%s: builtin succeeds", english[i]);
		is_str(r.language, "en", "%s: language en", english[i]);
		ok(r.summary != NULL && *r.summary != '\0' &&
		    spans_of(r.summary, sq, 5, &pieces),
		    "%s: summary is at most 5 verbatim sentences", english[i]);
		ok(keywords_ok(english[i], r.keywords, text, NULL, 10),
		    "%s: 1-10 keywords, words of the article", english[i]);
		ok(r.finish_reason != NULL && strcmp(r.finish_reason,
		    "stop") == 0 && r.attempts == 1 && r.json_mode == NULL &&
		    r.prompt_tokens == -1 && r.total_tokens == -1 &&
		    !r.input_truncated, "%s: record fields", english[i]);

		ins = r.insights;
		ok(json_is_object(ins) &&
		    json_integer_value(json_object_get(ins,
		    "reading_time_minutes")) >= 1 &&
		    json_integer_value(json_object_get(ins, "word_count")) >
		    50 && json_integer_value(json_object_get(ins,
		    "sentence_count")) > 2 && strcmp(json_string_value(
		    json_object_get(ins, "language")), "en") == 0,
		    "%s: insights counts", english[i]);
		a = json_object_get(ins, "key_sentences");
		good = json_array_size(a) >= 1 && json_array_size(a) <= 2;
		json_array_foreach(a, k, x)
			if ((s = json_string_value(x)) == NULL ||
			    strstr(sq, s) == NULL)
				good = 0;
		ok(good, "%s: key sentences are article sentences", english[i]);
		a = json_object_get(ins, "questions");
		good = json_is_array(a) && json_array_size(a) <= 5;
		json_array_foreach(a, k, x)
			if ((s = json_string_value(x)) == NULL || *s == '\0' ||
			    s[strlen(s) - 1] != '?' || strstr(sq, s) == NULL)
				good = 0;
		ok(good, "%s: questions end with ?", english[i]);
		a = json_object_get(ins, "dates");
		good = json_is_array(a);
		json_array_foreach(a, k, x) {
			s = json_string_value(json_object_get(x, "iso"));
			if (json_string_value(json_object_get(x, "text")) ==
			    NULL || strstr(sq, json_string_value(
			    json_object_get(x, "text"))) == NULL ||
			    (s != NULL && !is_iso(s)) || (s == NULL &&
			    !json_is_null(json_object_get(x, "iso"))))
				good = 0;
		}
		ok(good, "%s: dates quoted, ISO or null", english[i]);
		a = json_object_get(ins, "numbers");
		good = json_is_array(a) && json_array_size(a) <= 5;
		json_array_foreach(a, k, x) {
			s = json_string_value(json_object_get(x, "kind"));
			if (s == NULL || (strcmp(s, "money") != 0 &&
			    strcmp(s, "percent") != 0 && strcmp(s,
			    "number") != 0) || strstr(sq, json_string_value(
			    json_object_get(x, "value"))) == NULL ||
			    strstr(sq, json_string_value(json_object_get(x,
			    "context"))) == NULL)
				good = 0;
		}
		ok(good, "%s: numbers quoted with context", english[i]);
		a = json_object_get(ins, "points");
		good = json_array_size(a) >= 3 && json_array_size(a) <= 10 &&
		    strncmp(json_string_value(json_array_get(a, 0)),
		    "Reading time: about ", 20) == 0;
		json_array_foreach(a, k, x)
			if ((s = json_string_value(x)) == NULL ||
			    strlen(s) < 5 || strlen(s) > 400)
				good = 0;
		ok(good, "%s: 3-10 points", english[i]);

		ok(run(NULL, text, 1, 1, 1, 0, 0, &r2, &e) == 0 &&
		    (d1 = dump(&r)) != NULL && (d2 = dump(&r2)) != NULL &&
		    strcmp(d1, d2) == 0, "%s: same result twice", english[i]);
		free(d1);
		free(d2);
		d1 = d2 = NULL;
		tq_ai_result_free(&r2);
		tq_ai_result_free(&r);

		ok(run("A title", text, 1, 1, 0, 1, 3, &r, &e) == 0 &&
		    r.summary != NULL && strstr(sq, r.summary) != NULL &&
		    json_array_size(r.keywords) <= 3 && r.insights == NULL,
		    "%s: one sentence, three keywords", english[i]);
		tq_ai_result_free(&r);
		ok(run(NULL, text, 0, 1, 0, 0, 0, &r, &e) == 0 &&
		    r.summary == NULL && r.insights == NULL &&
		    json_array_size(r.keywords) > 0, "%s: keywords only",
		    english[i]);
		tq_ai_result_free(&r);
		free(sq);
	}

	/* Words of a keyword, one by one, are in the article: lower(). */
	lt = lower("AirPods \xc3\x89T\xc3\x89");
	is_str(lt, "airpods \xc3\xa9t\xc3\xa9", "lower() for the checks");
	free(lt);
}

static void
test_languages(void)
{
	/* stop: a function word the text holds, no keyword, nor in one */
	static const struct {
		const char	*lang;
		const char	*text;
		const char	*stop;
	} cases[] = {
		{ "de", de_text, "der" }, { "fr", fr_text, "les" },
		{ "es", es_text, "los" }, { "ar", ar_text, "في" },
		{ "fa", fa_text, "در" }, { "hi", hi_text, "के" },
		{ "ur", ur_text, "کے" }
	};
	struct tq_ai_result r;
	struct tq_err e;
	char *sq;
	size_t i;
	int pieces;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sq = squeeze(cases[i].text);
		ok(run(NULL, cases[i].text, 1, 1, 1, 2, 0, &r, &e) == 0,
		    "%s: builtin succeeds", cases[i].lang);
		is_str(r.language, cases[i].lang, "%s: language",
		    cases[i].lang);
		ok(keywords_ok(cases[i].lang, r.keywords, cases[i].text,
		    cases[i].lang, 10), "%s: keywords without stopwords",
		    cases[i].lang);
		{
			json_t *x;
			size_t j;
			char *sp, *pat = xasprintf(" %s ", cases[i].stop);
			int found = 0;

			json_array_foreach(r.keywords, j, x) {
				sp = xasprintf(" %s ", json_string_value(x));
				found |= strstr(sp, pat) != NULL;
				free(sp);
			}
			free(pat);
			ok(!found, "%s: '%s' in no keyword", cases[i].lang,
			    cases[i].stop);
		}
		ok(r.summary != NULL && spans_of(r.summary, sq, 2, &pieces),
		    "%s: two summary sentences", cases[i].lang);
		is_str(json_string_value(json_object_get(r.insights,
		    "language")), cases[i].lang, "%s: insights language",
		    cases[i].lang);
		tq_ai_result_free(&r);
		free(sq);
	}
}

static void
test_splitting(void)
{
	static const char text[] =
	    "Mr. Smith paid $3.5 million to Dr. Jones in the U.S. last year. "
	    "The deal closed on Jan. 5, 2019, after talks in Paris... "
	    "Was it worth it? Nobody knows! Analysts, e.g. those at "
	    "Acme Inc., said the price rose 12% in 2020.\n\n"
	    "Results\n\n"
	    "- First item of a list\n- Second item of a list\n";
	struct tq_ai_result r;
	struct tq_err e;
	json_t *ins, *x;
	size_t k;
	int money = 0, pct = 0, date = 0;

	ok(run(NULL, text, 1, 1, 1, 50, 0, &r, &e) == 0, "splitting text");
	ins = r.insights;
	is_int(json_integer_value(json_object_get(ins, "sentence_count")), 8,
	    "abbreviations, decimals, ellipsis, heading and list lines");
	ok(json_array_size(json_object_get(ins, "questions")) == 1 &&
	    strcmp(json_string_value(json_array_get(json_object_get(ins,
	    "questions"), 0)), "Was it worth it?") == 0, "the one question");
	json_array_foreach(json_object_get(ins, "numbers"), k, x) {
		const char *v = json_string_value(json_object_get(x, "value"));
		const char *kind = json_string_value(json_object_get(x,
		    "kind"));

		money |= strcmp(v, "$3.5 million") == 0 &&
		    strcmp(kind, "money") == 0;
		pct |= strcmp(v, "12%") == 0 && strcmp(kind, "percent") == 0;
	}
	ok(money && pct, "money and percent figures");
	json_array_foreach(json_object_get(ins, "dates"), k, x)
		date |= strcmp(json_string_value(json_object_get(x, "text")),
		    "Jan. 5, 2019") == 0 && json_string_value(json_object_get(
		    x, "iso")) != NULL && strcmp(json_string_value(
		    json_object_get(x, "iso")), "2019-01-05") == 0;
	ok(date, "date normalised to 2019-01-05");
	ok(strstr(r.summary, "Mr. Smith paid $3.5 million to Dr. Jones in "
	    "the U.S. last year.") != NULL, "sentence kept whole");
	ok(strstr(r.summary, "- First") == NULL, "list markers dropped");
	tq_ai_result_free(&r);
}

/*
 * A joiner between letters is part of the word: Persian writes a
 * verb's prefix with a non-joiner (mi-ZWNJ-khaham), one word, so no
 * keyword is the prefix alone nor starts or ends with a joiner
 */
static void
test_joiners(void)
{
	static const char text[] =
	    "\xdb\x8c\xda\xa9 \xd8\xb1\xd9\x88\xd8\xb2 \xd9\x85\xdb\x8c"
	    "\xe2\x80\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85 \xd8\xa8"
	    "\xd9\x87 \xd8\xa7\xdb\x8c\xd8\xb1\xd8\xa7\xd9\x86 \xd8\xa8"
	    "\xd8\xb1\xd9\x88\xd9\x85. \xd9\x85\xd9\x86 \xd9\x81\xd8\xa7"
	    "\xd8\xb1\xd8\xb3\xdb\x8c \xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae"
	    "\xd9\x88\xd8\xa7\xd9\x86\xd9\x85. \xd9\x85\xd8\xa7 \xd8\xa8"
	    "\xd9\x87 \xd9\x85\xd8\xaf\xd8\xb1\xd8\xb3\xd9\x87 \xd9\x85"
	    "\xdb\x8c\xe2\x80\x8c\xd8\xb1\xd9\x88\xdb\x8c\xd9\x85.";
	struct tq_ai_result r;
	struct tq_err e;
	json_t *x;
	size_t k, n;
	int bad = 0, joined = 0;

	ok(run(NULL, text, 1, 1, 0, 3, 10, &r, &e) == 0, "Persian text");
	json_array_foreach(r.keywords, k, x) {
		const char *v = json_string_value(x);

		n = strlen(v);
		bad |= strcmp(v, "\xd9\x85\xdb\x8c") == 0 ||
		    strncmp(v, "\xe2\x80\x8c", 3) == 0 || (n >= 3 &&
		    strcmp(v + n - 3, "\xe2\x80\x8c") == 0) ||
		    strstr(v, "\xd9\x85\xdb\x8c \xd8\xae") != NULL;
		joined |= strstr(v, "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae")
		    != NULL;
	}
	ok(!bad && joined, "a word with a non-joiner is one keyword word");
	tq_ai_result_free(&r);
}

static void
test_dates(void)
{
	static const struct {
		const char	*text;
		const char	*date;
		const char	*iso;
	} cases[] = {
		{ "It opened on November 19, 2019 in the city.",
		    "November 19, 2019", "2019-11-19" },
		{ "The law came into force on 1 May 1997 there.",
		    "1 May 1997", "1997-05-01" },
		{ "Der Vertrag wurde am 3. Oktober 1990 unterschrieben.",
		    "3. Oktober 1990", "1990-10-03" },
		{ "La obra se estren\xc3\xb3 el 10 de marzo de 2018 en Madrid.",
		    "10 de marzo de 2018", "2018-03-10" },
		{ "The report is dated 2019-11-19 and signed.", "2019-11-19",
		    "2019-11-19" },
		{ "Her visa expired on 25/12/2019 in the end.", "25/12/2019",
		    "2019-12-25" },
		{ "The form was dated 03/04/2019 by the clerk.", "03/04/2019",
		    NULL },
		{ "Sales fell sharply in March 2020 for the firm.",
		    "March 2020", "2020-03" },
		{ "No date on February 30, 2019 can exist here.", NULL, NULL },
	};
	struct tq_ai_result r;
	struct tq_err e;
	json_t *d;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(NULL, cases[i].text, 0, 0, 1, 0, 0, &r, &e);
		d = json_array_get(json_object_get(r.insights, "dates"), 0);
		if (cases[i].date == NULL)
			ok(d == NULL, "date %zu: none", i);
		else
			ok(d != NULL && strcmp(json_string_value(
			    json_object_get(d, "text")), cases[i].date) == 0 &&
			    (cases[i].iso == NULL ? json_is_null(
			    json_object_get(d, "iso")) : strcmp(
			    json_string_value(json_object_get(d, "iso")),
			    cases[i].iso) == 0), "date %zu: %s", i,
			    cases[i].date);
		tq_ai_result_free(&r);
	}
}

static void
test_short_and_odd(void)
{
	static const char one[] = "  The quick brown fox jumps over the lazy "
	    "dog near the river bank.\n";
	static const char bad[] = "Caf\xe9 owners \xff\xfe complained loudly "
	    "about the rent. The city council \xc3 promised an answer "
	    "within weeks.";
	struct tq_ai_result r;
	struct tq_err e;
	struct tq_buf b = { 0 };
	char *d, *text;
	unsigned long seed = 12345;
	size_t i, n;
	int good;

	ok(run(NULL, one, 1, 1, 1, 0, 0, &r, &e) == 0 &&
	    strcmp(r.summary, "The quick brown fox jumps over the lazy dog "
	    "near the river bank.") == 0, "one sentence: it is the summary");
	ok(keywords_ok("one", r.keywords, one, "en", 10),
	    "one sentence: keywords from it");
	tq_ai_result_free(&r);

	ok(run(NULL, "!!! ... ---", 1, 1, 1, 0, 0, &r, &e) == 0 &&
	    r.summary != NULL && json_array_size(r.keywords) == 0,
	    "no words: punctuation summary, no keywords");
	tq_ai_result_free(&r);

	d = NULL;
	ok(run("T\xff", bad, 1, 1, 1, 0, 0, &r, &e) == 0 &&
	    (d = dump(&r)) != NULL, "invalid UTF-8: result is valid JSON");
	free(d);
	tq_ai_result_free(&r);

	/* Random bytes: no crash, a result or empty_content. */
	good = 1;
	for (i = 0; i < 300; i++) {
		b.len = 0;
		n = (seed >> 16) % 600;
		while (n-- > 0) {
			char ch;

			seed = seed * 1103515245 + 12345;
			ch = (char)((seed >> 16) & 0xff);
			if (ch == '\0')
				ch = (i % 3 == 0) ? '.' : '\n';
			if (i % 2 == 0 && (seed >> 8) % 5 == 0)
				ch = " \n.?!"[(seed >> 12) % 5];
			tq_buf_add(&b, &ch, 1);
		}
		tq_buf_add(&b, "", 0);
		if (run(NULL, b.data, 1, 1, 1, 0, 0, &r, &e) == 0) {
			if ((d = dump(&r)) == NULL)
				good = 0;
			free(d);
		} else if (strcmp(e.code, "empty_content") != 0)
			good = 0;
		tq_ai_result_free(&r);
	}
	ok(good, "random bytes: valid results");
	tq_buf_free(&b);

	/* One long line of words with no punctuation at all. */
	for (i = 0; i < 30000; i++)
		tq_buf_adds(&b, i % 7 == 0 ? "river " : i % 5 == 0 ? "stone " :
		    "water ");
	ok(run(NULL, b.data, 1, 1, 1, 0, 0, &r, &e) == 0 &&
	    r.summary != NULL && json_array_size(r.keywords) > 0,
	    "30000 words without punctuation");
	tq_ai_result_free(&r);
	tq_buf_free(&b);

	text = build_article(10000);
	ok(run("Ten thousand words", text, 1, 1, 1, 0, 0, &r, &e) == 0 &&
	    r.summary != NULL && json_array_size(r.keywords) == 10 &&
	    json_integer_value(json_object_get(r.insights, "word_count")) >
	    9000, "a 10000-word article");
	tq_ai_result_free(&r);
	free(text);
}

/*
 * tests/unit-ai FILE...: each file as tests/fuzz/fuzz-ai.c reads it (a
 * title line, then the text to its first NUL) through the builtin
 * provider twice: the inputs of tests/fuzz/regress/ai-*
 * (tests/0620-fuzz-regress.t).  Exits 1 when a run fails otherwise
 * than on blank text, or the two differ.
 */
static int
run_files(int argc, char *argv[])
{
	struct tq_ai_result r;
	struct tq_err e;
	struct tq_buf b;
	char chunk[8192], *nl, *title, *a, *d;
	size_t n;
	FILE *f;
	int i, k, rc[2];

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 1;
		}
		memset(&b, 0, sizeof(b));
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			tq_buf_add(&b, chunk, n);
		fclose(f);
		tq_buf_add(&b, "", 1);
		title = NULL;
		if ((nl = memchr(b.data, '\n', b.len)) != NULL) {
			*nl = '\0';
			title = b.data;
		}
		a = NULL;
		for (k = 0; k < 2; k++) {
			rc[k] = run(title, nl != NULL ? nl + 1 : b.data, 1, 1,
			    1, 0, 0, &r, &e);
			d = rc[k] == 0 ? dump(&r) : xstrdup(e.code);
			tq_ai_result_free(&r);
			if (k == 0)
				a = d;
			else if (rc[0] != rc[1] || strcmp(a, d) != 0 ||
			    (rc[1] == -1 && strcmp(d, "empty_content") != 0)) {
				fprintf(stderr, "%s: %s, then %s\n", argv[i],
				    a, d);
				return 1;
			}
		}
		free(a);
		free(d);
		tq_buf_free(&b);
	}
	return 0;
}

/*
 * A forum thread's chrome around its posts: the "https" of its links
 * and its posts' dates ("Wed Aug 13, 2025", "Posted March 3") were
 * among its keywords
 */
static void
test_thread_chrome(void)
{
	struct tq_buf b = { 0 };
	struct tq_ai_result r;
	struct tq_err e;
	json_t *k;
	size_t i;
	int clean = 1;

	static const char *const posts[] = {
		"The league table after six rounds shows Liverpool ahead "
		"of the pack, see https://league.example/table for it.",
		"Liverpool won again and the league looks settled already, "
		"the table at https://league.example/table agrees.",
		"Nothing is settled in this league: Liverpool lost to the "
		"promoted side last season, https://league.example/2024 "
		"has the results.",
		"The promoted side plays Liverpool next, and the league "
		"table could change, https://league.example/fixtures says "
		"when."
	};

	for (i = 0; i < 12; i++)
		tq_buf_addf(&b, "Posted March %zu\n\nuser%zu\n\nWed Aug %zu, "
		    "2025 3:39 pm UTC\n\n%s\n\n", i + 1, i, i + 1,
		    posts[i % 4]);
	ok(run(NULL, b.data, 0, 1, 0, 0, 0, &r, &e) == 0 &&
	    json_array_size(r.keywords) > 0, "a thread's keywords");
	json_array_foreach(r.keywords, i, k) {
		const char *v = json_string_value(k);

		if (strcasestr(v, "https") || strcasestr(v, "posted") ||
		    strcasestr(v, "wed") || strcmp(v, "UTC") == 0) {
			printf("# chrome as a keyword: %s\n", v);
			clean = 0;
		}
	}
	ok(clean, "a thread's keywords: no link's scheme, no post's date");
	tq_ai_result_free(&r);
	tq_buf_free(&b);
}

int
main(int argc, char *argv[])
{
	char *text;
	long n;

	if (argc > 1 && strcmp(argv[1], "--article") != 0)
		return run_files(argc, argv);
	if ((truth = load_truth(argv[0])) == NULL)
		return 1;
	if (argc == 3 && strcmp(argv[1], "--article") == 0) {
		if ((n = strtol(argv[2], NULL, 10)) <= 0) {
			fprintf(stderr, "usage: unit-ai [--article words]\n");
			return 2;
		}
		text = build_article(n);
		fputs(text, stdout);
		free(text);
		json_decref(truth);
		return 0;
	}
	test_record();
	test_lang();
	test_errors();
	test_articles();
	test_languages();
	test_splitting();
	test_joiners();
	test_dates();
	test_short_and_odd();
	test_thread_chrome();
	json_decref(truth);
	return done_testing();
}
