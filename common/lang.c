/*
 * lang.c - language guess from stopword frequencies and scripts, and
 * the small UTF-8 and case helpers the builtin AI provider shares.
 *
 * The stopword lists are ours, merged into one table sorted by bytes
 * (strcmp order) so that a lookup is one binary search whatever the
 * language; tests/unit-ai checks that every word is found.  Besides
 * function words they hold a few words that make poor keywords in news
 * text ("said", "percent", "year").  Elided French and Italian articles
 * are listed with their apostrophe ("l'", "qu'").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"

/* Languages with a list, in the order of the bits below. */
static const char *const langs[] = {
	"de", "en", "es", "fr", "id", "it", "nl", "pt", "ru", "ar", "fa",
	"hi", "ur"
};
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define NLANGS		NITEMS(langs)
#define LATIN_LANGS	0x0ff	/* de to pt */
#define RU_BIT		8
#define AR_BIT		9
#define FA_BIT		10
#define HI_BIT		11
#define UR_BIT		12

struct stopword {
	const char	*w;
	unsigned	 langs;		/* bit i: langs[i] */
};

/* All lists in one, sorted by bytes; made from a word list per language. */
static const struct stopword stopwords[] = {
	{ "a", 0x0a6 }, { "aan", 0x040 }, { "ab", 0x001 },
	{ "aber", 0x001 }, { "able", 0x002 }, { "about", 0x002 },
	{ "above", 0x002 }, { "according", 0x002 },
	{ "across", 0x002 }, { "actually", 0x002 }, { "ad", 0x020 },
	{ "ada", 0x010 }, { "adalah", 0x010 }, { "add", 0x002 },
	{ "added", 0x002 }, { "adds", 0x002 }, { "adesso", 0x020 },
	{ "afin", 0x008 }, { "after", 0x002 }, { "afterwards", 0x002 },
	{ "again", 0x002 }, { "against", 0x002 }, { "agar", 0x010 },
	{ "agli", 0x020 }, { "ago", 0x002 }, { "agora", 0x080 },
	{ "ahead", 0x002 }, { "ahora", 0x004 }, { "ai", 0x028 },
	{ "ainda", 0x080 }, { "ainsi", 0x008 }, { "akan", 0x010 },
	{ "aku", 0x010 }, { "al", 0x064 }, { "algo", 0x004 },
	{ "algunas", 0x004 }, { "algunos", 0x004 }, { "ali", 0x080 },
	{ "all", 0x002 }, { "all'", 0x020 }, { "alla", 0x020 },
	{ "alle", 0x061 }, { "alleen", 0x040 }, { "allem", 0x001 },
	{ "allen", 0x001 }, { "aller", 0x001 },
	{ "allerdings", 0x001 }, { "alles", 0x001 }, { "allo", 0x020 },
	{ "allora", 0x020 }, { "allí", 0x004 }, { "almost", 0x002 },
	{ "alone", 0x002 }, { "along", 0x002 }, { "alors", 0x008 },
	{ "already", 0x002 }, { "als", 0x041 }, { "also", 0x003 },
	{ "although", 0x002 }, { "altijd", 0x040 },
	{ "always", 0x002 }, { "am", 0x003 }, { "among", 0x002 },
	{ "amongst", 0x002 }, { "an", 0x003 }, { "anche", 0x020 },
	{ "ancora", 0x020 }, { "and", 0x002 }, { "anda", 0x010 },
	{ "andere", 0x041 }, { "anderem", 0x001 },
	{ "anderen", 0x001 }, { "anderer", 0x001 },
	{ "anderes", 0x001 }, { "anders", 0x001 },
	{ "another", 0x002 }, { "antara", 0x010 }, { "ante", 0x004 },
	{ "antes", 0x004 }, { "any", 0x002 }, { "anybody", 0x002 },
	{ "anyone", 0x002 }, { "anything", 0x002 },
	{ "anyway", 0x002 }, { "anywhere", 0x002 }, { "ao", 0x080 },
	{ "aos", 0x080 }, { "apa", 0x010 }, { "apakah", 0x010 },
	{ "après", 0x008 }, { "aquela", 0x080 }, { "aquele", 0x080 },
	{ "aqui", 0x080 }, { "aquilo", 0x080 }, { "aquí", 0x004 },
	{ "are", 0x002 }, { "aren't", 0x002 }, { "around", 0x002 },
	{ "as", 0x08a }, { "ask", 0x002 }, { "asked", 0x002 },
	{ "asks", 0x002 }, { "assim", 0x080 }, { "así", 0x004 },
	{ "at", 0x002 }, { "atau", 0x010 }, { "até", 0x080 },
	{ "au", 0x008 }, { "auch", 0x001 }, { "aucun", 0x008 },
	{ "aucune", 0x008 }, { "auf", 0x001 },
	{ "aujourd'hui", 0x008 }, { "aunque", 0x004 },
	{ "auprès", 0x008 }, { "aus", 0x001 }, { "aussi", 0x008 },
	{ "autre", 0x008 }, { "autres", 0x008 }, { "aux", 0x008 },
	{ "avaient", 0x008 }, { "avais", 0x008 }, { "avait", 0x008 },
	{ "avant", 0x008 }, { "avec", 0x008 }, { "avere", 0x020 },
	{ "aveva", 0x020 }, { "avez", 0x008 }, { "avoir", 0x008 },
	{ "avons", 0x008 }, { "away", 0x002 }, { "ayant", 0x008 },
	{ "aún", 0x004 }, { "back", 0x002 }, { "bagaimana", 0x010 },
	{ "bagi", 0x010 }, { "bahkan", 0x010 }, { "bahwa", 0x010 },
	{ "bajo", 0x004 }, { "banyak", 0x010 }, { "baru", 0x010 },
	{ "be", 0x002 }, { "became", 0x002 }, { "because", 0x002 },
	{ "become", 0x002 }, { "becomes", 0x002 }, { "been", 0x002 },
	{ "before", 0x002 }, { "began", 0x002 }, { "begin", 0x002 },
	{ "behind", 0x002 }, { "bei", 0x001 }, { "beim", 0x001 },
	{ "being", 0x002 }, { "below", 0x002 }, { "belum", 0x010 },
	{ "bem", 0x080 }, { "ben", 0x040 }, { "berbagai", 0x010 },
	{ "bereits", 0x001 }, { "beside", 0x002 },
	{ "besides", 0x002 }, { "besonders", 0x001 },
	{ "best", 0x002 }, { "better", 0x002 }, { "between", 0x002 },
	{ "beyond", 0x002 }, { "bien", 0x00c }, { "bij", 0x040 },
	{ "bijvoorbeeld", 0x040 }, { "billion", 0x002 },
	{ "bin", 0x001 }, { "bis", 0x001 }, { "bisa", 0x010 },
	{ "bisher", 0x001 }, { "bist", 0x001 }, { "bleibt", 0x001 },
	{ "boleh", 0x010 }, { "both", 0x002 }, { "buat", 0x010 },
	{ "bukan", 0x010 }, { "but", 0x002 }, { "by", 0x002 },
	{ "c'", 0x008 }, { "c'è", 0x020 }, { "cada", 0x084 },
	{ "call", 0x002 }, { "called", 0x002 }, { "calls", 0x002 },
	{ "came", 0x002 }, { "can", 0x002 }, { "can't", 0x002 },
	{ "cannot", 0x002 }, { "car", 0x008 }, { "casi", 0x004 },
	{ "ce", 0x008 }, { "ceci", 0x008 }, { "cela", 0x008 },
	{ "celle", 0x008 }, { "celles", 0x008 }, { "celui", 0x008 },
	{ "cependant", 0x008 }, { "certains", 0x008 },
	{ "ces", 0x008 }, { "cet", 0x008 }, { "cette", 0x008 },
	{ "ceux", 0x008 }, { "chaque", 0x008 }, { "che", 0x020 },
	{ "chez", 0x008 }, { "chi", 0x020 }, { "ci", 0x020 },
	{ "coisa", 0x080 }, { "com", 0x080 }, { "come", 0x022 },
	{ "comes", 0x002 }, { "coming", 0x002 }, { "comme", 0x008 },
	{ "comment", 0x008 }, { "como", 0x084 }, { "con", 0x024 },
	{ "contra", 0x004 }, { "contre", 0x008 }, { "contro", 0x020 },
	{ "cosa", 0x020 }, { "così", 0x020 }, { "could", 0x002 },
	{ "couldn't", 0x002 }, { "cual", 0x004 }, { "cuales", 0x004 },
	{ "cuando", 0x004 }, { "cui", 0x020 }, { "cuándo", 0x004 },
	{ "cómo", 0x004 }, { "d'", 0x008 }, { "da", 0x0a1 },
	{ "daar", 0x040 }, { "daarom", 0x040 }, { "dabei", 0x001 },
	{ "dadurch", 0x001 }, { "dafür", 0x001 }, { "dagegen", 0x001 },
	{ "daher", 0x001 }, { "dal", 0x020 }, { "dalam", 0x010 },
	{ "dall'", 0x020 }, { "dalla", 0x020 }, { "dalle", 0x020 },
	{ "damals", 0x001 }, { "damit", 0x001 }, { "dan", 0x050 },
	{ "danach", 0x001 }, { "dann", 0x001 }, { "dans", 0x008 },
	{ "dapat", 0x010 }, { "daran", 0x001 }, { "darauf", 0x001 },
	{ "darf", 0x001 }, { "dari", 0x010 }, { "darum", 0x001 },
	{ "darüber", 0x001 }, { "das", 0x081 }, { "dass", 0x001 },
	{ "dat", 0x040 }, { "davon", 0x001 }, { "day", 0x002 },
	{ "days", 0x002 }, { "dazu", 0x001 }, { "de", 0x0cc },
	{ "degli", 0x020 }, { "dei", 0x020 }, { "dein", 0x001 },
	{ "deine", 0x001 }, { "del", 0x024 }, { "dela", 0x080 },
	{ "dele", 0x080 }, { "deles", 0x080 }, { "dell'", 0x020 },
	{ "della", 0x020 }, { "delle", 0x020 }, { "dello", 0x020 },
	{ "dem", 0x001 }, { "demikian", 0x010 }, { "den", 0x001 },
	{ "denen", 0x001 }, { "dengan", 0x010 }, { "denn", 0x001 },
	{ "depois", 0x080 }, { "depuis", 0x008 }, { "der", 0x041 },
	{ "deren", 0x001 }, { "des", 0x009 }, { "desde", 0x004 },
	{ "deshalb", 0x001 }, { "dessa", 0x080 }, { "desse", 0x080 },
	{ "dessen", 0x001 }, { "desta", 0x080 }, { "deste", 0x080 },
	{ "deux", 0x008 }, { "deze", 0x040 }, { "di", 0x030 },
	{ "dia", 0x010 }, { "dich", 0x001 }, { "did", 0x002 },
	{ "didn't", 0x002 }, { "die", 0x041 }, { "dies", 0x001 },
	{ "diese", 0x001 }, { "diesem", 0x001 }, { "diesen", 0x001 },
	{ "dieser", 0x001 }, { "dieses", 0x001 },
	{ "different", 0x002 }, { "dir", 0x001 }, { "disso", 0x080 },
	{ "dit", 0x040 }, { "do", 0x082 }, { "doch", 0x041 },
	{ "doen", 0x040 }, { "does", 0x002 }, { "doesn't", 0x002 },
	{ "doing", 0x002 }, { "don't", 0x002 }, { "donc", 0x008 },
	{ "donde", 0x004 }, { "done", 0x002 }, { "dont", 0x008 },
	{ "door", 0x040 }, { "dopo", 0x020 }, { "dort", 0x001 },
	{ "dos", 0x084 }, { "dove", 0x020 }, { "down", 0x002 },
	{ "du", 0x009 }, { "durante", 0x004 }, { "durch", 0x001 },
	{ "during", 0x002 }, { "dus", 0x040 }, { "déjà", 0x008 },
	{ "dónde", 0x004 }, { "dürfen", 0x001 }, { "e", 0x0a4 },
	{ "each", 0x002 }, { "eben", 0x001 }, { "ebenfalls", 0x001 },
	{ "echter", 0x040 }, { "ed", 0x020 }, { "een", 0x040 },
	{ "eens", 0x040 }, { "eigentlich", 0x001 }, { "ein", 0x001 },
	{ "eine", 0x001 }, { "einem", 0x001 }, { "einen", 0x001 },
	{ "einer", 0x001 }, { "eines", 0x001 }, { "einfach", 0x001 },
	{ "einige", 0x001 }, { "einigen", 0x001 }, { "einmal", 0x001 },
	{ "either", 0x002 }, { "el", 0x004 }, { "ela", 0x080 },
	{ "elas", 0x080 }, { "ele", 0x080 }, { "eles", 0x080 },
	{ "ella", 0x004 }, { "ellas", 0x004 }, { "elle", 0x008 },
	{ "elles", 0x008 }, { "ellos", 0x004 }, { "else", 0x002 },
	{ "em", 0x080 }, { "en", 0x04c }, { "encore", 0x008 },
	{ "enough", 0x002 }, { "entonces", 0x004 }, { "entre", 0x08c },
	{ "então", 0x080 }, { "er", 0x041 }, { "era", 0x0a4 },
	{ "eram", 0x080 }, { "eran", 0x004 }, { "erano", 0x020 },
	{ "es", 0x005 }, { "esa", 0x004 }, { "esas", 0x004 },
	{ "ese", 0x004 }, { "eso", 0x004 }, { "esos", 0x004 },
	{ "especially", 0x002 }, { "essa", 0x080 }, { "esse", 0x080 },
	{ "essere", 0x020 }, { "est", 0x008 }, { "esta", 0x084 },
	{ "estaba", 0x004 }, { "estado", 0x004 }, { "estar", 0x084 },
	{ "estas", 0x084 }, { "estava", 0x080 }, { "este", 0x084 },
	{ "estes", 0x080 }, { "esto", 0x004 }, { "estos", 0x004 },
	{ "está", 0x084 }, { "están", 0x004 }, { "estão", 0x080 },
	{ "et", 0x008 }, { "etc", 0x002 }, { "etwa", 0x001 },
	{ "etwas", 0x001 }, { "eu", 0x088 }, { "euch", 0x001 },
	{ "euer", 0x001 }, { "eure", 0x001 }, { "eux", 0x008 },
	{ "even", 0x002 }, { "ever", 0x002 }, { "every", 0x002 },
	{ "everyone", 0x002 }, { "everything", 0x002 },
	{ "except", 0x002 }, { "faire", 0x008 }, { "fait", 0x008 },
	{ "far", 0x002 }, { "fare", 0x020 }, { "faut", 0x008 },
	{ "faz", 0x080 }, { "fazer", 0x080 }, { "few", 0x002 },
	{ "fez", 0x080 }, { "find", 0x002 }, { "finds", 0x002 },
	{ "foi", 0x080 }, { "fois", 0x008 }, { "font", 0x008 },
	{ "for", 0x002 }, { "foram", 0x080 }, { "former", 0x002 },
	{ "formerly", 0x002 }, { "found", 0x002 }, { "fra", 0x020 },
	{ "from", 0x002 }, { "fue", 0x004 }, { "fueron", 0x004 },
	{ "further", 0x002 }, { "für", 0x001 }, { "gab", 0x001 },
	{ "ganz", 0x001 }, { "gave", 0x002 }, { "geen", 0x040 },
	{ "gegen", 0x001 }, { "gerade", 0x001 }, { "get", 0x002 },
	{ "gets", 0x002 }, { "getting", 0x002 }, { "gewesen", 0x001 },
	{ "gibt", 0x001 }, { "ging", 0x001 }, { "give", 0x002 },
	{ "given", 0x002 }, { "gives", 0x002 }, { "già", 0x020 },
	{ "gleich", 0x001 }, { "gli", 0x020 }, { "go", 0x002 },
	{ "goes", 0x002 }, { "going", 0x002 }, { "gone", 0x002 },
	{ "got", 0x002 }, { "ha", 0x024 }, { "hab", 0x001 },
	{ "habe", 0x001 }, { "haben", 0x001 }, { "había", 0x004 },
	{ "habían", 0x004 }, { "hace", 0x004 }, { "hacer", 0x004 },
	{ "had", 0x042 }, { "hadden", 0x040 }, { "hadn't", 0x002 },
	{ "han", 0x004 }, { "hanno", 0x020 }, { "has", 0x002 },
	{ "hasn't", 0x002 }, { "hasta", 0x004 }, { "hat", 0x001 },
	{ "hatte", 0x001 }, { "hatten", 0x001 }, { "have", 0x002 },
	{ "haven't", 0x002 }, { "having", 0x002 }, { "hay", 0x004 },
	{ "he", 0x002 }, { "he'd", 0x002 }, { "he'll", 0x002 },
	{ "he's", 0x002 }, { "heb", 0x040 }, { "hebben", 0x040 },
	{ "heeft", 0x040 }, { "hem", 0x040 }, { "her", 0x003 },
	{ "here", 0x002 }, { "here's", 0x002 }, { "hers", 0x002 },
	{ "herself", 0x002 }, { "het", 0x040 }, { "heute", 0x001 },
	{ "hier", 0x041 }, { "hierbei", 0x001 }, { "hij", 0x040 },
	{ "him", 0x002 }, { "himself", 0x002 }, { "hin", 0x001 },
	{ "hinter", 0x001 }, { "his", 0x002 }, { "ho", 0x020 },
	{ "hoe", 0x040 }, { "hoewel", 0x040 }, { "hors", 0x008 },
	{ "how", 0x002 }, { "however", 0x002 }, { "hun", 0x040 },
	{ "há", 0x080 }, { "hätte", 0x001 }, { "i", 0x022 },
	{ "i'd", 0x002 }, { "i'll", 0x002 }, { "i'm", 0x002 },
	{ "i've", 0x002 }, { "ia", 0x010 }, { "ialah", 0x010 },
	{ "ich", 0x001 }, { "ici", 0x008 }, { "iets", 0x040 },
	{ "if", 0x002 }, { "ihm", 0x001 }, { "ihn", 0x001 },
	{ "ihnen", 0x001 }, { "ihr", 0x001 }, { "ihre", 0x001 },
	{ "ihrem", 0x001 }, { "ihren", 0x001 }, { "ihrer", 0x001 },
	{ "ihres", 0x001 }, { "ik", 0x040 }, { "il", 0x028 },
	{ "ils", 0x008 }, { "im", 0x001 }, { "immer", 0x001 },
	{ "in", 0x063 }, { "including", 0x002 }, { "indeed", 0x002 },
	{ "ini", 0x010 }, { "ins", 0x001 }, { "instead", 0x002 },
	{ "into", 0x002 }, { "invece", 0x020 }, { "io", 0x020 },
	{ "is", 0x042 }, { "isn't", 0x002 }, { "isso", 0x080 },
	{ "ist", 0x001 }, { "isto", 0x080 }, { "it", 0x002 },
	{ "it's", 0x002 }, { "its", 0x002 }, { "itself", 0x002 },
	{ "itu", 0x010 }, { "j'", 0x008 }, { "ja", 0x041 },
	{ "jadi", 0x010 }, { "jahr", 0x001 }, { "jahre", 0x001 },
	{ "jahren", 0x001 }, { "je", 0x049 }, { "jede", 0x001 },
	{ "jedem", 0x001 }, { "jeden", 0x001 }, { "jeder", 0x001 },
	{ "jedes", 0x001 }, { "jedoch", 0x001 }, { "jene", 0x001 },
	{ "jener", 0x001 }, { "jetzt", 0x001 }, { "jeweils", 0x001 },
	{ "jika", 0x010 }, { "juga", 0x010 }, { "jullie", 0x040 },
	{ "jusqu'", 0x008 }, { "just", 0x002 }, { "já", 0x080 },
	{ "kalau", 0x010 }, { "kam", 0x001 }, { "kami", 0x010 },
	{ "kamu", 0x010 }, { "kan", 0x040 }, { "kann", 0x001 },
	{ "karena", 0x010 }, { "kaum", 0x001 }, { "ke", 0x010 },
	{ "keep", 0x002 }, { "kein", 0x001 }, { "keine", 0x001 },
	{ "keinem", 0x001 }, { "keinen", 0x001 }, { "keiner", 0x001 },
	{ "kembali", 0x010 }, { "kemudian", 0x010 },
	{ "kepada", 0x010 }, { "kept", 0x002 }, { "kita", 0x010 },
	{ "know", 0x002 }, { "known", 0x002 }, { "kon", 0x040 },
	{ "kunnen", 0x040 }, { "können", 0x001 }, { "könnte", 0x001 },
	{ "l'", 0x028 }, { "la", 0x02c }, { "lagi", 0x010 },
	{ "lain", 0x010 }, { "las", 0x004 }, { "last", 0x002 },
	{ "later", 0x002 }, { "laut", 0x001 }, { "le", 0x02c },
	{ "least", 0x002 }, { "lebih", 0x010 }, { "lei", 0x020 },
	{ "les", 0x00c }, { "less", 0x002 }, { "let", 0x002 },
	{ "let's", 0x002 }, { "leur", 0x008 }, { "leurs", 0x008 },
	{ "lhe", 0x080 }, { "like", 0x002 }, { "likely", 0x002 },
	{ "lo", 0x024 }, { "look", 0x002 }, { "looked", 0x002 },
	{ "looking", 0x002 }, { "looks", 0x002 }, { "loro", 0x020 },
	{ "lors", 0x008 }, { "lorsqu'", 0x008 }, { "los", 0x004 },
	{ "lot", 0x002 }, { "lots", 0x002 }, { "lui", 0x028 },
	{ "là", 0x008 }, { "lá", 0x080 }, { "m'", 0x008 },
	{ "ma", 0x020 }, { "maar", 0x040 }, { "machen", 0x001 },
	{ "macht", 0x001 }, { "made", 0x002 }, { "mai", 0x020 },
	{ "mais", 0x088 }, { "maka", 0x010 }, { "make", 0x002 },
	{ "makes", 0x002 }, { "making", 0x002 }, { "mal", 0x001 },
	{ "man", 0x001 }, { "mana", 0x010 }, { "manche", 0x001 },
	{ "many", 0x002 }, { "mas", 0x080 }, { "masih", 0x010 },
	{ "mau", 0x010 }, { "may", 0x002 }, { "maybe", 0x002 },
	{ "me", 0x0ce }, { "meanwhile", 0x002 }, { "meer", 0x040 },
	{ "meest", 0x040 }, { "mehr", 0x001 }, { "mehrere", 0x001 },
	{ "mein", 0x001 }, { "meine", 0x001 }, { "meinem", 0x001 },
	{ "meinen", 0x001 }, { "meiner", 0x001 }, { "melalui", 0x010 },
	{ "memang", 0x010 }, { "men", 0x040 }, { "meno", 0x020 },
	{ "mentre", 0x020 }, { "mereka", 0x010 }, { "mes", 0x008 },
	{ "meski", 0x010 }, { "mesmo", 0x080 }, { "met", 0x040 },
	{ "meu", 0x080 }, { "mi", 0x024 }, { "mich", 0x001 },
	{ "mientras", 0x004 }, { "mieux", 0x008 }, { "might", 0x002 },
	{ "mij", 0x040 }, { "mijn", 0x040 }, { "million", 0x002 },
	{ "mine", 0x002 }, { "minha", 0x080 }, { "mir", 0x001 },
	{ "misma", 0x004 }, { "mismo", 0x004 }, { "mit", 0x001 },
	{ "moet", 0x040 }, { "moeten", 0x040 }, { "moi", 0x008 },
	{ "moins", 0x008 }, { "molto", 0x020 }, { "mon", 0x008 },
	{ "more", 0x002 }, { "moreover", 0x002 }, { "most", 0x002 },
	{ "mostly", 0x002 }, { "mr", 0x002 }, { "mrs", 0x002 },
	{ "ms", 0x002 }, { "much", 0x002 }, { "mucha", 0x004 },
	{ "muchas", 0x004 }, { "mucho", 0x004 }, { "muchos", 0x004 },
	{ "muita", 0x080 }, { "muitas", 0x080 }, { "muito", 0x080 },
	{ "muitos", 0x080 }, { "mungkin", 0x010 }, { "muss", 0x001 },
	{ "musste", 0x001 }, { "must", 0x002 }, { "muy", 0x004 },
	{ "my", 0x002 }, { "myself", 0x002 }, { "más", 0x004 },
	{ "même", 0x008 }, { "müssen", 0x001 }, { "n'", 0x008 },
	{ "na", 0x0c0 }, { "naar", 0x040 }, { "nach", 0x001 },
	{ "nachdem", 0x001 }, { "nada", 0x004 }, { "namun", 0x010 },
	{ "nas", 0x080 }, { "ne", 0x028 }, { "near", 0x002 },
	{ "nearly", 0x002 }, { "neben", 0x001 }, { "need", 0x002 },
	{ "needs", 0x002 }, { "negli", 0x020 }, { "nei", 0x020 },
	{ "neither", 0x002 }, { "nel", 0x020 }, { "nell'", 0x020 },
	{ "nella", 0x020 }, { "nelle", 0x020 }, { "nem", 0x080 },
	{ "never", 0x002 }, { "nevertheless", 0x002 },
	{ "next", 0x002 }, { "ni", 0x00c }, { "nicht", 0x001 },
	{ "nichts", 0x001 }, { "nie", 0x001 }, { "niet", 0x040 },
	{ "niets", 0x040 }, { "no", 0x086 }, { "nobody", 0x002 },
	{ "noch", 0x001 }, { "nog", 0x040 }, { "non", 0x028 },
	{ "none", 0x002 }, { "nooit", 0x040 }, { "nor", 0x002 },
	{ "nos", 0x08c }, { "nosotros", 0x004 }, { "nossa", 0x080 },
	{ "nosso", 0x080 }, { "nostra", 0x020 }, { "nostro", 0x020 },
	{ "not", 0x002 }, { "nothing", 0x002 }, { "notre", 0x008 },
	{ "nous", 0x008 }, { "now", 0x002 }, { "nowhere", 0x002 },
	{ "nu", 0x040 }, { "nuestra", 0x004 }, { "nuestro", 0x004 },
	{ "nulla", 0x020 }, { "nun", 0x001 }, { "nur", 0x001 },
	{ "nya", 0x010 }, { "não", 0x080 }, { "nós", 0x080 },
	{ "o", 0x0a4 }, { "ob", 0x001 }, { "oder", 0x001 },
	{ "of", 0x042 }, { "off", 0x002 }, { "oft", 0x001 },
	{ "often", 0x002 }, { "oggi", 0x020 }, { "ogni", 0x020 },
	{ "oh", 0x002 }, { "ohne", 0x001 }, { "ok", 0x002 },
	{ "okay", 0x002 }, { "oleh", 0x010 }, { "om", 0x040 },
	{ "omdat", 0x040 }, { "on", 0x00a }, { "once", 0x002 },
	{ "onde", 0x080 }, { "onder", 0x040 }, { "one", 0x002 },
	{ "ones", 0x002 }, { "only", 0x002 }, { "ons", 0x040 },
	{ "ont", 0x008 }, { "onto", 0x002 }, { "ook", 0x040 },
	{ "op", 0x040 }, { "or", 0x002 }, { "ora", 0x020 },
	{ "os", 0x080 }, { "other", 0x002 }, { "others", 0x002 },
	{ "otherwise", 0x002 }, { "otra", 0x004 }, { "otras", 0x004 },
	{ "otro", 0x004 }, { "otros", 0x004 }, { "ou", 0x088 },
	{ "our", 0x002 }, { "ours", 0x002 }, { "ourselves", 0x002 },
	{ "out", 0x002 }, { "outra", 0x080 }, { "outras", 0x080 },
	{ "outro", 0x080 }, { "outros", 0x080 }, { "over", 0x042 },
	{ "own", 0x002 }, { "où", 0x008 }, { "pada", 0x010 },
	{ "par", 0x008 }, { "para", 0x094 }, { "parce", 0x008 },
	{ "pas", 0x008 }, { "pela", 0x080 }, { "pelas", 0x080 },
	{ "pelo", 0x080 }, { "pelos", 0x080 }, { "pendant", 0x008 },
	{ "per", 0x022 }, { "percent", 0x002 }, { "perché", 0x020 },
	{ "perhaps", 0x002 }, { "pero", 0x004 }, { "però", 0x020 },
	{ "peu", 0x008 }, { "peut", 0x008 }, { "più", 0x020 },
	{ "plupart", 0x008 }, { "plus", 0x008 }, { "plutôt", 0x008 },
	{ "poco", 0x024 }, { "pode", 0x080 }, { "podem", 0x080 },
	{ "poi", 0x020 }, { "pois", 0x080 }, { "por", 0x084 },
	{ "porque", 0x084 }, { "pour", 0x008 }, { "pourquoi", 0x008 },
	{ "probably", 0x002 }, { "proprio", 0x020 },
	{ "prozent", 0x001 }, { "puede", 0x004 }, { "pueden", 0x004 },
	{ "pues", 0x004 }, { "puis", 0x008 }, { "pula", 0x010 },
	{ "pun", 0x010 }, { "put", 0x002 }, { "puts", 0x002 },
	{ "qu'", 0x008 }, { "quale", 0x020 }, { "quand", 0x008 },
	{ "quando", 0x0a0 }, { "quanto", 0x020 }, { "quase", 0x080 },
	{ "quasi", 0x020 }, { "que", 0x08c }, { "quel", 0x008 },
	{ "quella", 0x020 }, { "quelle", 0x028 }, { "quelles", 0x008 },
	{ "quello", 0x020 }, { "quelques", 0x008 }, { "quels", 0x008 },
	{ "quem", 0x080 }, { "questa", 0x020 }, { "queste", 0x020 },
	{ "questo", 0x020 }, { "qui", 0x028 }, { "quien", 0x004 },
	{ "quienes", 0x004 }, { "quite", 0x002 }, { "quoi", 0x008 },
	{ "qué", 0x004 }, { "rather", 0x002 }, { "really", 0x002 },
	{ "rs", 0x002 }, { "s'", 0x008 }, { "sa", 0x008 },
	{ "saat", 0x010 }, { "sagt", 0x001 }, { "sagte", 0x001 },
	{ "said", 0x002 }, { "saja", 0x010 }, { "same", 0x002 },
	{ "sampai", 0x010 }, { "sangat", 0x010 }, { "sans", 0x008 },
	{ "saw", 0x002 }, { "say", 0x002 }, { "saya", 0x010 },
	{ "saying", 0x002 }, { "says", 0x002 },
	{ "schließlich", 0x001 }, { "schon", 0x001 }, { "se", 0x0ac },
	{ "sea", 0x004 }, { "sebagai", 0x010 }, { "sebelum", 0x010 },
	{ "sedang", 0x010 }, { "see", 0x002 }, { "seem", 0x002 },
	{ "seemed", 0x002 }, { "seems", 0x002 }, { "seen", 0x002 },
	{ "según", 0x004 }, { "sehingga", 0x010 }, { "sehr", 0x001 },
	{ "sei", 0x021 }, { "sein", 0x001 }, { "seine", 0x001 },
	{ "seinem", 0x001 }, { "seinen", 0x001 }, { "seiner", 0x001 },
	{ "seit", 0x001 }, { "sejak", 0x010 }, { "selbst", 0x001 },
	{ "selon", 0x008 }, { "sem", 0x080 }, { "sempre", 0x0a0 },
	{ "semua", 0x010 }, { "sendiri", 0x010 }, { "senza", 0x020 },
	{ "seperti", 0x010 }, { "ser", 0x084 }, { "serta", 0x010 },
	{ "ses", 0x008 }, { "set", 0x002 }, { "setelah", 0x010 },
	{ "sets", 0x002 }, { "seu", 0x080 }, { "seulement", 0x008 },
	{ "seus", 0x080 }, { "several", 0x002 }, { "shall", 0x002 },
	{ "she", 0x002 }, { "she'd", 0x002 }, { "she'll", 0x002 },
	{ "she's", 0x002 }, { "should", 0x002 },
	{ "shouldn't", 0x002 }, { "show", 0x002 }, { "si", 0x02c },
	{ "sia", 0x020 }, { "siamo", 0x020 }, { "sich", 0x001 },
	{ "sido", 0x084 }, { "sie", 0x001 }, { "siempre", 0x004 },
	{ "sin", 0x004 }, { "since", 0x002 }, { "sind", 0x001 },
	{ "sinds", 0x040 }, { "sino", 0x004 }, { "sinon", 0x008 },
	{ "so", 0x003 }, { "sobre", 0x084 }, { "sodass", 0x001 },
	{ "soit", 0x008 }, { "solche", 0x001 }, { "solchen", 0x001 },
	{ "soll", 0x001 }, { "sollen", 0x001 }, { "sollte", 0x001 },
	{ "solo", 0x024 }, { "some", 0x002 }, { "somebody", 0x002 },
	{ "someone", 0x002 }, { "something", 0x002 },
	{ "sometimes", 0x002 }, { "somewhat", 0x002 },
	{ "son", 0x00c }, { "sondern", 0x001 }, { "sono", 0x020 },
	{ "sonst", 0x001 }, { "sont", 0x008 }, { "soon", 0x002 },
	{ "sous", 0x008 }, { "sowie", 0x001 }, { "sta", 0x020 },
	{ "stanno", 0x020 }, { "stata", 0x020 }, { "stati", 0x020 },
	{ "stato", 0x020 }, { "statt", 0x001 }, { "steeds", 0x040 },
	{ "still", 0x002 }, { "su", 0x024 }, { "sua", 0x0a0 },
	{ "suas", 0x080 }, { "such", 0x002 }, { "sudah", 0x010 },
	{ "sue", 0x020 }, { "sui", 0x020 }, { "sul", 0x020 },
	{ "sull'", 0x020 }, { "sulla", 0x020 }, { "suo", 0x020 },
	{ "suoi", 0x020 }, { "supaya", 0x010 }, { "sur", 0x008 },
	{ "sure", 0x002 }, { "sus", 0x004 }, { "sí", 0x004 },
	{ "só", 0x080 }, { "sólo", 0x004 }, { "t'", 0x008 },
	{ "ta", 0x008 }, { "take", 0x002 }, { "taken", 0x002 },
	{ "tal", 0x004 }, { "también", 0x004 }, { "também", 0x080 },
	{ "tan", 0x004 }, { "tanpa", 0x010 }, { "tant", 0x008 },
	{ "tanto", 0x024 }, { "tapi", 0x010 }, { "te", 0x0cc },
	{ "tegen", 0x040 }, { "tel", 0x008 }, { "telah", 0x010 },
	{ "tell", 0x002 }, { "tem", 0x080 }, { "tentang", 0x010 },
	{ "ter", 0x080 }, { "tersebut", 0x010 }, { "tes", 0x008 },
	{ "tetapi", 0x010 }, { "than", 0x002 }, { "that", 0x002 },
	{ "that's", 0x002 }, { "the", 0x002 }, { "their", 0x002 },
	{ "theirs", 0x002 }, { "them", 0x002 },
	{ "themselves", 0x002 }, { "then", 0x002 }, { "there", 0x002 },
	{ "there's", 0x002 }, { "thereby", 0x002 },
	{ "therefore", 0x002 }, { "these", 0x002 }, { "they", 0x002 },
	{ "they'd", 0x002 }, { "they'll", 0x002 },
	{ "they're", 0x002 }, { "they've", 0x002 }, { "thing", 0x002 },
	{ "things", 0x002 }, { "think", 0x002 }, { "this", 0x002 },
	{ "those", 0x002 }, { "though", 0x002 }, { "thought", 0x002 },
	{ "thousand", 0x002 }, { "three", 0x002 },
	{ "through", 0x002 }, { "throughout", 0x002 },
	{ "thus", 0x002 }, { "tidak", 0x010 }, { "tiene", 0x004 },
	{ "tienen", 0x004 }, { "time", 0x002 }, { "times", 0x002 },
	{ "to", 0x002 }, { "toch", 0x040 }, { "toda", 0x084 },
	{ "todas", 0x084 }, { "today", 0x002 }, { "todo", 0x084 },
	{ "todos", 0x084 }, { "toen", 0x040 }, { "together", 0x002 },
	{ "toi", 0x008 }, { "told", 0x002 }, { "tomorrow", 0x002 },
	{ "ton", 0x008 }, { "tonight", 0x002 }, { "too", 0x002 },
	{ "took", 0x002 }, { "tot", 0x040 }, { "toujours", 0x008 },
	{ "tous", 0x008 }, { "tout", 0x008 }, { "toute", 0x008 },
	{ "toutes", 0x008 }, { "toward", 0x002 }, { "towards", 0x002 },
	{ "tra", 0x020 }, { "tras", 0x004 }, { "tried", 0x002 },
	{ "tries", 0x002 }, { "trop", 0x008 }, { "trotz", 0x001 },
	{ "try", 0x002 }, { "trying", 0x002 }, { "très", 0x008 },
	{ "tu", 0x02c }, { "tudo", 0x080 }, { "tussen", 0x040 },
	{ "tutta", 0x020 }, { "tutte", 0x020 }, { "tutti", 0x020 },
	{ "tutto", 0x020 }, { "two", 0x002 }, { "têm", 0x080 },
	{ "tú", 0x004 }, { "u", 0x040 }, { "uit", 0x040 },
	{ "um", 0x081 }, { "uma", 0x080 }, { "umas", 0x080 },
	{ "un", 0x02c }, { "un'", 0x020 }, { "una", 0x024 },
	{ "und", 0x001 }, { "under", 0x002 }, { "une", 0x008 },
	{ "unless", 0x002 }, { "unlike", 0x002 }, { "uno", 0x024 },
	{ "unos", 0x004 }, { "uns", 0x081 }, { "unser", 0x001 },
	{ "unsere", 0x001 }, { "unter", 0x001 }, { "until", 0x002 },
	{ "untuk", 0x010 }, { "up", 0x002 }, { "upon", 0x002 },
	{ "us", 0x002 }, { "use", 0x002 }, { "used", 0x002 },
	{ "uses", 0x002 }, { "using", 0x002 }, { "vai", 0x080 },
	{ "van", 0x040 }, { "veel", 0x040 }, { "vers", 0x008 },
	{ "very", 0x002 }, { "vez", 0x084 }, { "vi", 0x020 },
	{ "via", 0x002 }, { "viel", 0x001 }, { "viele", 0x001 },
	{ "vielleicht", 0x001 }, { "você", 0x080 }, { "vocês", 0x080 },
	{ "voir", 0x008 }, { "volgens", 0x040 }, { "vom", 0x001 },
	{ "von", 0x001 }, { "vont", 0x008 }, { "voor", 0x040 },
	{ "vor", 0x001 }, { "vos", 0x008 }, { "votre", 0x008 },
	{ "vous", 0x008 }, { "vão", 0x080 }, { "waar", 0x040 },
	{ "waarom", 0x040 }, { "walau", 0x010 }, { "wann", 0x001 },
	{ "wanneer", 0x040 }, { "want", 0x042 }, { "wanted", 0x002 },
	{ "wants", 0x002 }, { "war", 0x001 }, { "waren", 0x001 },
	{ "warum", 0x001 }, { "was", 0x043 }, { "wasn't", 0x002 },
	{ "wat", 0x040 }, { "way", 0x002 }, { "ways", 0x002 },
	{ "we", 0x042 }, { "we'd", 0x002 }, { "we'll", 0x002 },
	{ "we're", 0x002 }, { "we've", 0x002 }, { "week", 0x002 },
	{ "weeks", 0x002 }, { "weer", 0x040 }, { "wegen", 0x001 },
	{ "weil", 0x001 }, { "weiter", 0x001 }, { "weitere", 0x001 },
	{ "wel", 0x040 }, { "welche", 0x001 }, { "welchem", 0x001 },
	{ "welchen", 0x001 }, { "welcher", 0x001 },
	{ "welches", 0x001 }, { "well", 0x002 }, { "wenig", 0x001 },
	{ "wenn", 0x001 }, { "went", 0x002 }, { "wer", 0x001 },
	{ "werd", 0x040 }, { "werde", 0x001 }, { "werden", 0x041 },
	{ "were", 0x002 }, { "weren't", 0x002 }, { "what", 0x002 },
	{ "what's", 0x002 }, { "whatever", 0x002 }, { "when", 0x002 },
	{ "whenever", 0x002 }, { "where", 0x002 },
	{ "whereas", 0x002 }, { "whether", 0x002 }, { "which", 0x002 },
	{ "while", 0x002 }, { "who", 0x002 }, { "who's", 0x002 },
	{ "whoever", 0x002 }, { "whole", 0x002 }, { "whom", 0x002 },
	{ "whose", 0x002 }, { "why", 0x002 }, { "wie", 0x041 },
	{ "wieder", 0x001 }, { "wij", 0x040 }, { "wil", 0x040 },
	{ "will", 0x003 }, { "wir", 0x001 }, { "wird", 0x001 },
	{ "with", 0x002 }, { "within", 0x002 }, { "without", 0x002 },
	{ "wo", 0x001 }, { "wohl", 0x001 }, { "wollen", 0x001 },
	{ "won't", 0x002 }, { "worden", 0x041 }, { "wordt", 0x040 },
	{ "would", 0x002 }, { "wouldn't", 0x002 }, { "wurde", 0x001 },
	{ "wurden", 0x001 }, { "würde", 0x001 }, { "y", 0x00c },
	{ "ya", 0x004 }, { "yaitu", 0x010 }, { "yakni", 0x010 },
	{ "yang", 0x010 }, { "yeah", 0x002 }, { "year", 0x002 },
	{ "years", 0x002 }, { "yes", 0x002 }, { "yesterday", 0x002 },
	{ "yet", 0x002 }, { "yg", 0x010 }, { "yo", 0x004 },
	{ "you", 0x002 }, { "you'd", 0x002 }, { "you'll", 0x002 },
	{ "you're", 0x002 }, { "you've", 0x002 }, { "your", 0x002 },
	{ "yours", 0x002 }, { "yourself", 0x002 },
	{ "yourselves", 0x002 }, { "zal", 0x040 }, { "ze", 0x040 },
	{ "zeer", 0x040 }, { "zelf", 0x040 }, { "zelfs", 0x040 },
	{ "zich", 0x040 }, { "zij", 0x040 }, { "zijn", 0x040 },
	{ "zo", 0x040 }, { "zonder", 0x040 }, { "zou", 0x040 },
	{ "zu", 0x001 }, { "zudem", 0x001 }, { "zullen", 0x040 },
	{ "zum", 0x001 }, { "zunächst", 0x001 }, { "zur", 0x001 },
	{ "zwar", 0x001 }, { "zwei", 0x001 }, { "zwischen", 0x001 },
	{ "à", 0x008 }, { "ça", 0x008 }, { "è", 0x020 },
	{ "é", 0x080 }, { "étaient", 0x008 }, { "était", 0x008 },
	{ "été", 0x008 }, { "être", 0x008 }, { "über", 0x001 },
	{ "а", 0x100 }, { "без", 0x100 }, { "более", 0x100 },
	{ "будет", 0x100 }, { "будут", 0x100 }, { "бы", 0x100 },
	{ "был", 0x100 }, { "была", 0x100 }, { "были", 0x100 },
	{ "было", 0x100 }, { "быть", 0x100 }, { "в", 0x100 },
	{ "вам", 0x100 }, { "вас", 0x100 }, { "весь", 0x100 },
	{ "во", 0x100 }, { "вот", 0x100 }, { "все", 0x100 },
	{ "всего", 0x100 }, { "всех", 0x100 }, { "вся", 0x100 },
	{ "всё", 0x100 }, { "вы", 0x100 }, { "где", 0x100 },
	{ "да", 0x100 }, { "даже", 0x100 }, { "для", 0x100 },
	{ "до", 0x100 }, { "его", 0x100 }, { "ее", 0x100 },
	{ "если", 0x100 }, { "есть", 0x100 }, { "еще", 0x100 },
	{ "ещё", 0x100 }, { "её", 0x100 }, { "же", 0x100 },
	{ "за", 0x100 }, { "здесь", 0x100 }, { "и", 0x100 },
	{ "из", 0x100 }, { "или", 0x100 }, { "им", 0x100 },
	{ "их", 0x100 }, { "к", 0x100 }, { "как", 0x100 },
	{ "когда", 0x100 }, { "которая", 0x100 }, { "которое", 0x100 },
	{ "которые", 0x100 }, { "который", 0x100 },
	{ "которых", 0x100 }, { "кто", 0x100 }, { "ли", 0x100 },
	{ "либо", 0x100 }, { "между", 0x100 }, { "менее", 0x100 },
	{ "меня", 0x100 }, { "мне", 0x100 }, { "может", 0x100 },
	{ "можно", 0x100 }, { "мы", 0x100 }, { "на", 0x100 },
	{ "над", 0x100 }, { "надо", 0x100 }, { "наш", 0x100 },
	{ "не", 0x100 }, { "него", 0x100 }, { "нее", 0x100 },
	{ "нет", 0x100 }, { "неё", 0x100 }, { "ни", 0x100 },
	{ "них", 0x100 }, { "но", 0x100 }, { "ну", 0x100 },
	{ "нужно", 0x100 }, { "о", 0x100 }, { "об", 0x100 },
	{ "однако", 0x100 }, { "он", 0x100 }, { "она", 0x100 },
	{ "они", 0x100 }, { "оно", 0x100 }, { "от", 0x100 },
	{ "очень", 0x100 }, { "по", 0x100 }, { "под", 0x100 },
	{ "после", 0x100 }, { "при", 0x100 }, { "про", 0x100 },
	{ "с", 0x100 }, { "сам", 0x100 }, { "сама", 0x100 },
	{ "своей", 0x100 }, { "своих", 0x100 }, { "свой", 0x100 },
	{ "себя", 0x100 }, { "со", 0x100 }, { "так", 0x100 },
	{ "также", 0x100 }, { "такой", 0x100 }, { "там", 0x100 },
	{ "те", 0x100 }, { "тем", 0x100 }, { "то", 0x100 },
	{ "того", 0x100 }, { "тоже", 0x100 }, { "только", 0x100 },
	{ "том", 0x100 }, { "ты", 0x100 }, { "у", 0x100 },
	{ "уже", 0x100 }, { "хотя", 0x100 }, { "чего", 0x100 },
	{ "чем", 0x100 }, { "через", 0x100 }, { "что", 0x100 },
	{ "чтобы", 0x100 }, { "эта", 0x100 }, { "эти", 0x100 },
	{ "это", 0x100 }, { "этого", 0x100 }, { "этой", 0x100 },
	{ "этом", 0x100 }, { "этот", 0x100 }, { "я", 0x100 },
	{ "آن", 0x400 }, { "آنها", 0x400 }, { "آنکه", 0x400 },
	{ "آپ", 0x1000 }, { "أن", 0x200 }, { "أنا", 0x200 }, { "أنت", 0x200 },
	{ "أو", 0x200 }, { "أي", 0x200 }, { "أيضا", 0x200 }, { "إذا", 0x200 },
	{ "إلا", 0x200 }, { "إلى", 0x200 }, { "إن", 0x200 }, { "اب", 0x1000 },
	{ "اذا", 0x200 }, { "از", 0x400 }, { "اس", 0x1000 }, { "است", 0x400 },
	{ "الا", 0x200 }, { "التي", 0x200 }, { "الذي", 0x200 },
	{ "الذين", 0x200 }, { "الى", 0x200 }, { "اما", 0x400 },
	{ "ان", 0x1200 }, { "انا", 0x200 }, { "انت", 0x200 }, { "اند", 0x400 },
	{ "او", 0x600 }, { "اور", 0x1000 }, { "اي", 0x200 }, { "ايضا", 0x200 },
	{ "اپنا", 0x1000 }, { "اپنی", 0x1000 }, { "اپنے", 0x1000 },
	{ "اگر", 0x1400 }, { "ای", 0x400 }, { "ایشان", 0x400 },
	{ "این", 0x400 }, { "ایک", 0x1000 }, { "با", 0x400 },
	{ "باشد", 0x400 }, { "بر", 0x400 }, { "برای", 0x400 },
	{ "بعد", 0x1600 }, { "بعض", 0x200 }, { "بل", 0x200 }, { "به", 0x600 },
	{ "بها", 0x200 }, { "بود", 0x400 }, { "بوده", 0x400 },
	{ "بين", 0x200 }, { "بھی", 0x1000 }, { "بین", 0x400 }, { "تا", 0x400 },
	{ "تكون", 0x200 }, { "تلك", 0x200 }, { "تو", 0x1400 },
	{ "تک", 0x1000 }, { "تھا", 0x1000 }, { "تھی", 0x1000 },
	{ "تھے", 0x1000 }, { "ثم", 0x200 }, { "جب", 0x1000 }, { "جو", 0x1000 },
	{ "حتى", 0x200 }, { "حيث", 0x200 }, { "خلال", 0x200 },
	{ "خواهد", 0x400 }, { "خود", 0x400 }, { "دارد", 0x400 },
	{ "داشت", 0x400 }, { "در", 0x400 }, { "دیگر", 0x400 },
	{ "ذلك", 0x200 }, { "را", 0x400 }, { "روی", 0x400 }, { "رہا", 0x1000 },
	{ "رہی", 0x1000 }, { "رہے", 0x1000 }, { "زیر", 0x400 },
	{ "ساتھ", 0x1000 }, { "سب", 0x1000 }, { "سے", 0x1000 },
	{ "شد", 0x400 }, { "شده", 0x400 }, { "شما", 0x400 }, { "شود", 0x400 },
	{ "على", 0x200 }, { "عليه", 0x200 }, { "عليها", 0x200 },
	{ "عن", 0x200 }, { "عند", 0x200 }, { "غير", 0x200 }, { "فقد", 0x200 },
	{ "في", 0x200 }, { "فيه", 0x200 }, { "فيها", 0x200 }, { "قال", 0x200 },
	{ "قبل", 0x600 }, { "قد", 0x200 }, { "كان", 0x200 }, { "كانت", 0x200 },
	{ "كل", 0x200 }, { "كما", 0x200 }, { "لئے", 0x1000 }, { "لا", 0x200 },
	{ "لكن", 0x200 }, { "لم", 0x200 }, { "لن", 0x200 }, { "له", 0x200 },
	{ "لها", 0x200 }, { "لیکن", 0x1000 }, { "لیے", 0x1000 },
	{ "ما", 0x600 }, { "مع", 0x200 }, { "من", 0x600 }, { "منذ", 0x200 },
	{ "منه", 0x200 }, { "منها", 0x200 }, { "می", 0x400 },
	{ "میں", 0x1000 }, { "نحن", 0x200 }, { "نمی", 0x400 },
	{ "نہ", 0x1000 }, { "نہیں", 0x1000 }, { "نیز", 0x400 },
	{ "نیست", 0x400 }, { "نے", 0x1000 }, { "ها", 0x400 }, { "های", 0x400 },
	{ "هذا", 0x200 }, { "هذه", 0x200 }, { "هر", 0x400 }, { "هست", 0x400 },
	{ "هم", 0x600 }, { "همان", 0x400 }, { "همه", 0x400 },
	{ "همین", 0x400 }, { "هن", 0x200 }, { "هنا", 0x200 },
	{ "هناك", 0x200 }, { "هو", 0x200 }, { "هي", 0x200 }, { "هیچ", 0x400 },
	{ "و", 0x600 }, { "وأن", 0x200 }, { "والی", 0x1000 },
	{ "والے", 0x1000 }, { "وفي", 0x200 }, { "وقال", 0x200 },
	{ "وقد", 0x200 }, { "وكان", 0x200 }, { "ولا", 0x200 },
	{ "ولی", 0x400 }, { "وما", 0x200 }, { "ومن", 0x200 }, { "وهو", 0x200 },
	{ "وهي", 0x200 }, { "وہ", 0x1000 }, { "وی", 0x400 }, { "يا", 0x200 },
	{ "يكون", 0x200 }, { "پر", 0x1000 }, { "پس", 0x400 },
	{ "پھر", 0x1000 }, { "پہلے", 0x1000 }, { "پیش", 0x400 },
	{ "چرا", 0x400 }, { "چند", 0x400 }, { "چنین", 0x400 }, { "چه", 0x400 },
	{ "چون", 0x400 }, { "کا", 0x1000 }, { "کجا", 0x400 }, { "کر", 0x1000 },
	{ "کرد", 0x400 }, { "کرده", 0x400 }, { "کرنے", 0x1000 },
	{ "کند", 0x400 }, { "کنند", 0x400 }, { "کنید", 0x400 },
	{ "که", 0x400 }, { "کو", 0x1000 }, { "کوئی", 0x1000 },
	{ "کچھ", 0x1000 }, { "کہ", 0x1000 }, { "کہا", 0x1000 },
	{ "کی", 0x1000 }, { "کیا", 0x1000 }, { "کے", 0x1000 },
	{ "گئی", 0x1000 }, { "گئے", 0x1000 }, { "گفت", 0x400 },
	{ "گیا", 0x1000 }, { "ہم", 0x1000 }, { "ہو", 0x1000 },
	{ "ہوئی", 0x1000 }, { "ہوئے", 0x1000 }, { "ہوا", 0x1000 },
	{ "ہی", 0x1000 }, { "ہیں", 0x1000 }, { "ہے", 0x1000 },
	{ "یا", 0x1400 }, { "یک", 0x400 }, { "یہ", 0x1000 }, { "अगर", 0x800 },
	{ "अपना", 0x800 }, { "अपनी", 0x800 }, { "अपने", 0x800 },
	{ "अब", 0x800 }, { "आप", 0x800 }, { "इन", 0x800 }, { "इस", 0x800 },
	{ "इसकी", 0x800 }, { "इसके", 0x800 }, { "उन", 0x800 }, { "उस", 0x800 },
	{ "उसकी", 0x800 }, { "उसके", 0x800 }, { "एक", 0x800 }, { "और", 0x800 },
	{ "कर", 0x800 }, { "करते", 0x800 }, { "करने", 0x800 },
	{ "कहा", 0x800 }, { "का", 0x800 }, { "कि", 0x800 }, { "किया", 0x800 },
	{ "की", 0x800 }, { "कुछ", 0x800 }, { "के", 0x800 }, { "को", 0x800 },
	{ "कोई", 0x800 }, { "क्या", 0x800 }, { "गई", 0x800 }, { "गए", 0x800 },
	{ "गया", 0x800 }, { "जब", 0x800 }, { "जैसे", 0x800 }, { "जो", 0x800 },
	{ "तक", 0x800 }, { "तब", 0x800 }, { "तुम", 0x800 }, { "तो", 0x800 },
	{ "था", 0x800 }, { "थी", 0x800 }, { "थे", 0x800 }, { "द्वारा", 0x800 },
	{ "न", 0x800 }, { "नहीं", 0x800 }, { "ने", 0x800 }, { "पर", 0x800 },
	{ "पहले", 0x800 }, { "फिर", 0x800 }, { "बाद", 0x800 }, { "भी", 0x800 },
	{ "में", 0x800 }, { "मैं", 0x800 }, { "यह", 0x800 }, { "यहाँ", 0x800 },
	{ "या", 0x800 }, { "ये", 0x800 }, { "रहा", 0x800 }, { "रही", 0x800 },
	{ "रहे", 0x800 }, { "लिए", 0x800 }, { "लेकिन", 0x800 },
	{ "वह", 0x800 }, { "वहाँ", 0x800 }, { "वे", 0x800 }, { "सब", 0x800 },
	{ "साथ", 0x800 }, { "से", 0x800 }, { "हम", 0x800 }, { "ही", 0x800 },
	{ "है", 0x800 }, { "हैं", 0x800 }, { "हो", 0x800 }, { "होता", 0x800 },
	{ "होती", 0x800 }, { "होते", 0x800 }, { "होने", 0x800 },
};

/* Prefixes that French and Italian elide before a vowel. */
static const char *const elisions[] = {
	"all'", "c'", "d'", "dall'", "dell'", "j'", "jusqu'", "l'",
	"lorsqu'", "m'", "n'", "nell'", "qu'", "s'", "sull'", "t'", "un'"
};

/* Scan at most this much text for a language guess. */
#define DETECT_BYTES	16384
#define WORD_MAX	64

/* Ranges of upper-case letters that map by a fixed step. */
uint32_t
tq_lang_lower(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	if (c < 0x100)
		return c >= 0xc0 && c <= 0xde && c != 0xd7 ? c + 32 : c;
	if (c < 0x180) {
		if (c == 0x130)
			return 'i';
		if (c == 0x178)
			return 0xff;
		if ((c < 0x138 || (c >= 0x14a && c < 0x178)) && c % 2 == 0)
			return c + 1;
		if (((c >= 0x139 && c < 0x149) || (c >= 0x179 &&
		    c < 0x17f)) && c % 2 == 1)
			return c + 1;
		return c;
	}
	if (c >= 0x1cd && c <= 0x1dc)
		return c % 2 == 1 ? c + 1 : c;
	if ((c >= 0x1de && c <= 0x1ef) || (c >= 0x1f8 && c <= 0x21f) ||
	    (c >= 0x222 && c <= 0x233))
		return c % 2 == 0 ? c + 1 : c;
	if (c >= 0x370 && c < 0x400) {
		if (c >= 0x391 && c <= 0x3ab && c != 0x3a2)
			return c + 32;
		if (c == 0x386)
			return 0x3ac;
		if (c >= 0x388 && c <= 0x38a)
			return c + 37;
		if (c == 0x38c)
			return 0x3cc;
		if (c == 0x38e || c == 0x38f)
			return c + 63;
		return c;
	}
	if (c >= 0x400 && c < 0x530) {
		if (c >= 0x410 && c <= 0x42f)
			return c + 32;
		if (c < 0x410)
			return c + 80;
		if (((c >= 0x460 && c <= 0x481) || (c >= 0x48a && c <= 0x4bf) ||
		    (c >= 0x4d0 && c <= 0x52f)) && c % 2 == 0)
			return c + 1;
		if (c >= 0x4c1 && c <= 0x4ce && c % 2 == 1)
			return c + 1;
		return c;
	}
	if (c >= 0x531 && c <= 0x556)
		return c + 48;
	if (c >= 0x1e00 && c <= 0x1eff && !(c >= 0x1e96 && c <= 0x1e9f))
		return c % 2 == 0 ? c + 1 : c;
	if (c >= 0xff21 && c <= 0xff3a)
		return c + 32;
	return c;
}

int
tq_lang_case(uint32_t c)
{
	static const uint32_t steps[] = { 1, 32, 37, 48, 63, 80 };
	size_t i;

	if (tq_lang_lower(c) != c)
		return 1;
	if (c < 0x80)
		return c >= 'a' && c <= 'z' ? -1 : 0;
	if (c == 0xdf || c == 0xff || c == 0x138 || c == 0x149 ||
	    c == 0x17f || c == 0x3c2 || c == 0x3ac || c == 0x3cc)
		return -1;
	for (i = 0; i < NITEMS(steps); i++)
		if (c > steps[i] && tq_lang_lower(c - steps[i]) == c)
			return -1;
	return 0;
}

int
tq_lang_isword(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z');
	if (c < 0xc0)
		return c == 0xaa || c == 0xb5 || c == 0xba;
	if (c == 0xd7 || c == 0xf7)
		return 0;
	if (c < 0x370)
		return 1;
	switch (c) {
	case 0x37e: case 0x387: case 0x589: case 0x5be: case 0x5c0:
	case 0x5c3: case 0x5f3: case 0x5f4: case 0x60c: case 0x60d:
	case 0x61b: case 0x61f: case 0x6d4: case 0x964: case 0x965:
	case 0x970: case 0xe4f: case 0xe5a: case 0xe5b: case 0x10fb:
	case 0x1680: case 0x3000: case 0xfeff: case 0xfffd:
		return 0;
	}
	if (c >= 0x55a && c <= 0x55f)
		return 0;
	if (c >= 0x66a && c <= 0x66d)
		return 0;
	if (c >= 0x1360 && c <= 0x1368)
		return 0;
	if (c < 0x2000)
		return 1;
	if (c < 0x2c00)			/* punctuation, symbols, arrows */
		return 0;
	if (c < 0x2e00)
		return 1;
	if (c < 0x2e80)
		return 0;
	if (c < 0x3000)
		return 1;
	if (c < 0x3040)			/* CJK punctuation */
		return c == 0x3005 || c == 0x3006 ||
		    (c >= 0x3031 && c <= 0x3035);
	if (c < 0xe000)
		return 1;
	if (c < 0xf900)			/* private use */
		return 0;
	if (c < 0xfe00)
		return !(c == 0xfd3e || c == 0xfd3f);
	if (c < 0xfe10)
		return 1;
	if (c < 0xfe70)
		return 0;
	if (c < 0xff00)
		return 1;
	if (c < 0xfff0)
		return (c >= 0xff10 && c <= 0xff19) ||
		    (c >= 0xff21 && c <= 0xff3a) ||
		    (c >= 0xff41 && c <= 0xff5a) ||
		    (c >= 0xff66 && c <= 0xffdc);
	if (c < 0x10000)
		return 0;
	if (c >= 0x1f000 && c < 0x1fb00)	/* emoji and pictographs */
		return 0;
	return c < 0xe0000;
}

static int
lang_bit(const char *lang)
{
	size_t i;

	if (lang == NULL)
		return -1;
	for (i = 0; i < NLANGS; i++)
		if (strcmp(langs[i], lang) == 0)
			return i;
	return -1;
}

static const struct stopword *
lookup(const char *w, size_t len)
{
	size_t lo = 0, hi = NITEMS(stopwords), mid;
	int r;

	if (len == 0 || len > 24)
		return NULL;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((r = strncmp(w, stopwords[mid].w, len)) == 0)
			r = stopwords[mid].w[len] == '\0' ? 0 : -1;
		if (r == 0)
			return &stopwords[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * Persian and Urdu text written with Arabic's yeh and kaf (older
 * Persian sites do) as with their own, which the lists have: w in buf
 * so spelt, NULL if it holds neither or is too long.
 */
static const char *
persian_spelling(const char *w, size_t len, char *buf, size_t bufsz)
{
	size_t i;
	int changed = 0;

	if (len >= bufsz)
		return NULL;
	memcpy(buf, w, len);
	for (i = 0; i + 1 < len; i++)
		if ((unsigned char)buf[i] == 0xd9 &&
		    (unsigned char)buf[i + 1] == 0x8a) {
			buf[i] = (char)0xdb;		/* U+064A -> U+06CC */
			buf[++i] = (char)0x8c;
			changed = 1;
		} else if ((unsigned char)buf[i] == 0xd9 &&
		    (unsigned char)buf[i + 1] == 0x83) {
			buf[i] = (char)0xda;		/* U+0643 -> U+06A9 */
			buf[++i] = (char)0xa9;
			changed = 1;
		}
	return changed ? buf : NULL;
}

int
tq_lang_stopword(const char *lang, const char *w, size_t len)
{
	const struct stopword *sw;
	const char *p;
	char buf[WORD_MAX + 8];
	int b;

	if ((b = lang_bit(lang)) < 0)
		return 0;
	if ((b == FA_BIT || b == UR_BIT) && (p = persian_spelling(w, len,
	    buf, sizeof(buf))) != NULL)
		w = p;
	if ((sw = lookup(w, len)) == NULL)
		return 0;
	return (sw->langs >> b) & 1;
}

const char *
tq_lang_stopword_at(const char *lang, size_t i)
{
	size_t k;
	int b;

	if ((b = lang_bit(lang)) < 0)
		return NULL;
	for (k = 0; k < NITEMS(stopwords); k++)
		if (((stopwords[k].langs >> b) & 1) && i-- == 0)
			return stopwords[k].w;
	return NULL;
}

size_t
tq_lang_elision(const char *w, size_t len)
{
	size_t i, n;

	for (i = 0; i < NITEMS(elisions); i++) {
		n = strlen(elisions[i]);
		if (len > n + 1 && memcmp(w, elisions[i], n) == 0)
			return n;
	}
	return 0;
}

enum script {
	SC_LATIN, SC_CYRILLIC, SC_GREEK, SC_ARMENIAN, SC_HEBREW, SC_ARABIC,
	SC_DEVANAGARI, SC_THAI, SC_GEORGIAN, SC_HANGUL, SC_KANA, SC_HAN,
	SC_OTHER, NSCRIPTS
};

static enum script
script(uint32_t c)
{
	if (c < 0x250 || (c >= 0x1e00 && c <= 0x1eff))
		return SC_LATIN;
	if (c >= 0x370 && c < 0x400)
		return SC_GREEK;
	if (c >= 0x1f00 && c < 0x2000)
		return SC_GREEK;
	if (c >= 0x400 && c < 0x530)
		return SC_CYRILLIC;
	if (c >= 0x531 && c < 0x590)
		return SC_ARMENIAN;
	if (c >= 0x590 && c < 0x600)
		return SC_HEBREW;
	if ((c >= 0x600 && c < 0x700) || (c >= 0x750 && c < 0x780) ||
	    (c >= 0xfb50 && c < 0xfe00) || (c >= 0xfe70 && c < 0xff00))
		return SC_ARABIC;
	if (c >= 0x900 && c < 0x980)
		return SC_DEVANAGARI;
	if (c >= 0xe00 && c < 0xe80)
		return SC_THAI;
	if (c >= 0x10a0 && c < 0x1100)
		return SC_GEORGIAN;
	if ((c >= 0x1100 && c < 0x1200) || (c >= 0x3130 && c < 0x3190) ||
	    (c >= 0xac00 && c < 0xd7b0))
		return SC_HANGUL;
	if ((c >= 0x3040 && c < 0x3100) || (c >= 0x31f0 && c < 0x3200) ||
	    (c >= 0xff66 && c < 0xffa0))
		return SC_KANA;
	if ((c >= 0x3400 && c < 0x4dc0) || (c >= 0x4e00 && c < 0xa000) ||
	    (c >= 0xf900 && c < 0xfb00) || (c >= 0x20000 && c < 0x30000))
		return SC_HAN;
	return SC_OTHER;
}

/* Credit each list that holds the word with 1/k, k lists holding it. */
static void
score_word(const char *w, size_t len, double *score)
{
	const struct stopword *sw;
	size_t i;
	int k;

	if ((sw = lookup(w, len)) == NULL)
		return;
	k = __builtin_popcount(sw->langs);
	for (i = 0; i < NLANGS; i++)
		if ((sw->langs >> i) & 1)
			score[i] += 1.0 / k;
}

static int
apostrophe(uint32_t c)
{
	return c == '\'' || c == 0x2019 || c == 0x2bc;
}

/* The language of the lists in mask (bits) whose words the text has. */
static const char *
pick(const double *score, long ntok, unsigned mask)
{
	size_t i, best = NLANGS, second = NLANGS;

	for (i = 0; i < NLANGS; i++) {
		if (!((mask >> i) & 1))
			continue;
		if (best == NLANGS || score[i] > score[best]) {
			second = best;
			best = i;
		} else if (second == NLANGS || score[i] > score[second])
			second = i;
	}
	if (best == NLANGS || score[best] < 1.5 ||
	    score[best] < 0.06 * (double)ntok)
		return "und";
	if (second != NLANGS && score[best] < 1.25 * score[second])
		return "und";
	return langs[best];
}

/*
 * Which language of the Arabic script, by the letters it alone of
 * them uses: Urdu's retroflex letters, heh goal and yeh barree; the
 * Persian spellings (keheh, Farsi yeh) that Urdu has too; Arabic's
 * yeh, kaf and teh marbuta.  The letters Arabic has not (pe, che, zhe,
 * gaf) are Persian's whatever the yeh and kaf (older Persian text
 * writes Arabic's): NLANGS counts them.
 */
static int
arabic_letter(uint32_t c)
{
	switch (c) {
	case 0x679: case 0x688: case 0x691: case 0x6ba: case 0x6be:
	case 0x6c1: case 0x6d2:
		return UR_BIT;
	case 0x67e: case 0x686: case 0x698: case 0x6af:
		return NLANGS;
	case 0x6a9: case 0x6cc:
		return FA_BIT;
	case 0x629: case 0x643: case 0x64a:
		return AR_BIT;
	}
	return -1;
}

const char *
tq_lang_detect(const char *text)
{
	long sc[NSCRIPTS] = { 0 }, letters = 0, ntok = 0, kanahan;
	long arl[NLANGS + 1] = { 0 };
	double score[NLANGS] = { 0 };
	char w[WORD_MAX + 8];
	size_t i, n, len, wl, e;
	uint32_t c, d;
	int inword = 0, over = 0;

	if (text == NULL)
		return "und";
	len = strlen(text);
	if (len > DETECT_BYTES)
		len = DETECT_BYTES;
	for (i = 0, wl = 0; i <= len; i += n) {
		n = i < len ? tq_utf8_decode(text + i, len - i, &c) : 1;
		if (i == len)
			c = ' ';
		if (tq_lang_isword(c)) {
			if (tq_lang_case(c) != 0 || c > 0x7f ||
			    (c >= 'a' && c <= 'z')) {
				sc[script(c)]++;
				letters++;
				if (arabic_letter(c) >= 0)
					arl[arabic_letter(c)]++;
			}
			if (wl + 4 <= WORD_MAX)
				wl += tq_utf8_encode(tq_lang_lower(c),
				    w + wl);
			else
				over = 1;
			inword = 1;
			continue;
		}
		if (inword && apostrophe(c) && i + n < len) {
			tq_utf8_decode(text + i + n, len - i - n, &d);
			if (tq_lang_isword(d) && wl + 1 <= WORD_MAX) {
				w[wl++] = '\'';
				continue;
			}
		}
		if (inword && !over) {
			ntok++;
			if ((e = tq_lang_elision(w, wl)) > 0) {
				score_word(w, e, score);
				score_word(w + e, wl - e, score);
			} else
				score_word(w, wl, score);
		}
		inword = over = 0;
		wl = 0;
	}
	if (letters == 0)
		return "und";
	if (sc[SC_LATIN] * 2 >= letters)
		return pick(score, ntok, LATIN_LANGS);
	if (sc[SC_CYRILLIC] * 2 >= letters)
		return pick(score, ntok, 1u << RU_BIT);
	/*
	 * Devanagari is Hindi's, Marathi's and Nepali's, the Arabic script
	 * Arabic's, Persian's, Urdu's and others': the letters name one
	 * and its function words must agree, else "und"
	 */
	if (sc[SC_DEVANAGARI] * 2 >= letters)
		return pick(score, ntok, 1u << HI_BIT);
	if (sc[SC_ARABIC] * 2 >= letters) {
		if (arl[UR_BIT] * 50 >= sc[SC_ARABIC])
			return pick(score, ntok, 1u << UR_BIT);
		return pick(score, ntok, arl[NLANGS] * 200 >= sc[SC_ARABIC] ||
		    arl[FA_BIT] > arl[AR_BIT] ? 1u << FA_BIT : 1u << AR_BIT);
	}
	kanahan = sc[SC_KANA] + sc[SC_HAN];
	if (sc[SC_HANGUL] * 10 >= letters * 3)
		return "ko";
	if (kanahan * 2 >= letters)
		return sc[SC_KANA] * 10 >= kanahan ? "ja" : "zh";
	if (sc[SC_GREEK] * 2 >= letters)
		return "el";
	if (sc[SC_HEBREW] * 2 >= letters)
		return "he";
	if (sc[SC_THAI] * 2 >= letters)
		return "th";
	if (sc[SC_ARMENIAN] * 2 >= letters)
		return "hy";
	if (sc[SC_GEORGIAN] * 2 >= letters)
		return "ka";
	return "und";
}
