#!/bin/sh
# completions/: bash (the completion function run with COMP_WORDS and
# COMP_CWORD set), zsh (compinit and a real TAB through zpty) and fish
# (complete -C), against a private Redis and PostgreSQL holding tasks in
# every state and a model: task ids, model names and queue names from the
# backends, with the command line's -d; nothing, quietly and in time,
# when the backends are unreachable.  Each program's options, and which
# take an argument, are checked against its -h and its getopt_long
# tables, so a completion that drifts from a program fails here.
. "$(dirname "$0")/lib.sh"
need bash bash
need zsh zsh
need fish fish
need perl perl
start_redis
start_pg
start_httpd
CD=$TQ_TOP/completions
# every program there is: a new one without completions fails here
PROGS=$(cd "$TQ_TOP/cmd" && ls tq-*.c | sed 's/\.c$//' | tr '\n' ' ')
# 59 checks, and 5 for each program (its options and their arguments
# in bash and fish, its zsh -h)
plan $((59 + 5 * $(echo $PROGS | wc -w)))

check "bash -n tq.bash" bash -n "$CD/tq.bash"
check "zsh -n _tq" zsh -n "$CD/_tq"
check "fish -n tq.fish" fish -n "$CD/tq.fish"

# --- the completers -----------------------------------------------------------
# bcomp WORD...: what bash offers for the last WORD, sorted
bcomp() {
	bash --norc --noprofile -c '
		source "$1" || exit 9
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_tq
		((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}"
		:' bash "$CD/tq.bash" "$@" | sort
}
# zcomp LINE: what zsh offers at the end of LINE (typed, then TAB), sorted
mkdir "$tmp/zfunc"
cp "$CD/_tq" "$tmp/zfunc/"
cat >"$tmp/capture.zsh" <<'EOF'
# capture.zsh FPATHDIR LINE: an interactive zsh in a pty, compinit, LINE
# and TAB; compadd is wrapped to print what is offered.  compinit's dump
# beside FPATHDIR, written by the first call: a scan of fpath for every
# call took 0.9 s of its 1
zmodload zsh/zpty || exit 2
fdir=$1 line=$2
zpty z zsh -f -i
zpty -w z "PROMPT= RPROMPT= PS2="
zpty -w z "fpath=($fdir \$fpath); autoload -U compinit; compinit -u -d $fdir/../zcompdump"
zpty -w z "zstyle ':completion:*' list-grouped false"
zpty -w z "zstyle ':completion:*' insert-tab false"
zpty -w z 'compadd () {
  if [[ ${@[1,-1]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits
  builtin compadd -A __hits "$@"
  local h
  for h in $__hits; do print -r -- "<""hit>$h"; done
}'
zpty -w z "bindkey '^I' complete-word"
zpty -w z '__nl () { print -r -- "<""end>" }; compprefuncs=( __nl ); comppostfuncs=( __nl exit )'
zpty -w z "$line"$'\t'
integer tog=0
local l
while zpty -r z l; do
  l=${l%$'\n'}; l=${l%$'\r'}
  if [[ $l == *'<end>'* ]]; then
    (( tog++ )) && break
    continue
  fi
  (( tog )) && [[ $l == *'<hit>'* ]] && print -r -- "${l#*<hit>}"
done
zpty -d z
EOF
zcomp() {
	timeout 30 zsh -f "$tmp/capture.zsh" "$tmp/zfunc" "$1" | sort
}
# fcomp LINE: what fish offers at the end of LINE, without descriptions
fcomp() {
	fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
		"$CD/tq.fish" "$1" | cut -f1 | sort
}
words() { sort | tr '\n' ' ' | sed 's/ $//'; }

# --- options: each program's -h and getopt_long tables ---------------------
# spec PROG: "OPTION ARG" lines, ARG 1 when it takes an argument: the
# short options -h shows, and the long options of the source's longopts
# table (and of the common ones in common/cli.c whose letters its
# tq_getopt names) that stand for one of them or that -h names
cat >"$tmp/spec.pl" <<'EOF'
my ($src, $help, $cli, $ops) = @ARGV;
local $/;
open(my $s, '<', $src) or die "$src: $!";
my $c = <$s>;
# tq-cancel and tq-retry parse their options in taskops.c's tq_task_main()
if ($c !~ /(?:getopt_long|tq_getopt)\s*\(/ && $c =~ /tq_task_main\s*\(/) {
	open(my $k0, '<', $ops) or die "$ops: $!";
	my $t0 = <$k0>;
	$t0 =~ /\ntq_task_main\(.*?\n\}/s or die "no tq_task_main in $ops";
	$c .= $&;
}
open(my $h, '<', $help) or die "$help: $!";
my $u = <$h>;
$c =~ /(?:getopt_long|tq_getopt)\s*\(\s*argc\s*,\s*argv\s*,\s*"([^"]*)"\s*,\s*\w+\s*,\s*(?:"([^"]*)")?/ or die "no getopt";
my ($os, $common) = ($1, $2 // '');
if ($common ne '') {
	open(my $k, '<', $cli) or die "$cli: $!";
	my $t = <$k>;
	while ($t =~ /(\{\s*"[a-z][a-z0-9-]*"\s*,\s*\w+_argument\s*,\s*NULL\s*,\s*'(.)'\s*\})/g) {
		$c .= "\n$1" if index($common, $2) >= 0;
	}
}
my %arg;
while ($os =~ /([A-Za-z])(:?)/g) { $arg{$1} = $2 ? 1 : 0; }
my %doc;
while ($u =~ /(?:^|[\s\[])-([A-Za-z]+)/mg) { $doc{$_} = 1 for split //, $1; }
my %out;
for my $l (keys %doc) {
	die "-h shows -$l, which getopt_long does not take\n" unless exists $arg{$l};
	$out{"-$l"} = $arg{$l};
}
while ($c =~ /\{\s*"([a-z][a-z0-9-]*)"\s*,\s*(no|required|optional)_argument\s*,\s*NULL\s*,\s*'(.)'\s*\}/g) {
	my ($name, $has, $val) = ($1, $2, $3);
	next unless $doc{$val} || $u =~ /--\Q$name\E\b/;
	$out{"--$name"} = $has eq 'no' ? 0 : 1;
}
print "$_ $out{$_}\n" for sort keys %out;
EOF
for p in $PROGS; do
	"$TQ_TOP/$p" -h >"$tmp/$p.help" 2>&1
	perl "$tmp/spec.pl" "$TQ_TOP/cmd/$p.c" "$tmp/$p.help" \
	    "$TQ_TOP/common/cli.c" "$TQ_TOP/common/taskops.c" >"$tmp/$p.spec" ||
		diag "$p: cannot read its options"
done

for p in $PROGS; do
	want=$(cut -d' ' -f1 "$tmp/$p.spec" | words)
	check_same "bash: $p's options" "$(bcomp "$p" - | words)" "$want"
	# an option that takes an argument makes the next word its argument
	bad=
	while read -r o a; do
		got=$(bcomp "$p" "$o" - | grep -c -x -e -h -e --help)
		[ "$got" -gt 0 ] && got=0 || got=1
		[ "$got" = "$a" ] || bad="$bad $o($a)"
	done <"$tmp/$p.spec"
	check_same "bash: $p: which options take an argument" "$bad" ""
done

# fish: every option of every program in one fish
fish --no-config -c '
	source $argv[1]
	for p in $argv[2..-1]
		for c in (complete -C "$p -" | cut -f1)
			echo $p $c
		end
		complete -c $p | string match -r -- "^complete .*" | while read -l l
			echo "$p def $l"
		end
	end' "$CD/tq.fish" $PROGS >"$tmp/fish.opts"
for p in $PROGS; do
	want=$(cut -d' ' -f1 "$tmp/$p.spec" | words)
	check_same "fish: $p's options" \
		"$(awk -v p="$p" '$1 == p && $2 != "def" { print $2 }' "$tmp/fish.opts" | words)" "$want"
	# -x (--exclusive) or -r (--require-parameter): takes an argument
	got=$(awk -v p="$p" '$1 == p && $2 == "def" {
		x = / --(exclusive|require-parameter) /
		for (i = 3; i < NF; i++) {
			if ($i == "-s") print "-" $(i + 1), x
			if ($i == "-l") print "--" $(i + 1), x
		}
	}' "$tmp/fish.opts" | sort -u)
	check_same "fish: $p: which options take an argument" "$got" "$(sort "$tmp/$p.spec")"
done

# zsh: the options each program offers
for p in $PROGS; do
	want=$(cut -d' ' -f1 "$tmp/$p.spec" | words)
	check_same "zsh: $p's options" "$(zcomp "$p -" | words)" "$want"
done
# zsh: which take an argument, for one program of each kind
bad=
for p in tq-status tq-worker tq-model; do
	while read -r o a; do
		# -h and -V end the command line: zsh offers nothing after them
		case $o in --*|-h|-V) continue ;; esac
		got=$(zcomp "$p $o -" | grep -c -x -e -h -e --help)
		[ "$got" -gt 0 ] && got=0 || got=1
		[ "$got" = "$a" ] || bad="$bad $p:$o($a)"
	done <"$tmp/$p.spec"
done
check_same "zsh: which short options take an argument (tq-status, tq-worker, tq-model)" "$bad" ""

# --- what the backends know -----------------------------------------------
start_worker -n 1 -q parsing-queue
tq-submit parse "$HTTP/t/page?title=Done&words=100" >"$tmp/t" || bail "tq-submit"
t_done=$(jq -r .task_id "$tmp/t")
tq-submit parse "$HTTP/t/status/404" >"$tmp/t" || bail "tq-submit"
t_failed=$(jq -r .task_id "$tmp/t")
tq-wait -t 30 "$t_done" >/dev/null || bail "the parse task did not complete"
tq-wait -t 30 "$t_failed" >/dev/null
stop_worker
pc=$(psqlc "SELECT min(id) FROM parsed_contents")
tq-submit ai "$pc" >"$tmp/t" || bail "tq-submit ai"
t_queued=$(jq -r .task_id "$tmp/t")
tq-model add remote-llm -p openai -m some-model -u http://127.0.0.1:9/v1 >/dev/null ||
	bail "tq-model add"
all=$(printf '%s\n' "$t_done" "$t_failed" "$t_queued" | words)

check_same "bash: tq-status offers every task" "$(bcomp tq-status '' | words)" "$all"
check_same "bash: tq-wait the unfinished one" "$(bcomp tq-wait -t 5 '' | words)" "$t_queued"
check_same "bash: tq-cancel the unfinished one" "$(bcomp tq-cancel '' | words)" "$t_queued"
check_same "bash: tq-retry the failed one" "$(bcomp tq-retry -q '' | words)" "$t_failed"
check_same "bash: tq-status, ids by prefix" "$(bcomp tq-status "$t_failed" | words)" "$t_failed"
check_same "bash: tq-submit -m: the models" "$(bcomp tq-submit -m '' | words)" "builtin remote-llm"
check_same "bash: tq-submit --model=r" "$(bcomp tq-submit --model = r | words)" "remote-llm"
check_same "bash: tq-model show: the models" "$(bcomp tq-model show '' | words)" "builtin remote-llm"
check_same "bash: tq-model rm, after options" "$(bcomp tq-model -j rm '' | words)" "builtin remote-llm"
check_same "bash: tq-model add NAME: nothing" "$(bcomp tq-model add '' | words)" ""
check_same "bash: tq-model: the commands" "$(bcomp tq-model '' | words)" "add default list rm set show"
check_same "bash: tq-submit: the stages" "$(bcomp tq-submit -R 2 '' | words)" "ai notion parse"
check_same "bash: tq-submit parse URL: no stage again" "$(bcomp tq-submit parse '' | words)" ""
check_same "bash: tq-worker -Q: the queues" "$(bcomp tq-worker -Q '' | words)" \
	"ai-queue notion-queue parsing-queue"
check_same "bash: tq-worker's operands: the queues" \
	"$(bcomp tq-worker -n 2 '' | words)" "ai-queue notion-queue parsing-queue"
check_same "bash: tq-worker -t: queue=" "$(bcomp tq-worker -t p | words)" "parsing-queue="
check_same "bash: tq-status -s: the states" "$(bcomp tq-status -s c | words)" "cancelled completed"
check_same "bash: tq-status --status=f" "$(bcomp tq-status --status = f | words)" "failed"
check_same "bash: tq-worker -l: the levels" "$(bcomp tq-worker --log-level '' | words)" "debug error info warn"
db=$TQ_DATABASE_URL
check_same "bash: the command line's -d is used" \
	"$(TQ_DATABASE_URL= PGHOST=$tmp/nowhere bcomp tq-retry -d "$db" '' | words)" \
	"$t_failed"
check_same "bash: and --database-url=" \
	"$(TQ_DATABASE_URL= PGHOST=$tmp/nowhere bcomp tq-submit --database-url = "$db" -m '' | words)" "builtin remote-llm"
s0=$(date +%s)
check_same "bash: an unreachable PostgreSQL offers nothing" \
	"$(TQ_DATABASE_URL="postgresql:///x?host=$tmp/nowhere" bcomp tq-status '' 2>&1 | words)" ""
check_same "bash: an unreachable Redis still offers tq's queues" \
	"$(TQ_REDIS_URL="unix://$tmp/nowhere.sock" bcomp tq-worker -Q '' 2>&1 | words)" \
	"ai-queue notion-queue parsing-queue"
printf '#!/bin/sh\nexec sleep 30\n' >"$tmp/hang"
mkdir "$tmp/slowbin"
for p in tq-status tq-model tq-stats; do cp "$tmp/hang" "$tmp/slowbin/$p"; chmod 755 "$tmp/slowbin/$p"; done
check_same "bash: a backend that never answers offers nothing" \
	"$(PATH=$tmp/slowbin:$PATH TQ_COMPLETION_TIMEOUT=1 bcomp tq-cancel '' 2>&1 | words)" ""
s1=$(date +%s)
check_match "within the timeout" "$((s1 - s0))" '^[0-5]$'

check_same "zsh: tq-status offers every task" "$(zcomp 'tq-status ' | words)" "$all"
check_same "zsh: tq-cancel the unfinished one" "$(zcomp 'tq-cancel ' | words)" "$t_queued"
check_same "zsh: tq-retry the failed one" "$(zcomp 'tq-retry ' | words)" "$t_failed"
check_same "zsh: tq-wait the unfinished one" "$(zcomp 'tq-wait -t 5 ' | words)" "$t_queued"
check_same "zsh: tq-submit -m: the models" "$(zcomp 'tq-submit -m ' | words)" "builtin remote-llm"
check_same "zsh: tq-model default: the models" "$(zcomp 'tq-model default ' | words)" "builtin remote-llm"
check_same "zsh: tq-model: the commands" "$(zcomp 'tq-model ' | words)" "add default list rm set show"
check_same "zsh: tq-submit: the stages" "$(zcomp 'tq-submit ' | words)" "ai notion parse"
check_same "zsh: tq-worker -Q: the queues" "$(zcomp 'tq-worker -Q ' | words)" \
	"ai-queue notion-queue parsing-queue"
check_same "zsh: tq-worker -t: queue=" "$(zcomp 'tq-worker -t ' | words)" \
	"ai-queue= notion-queue= parsing-queue="
check_same "zsh: the command line's -d is used" \
	"$(TQ_DATABASE_URL= PGHOST=$tmp/nowhere zcomp "tq-retry -d '$db' " | words)" "$t_failed"
check_same "zsh: an unreachable PostgreSQL offers nothing" \
	"$(TQ_DATABASE_URL="postgresql:///x?host=$tmp/nowhere" zcomp 'tq-status ' 2>&1 | words)" ""

check_same "fish: tq-status offers every task" "$(fcomp 'tq-status ' | words)" "$all"
check_same "fish: tq-cancel the unfinished one" "$(fcomp 'tq-cancel ' | words)" "$t_queued"
check_same "fish: tq-retry the failed one" "$(fcomp 'tq-retry ' | words)" "$t_failed"
check_same "fish: tq-wait the unfinished one" "$(fcomp 'tq-wait ' | words)" "$t_queued"
check_match "fish: a task is described" \
	"$(fish --no-config -c 'source $argv[1]; complete -C "tq-retry "' "$CD/tq.fish")" \
	"^$t_failed	parsing failed\$"
check_same "fish: tq-submit -m: the models" "$(fcomp 'tq-submit -m ' | words)" "builtin remote-llm"
check_same "fish: tq-model rm: the models" "$(fcomp 'tq-model rm ' | words)" "builtin remote-llm"
check_same "fish: tq-model: the commands" "$(fcomp 'tq-model ' | words)" "add default list rm set show"
check_same "fish: tq-submit: the stages" "$(fcomp 'tq-submit ' | words)" "ai notion parse"
check_same "fish: tq-submit parse: only -" "$(fcomp 'tq-submit parse ' | words)" "-"
check_same "fish: tq-worker -Q: the queues" "$(fcomp 'tq-worker -Q ' | words)" \
	"ai-queue notion-queue parsing-queue"
check_same "fish: tq-status -s: the states" "$(fcomp 'tq-status -s ' | words)" \
	"cancelled completed failed queued running"
check_same "fish: the command line's -d is used" \
	"$(TQ_DATABASE_URL= PGHOST=$tmp/nowhere fcomp "tq-retry -d '$db' " | words)" "$t_failed"
check_same "fish: an unreachable PostgreSQL offers nothing" \
	"$(TQ_DATABASE_URL="postgresql:///x?host=$tmp/nowhere" fcomp 'tq-status ' 2>&1 | words)" ""

# --- installed as make install puts them ------------------------------------
check "make install DESTDIR" make -s -C "$TQ_TOP" install DESTDIR="$tmp/inst" PREFIX=/usr
bad=
for p in $PROGS; do
	[ "$(readlink "$tmp/inst/usr/share/bash-completion/completions/$p")" = tq ] || bad="$bad bash:$p"
	[ "$(readlink "$tmp/inst/usr/share/fish/vendor_completions.d/$p.fish")" = tq.fish ] || bad="$bad fish:$p"
done
cmp -s "$tmp/inst/usr/share/zsh/site-functions/_tq" "$CD/_tq" || bad="$bad zsh"
cmp -s "$tmp/inst/usr/share/fish/vendor_completions.d/tq.fish" "$CD/tq.fish" || bad="$bad fish"
check_same "bash, zsh and fish completions for every program" "$bad" ""
check_same "_tq names every program" "$(sed -n '1s/^#compdef //p' "$CD/_tq" | tr ' ' '\n' | words)" \
	"$(echo $PROGS | tr ' ' '\n' | words)"
check_same "fish: loading it twice adds nothing twice" \
	"$(fish --no-config -c 'source $argv[1]; source $argv[1]; complete -C "tq-stats -"' "$CD/tq.fish" | cut -f1 | words)" \
	"$(cut -d' ' -f1 "$tmp/tq-stats.spec" | words)"

done_testing
