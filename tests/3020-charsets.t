#!/bin/sh
# 3020-charsets: pages in the charsets of the world, fetched from the
# local site and parsed by a worker: said in the header, in <meta
# charset>, in <meta http-equiv>, by a BOM; the text stored is the
# sample in UTF-8 (compared in NFC: windows-1258 writes a tone mark as
# its own character, which iconv composes).
. "$(dirname "$0")/lib.sh"
need python3 python3
cs="windows-1251 koi8-r iso-8859-2 windows-1256 iso-8859-8 shift_jis euc-jp iso-2022-jp euc-kr gbk gb18030 big5 tis-620 windows-1258 utf-8"
n=0
for c in $cs; do n=$((n + 3)); done
plan $((n + 9))
start_redis
start_pg
start_httpd

urls=
for c in $cs; do
	for via in header meta http-equiv; do
		urls="$urls $HTTP/t/charset/$c?via=$via"
	done
done
for c in utf-16le utf-16be; do
	urls="$urls $HTTP/t/charset/$c?via=bom $HTTP/t/charset/$c?via=header"
done
tq-submit parse $urls >"$out"
task=$(jq -r .task_id "$out")
tq-worker -b -Q parsing-queue >>"$tmp/worker.log" 2>&1
check "all parsed" tq-wait -t 60 "$task"
check_same "none failed" "$(jq -r .failed_items "$out")" 0
psqlc "SELECT l.url || ' ' || p.charset || ' ' || encode(convert_to(p.content, 'UTF8'), 'hex') FROM parsed_contents p JOIN links l ON l.id = p.link_id" >"$tmp/got"
/usr/bin/python3 - "$TQ_TOP/tests" "$tmp/got" >"$tmp/res" <<'PY'
import sys, unicodedata, urllib.parse
sys.path.insert(0, sys.argv[1])
from httpd import SAMPLES
for line in open(sys.argv[2]):
    url, used, hexed = line.split()
    u = urllib.parse.urlsplit(url)
    name = u.path.rsplit("/", 1)[1]
    via = urllib.parse.parse_qs(u.query)["via"][0]
    text = unicodedata.normalize("NFC", bytes.fromhex(hexed).decode())
    want = unicodedata.normalize("NFC", SAMPLES.get(name, "café"))
    print("%s %s %s %s" % (name, via, used, "ok" if want in text else
                           "MISSING:" + repr(text[:80])))
PY
for c in $cs utf-16le utf-16be; do
	for via in header meta http-equiv bom; do
		r=$(grep "^$c $via " "$tmp/res") || continue
		check_match "$c by $via: the text" "$r" " ok\$"
	done
done
check_same "UTF-16 by BOM: read as UTF-16" "$(grep -c '^utf-16[lb]e bom utf-16[lb]e ok$' "$tmp/res")" 2
check_same "UTF-16 by header: read as UTF-16" "$(grep -c '^utf-16[lb]e header utf-16[lb]e ok$' "$tmp/res")" 2
check_same "the charsets said, by their WHATWG names" \
	"$(sort -u -k1,1 "$tmp/res" | grep -v utf-16 | awk '{print $1 "=" $3}' | tr '\n' ' ')" \
	"big5=big5 euc-jp=euc-jp euc-kr=euc-kr gb18030=gb18030 gbk=gbk iso-2022-jp=iso-2022-jp iso-8859-2=iso-8859-2 iso-8859-8=iso-8859-8 koi8-r=koi8-r shift_jis=shift_jis tis-620=windows-874 utf-8=utf-8 windows-1251=windows-1251 windows-1256=windows-1256 windows-1258=windows-1258 "
done_testing
