# bash completion for tq: tq-submit tq-wait tq-status tq-worker tq-retry
# tq-cancel tq-stats tq-health tq-model tq-extract tq-digest tq-api
#
# Install as .../bash-completion/completions/tq with a symlink per
# program (make install does), or source it from ~/.bashrc.
#
# Options and their fixed values come from the lists below (tests/5300
# checks them against each program's -h).  Task ids, model names and
# queue names come from the database and Redis, through tq-status,
# tq-model and tq-stats with the -d and -r of the command line being
# completed (else TQ_DATABASE_URL, TQ_REDIS_URL), within
# TQ_COMPLETION_TIMEOUT seconds (default 2); when they cannot be reached,
# nothing is offered and nothing is printed.

# _tq_spec PROG: set opts (every option) and argopts (those taking an
# argument) for PROG, as its getopt_long string and longopts say.
_tq_spec()
{
	local common='-d --database-url -H --table -h --help -j --json
	    -q --quiet -V --version -v --verbose'

	case $1 in
	tq-submit)
		opts="$common -D --database-id -I --no-insights -i --insights
		    -K --no-keywords -k --keywords -m --model -B --no-robots
		    -p --properties -R --max-retries -r --redis-url
		    -S --no-summary -s --summary -w --with-text
		    --notify --then"
		argopts='-D --database-id -d --database-url -m --model
		    -p --properties -R --max-retries -r --redis-url
		    --notify --then' ;;
	tq-wait)
		opts="$common -c --chain -I --no-items -t --timeout"
		argopts='-d --database-url -t --timeout' ;;
	tq-status)
		opts="$common -a --attempts -i --items -l --list -n --limit
		    -S --since -s --status -t --type -w --watch"
		argopts='-d --database-url -n --limit -S --since -s --status
		    -t --type -w --watch' ;;
	tq-show)
		opts="$common -t --text"
		argopts='-d --database-url' ;;
	tq-retry|tq-cancel)
		opts="$common -r --redis-url"
		argopts='-d --database-url -r --redis-url' ;;
	tq-worker)
		opts='-b --burst -c --concurrency -d --database-url -h --help
		    -J --job-processes -L --log-json --json-log
		    -l --log-level -N --name -n --workers -P --pause
		    -Q --queue -R --reconcile -r --redis-url -t --timeout
		    -U --resume -V --version -v --verbose'
		# -q: the old spelling of -Q
		argopts='-c --concurrency -d --database-url -J --job-processes
		    -l --log-level -N --name
		    -n --workers -P --pause -Q -q --queue -r --redis-url
		    -t --timeout -U --resume' ;;
	tq-stats)
		opts='-d --database-url -H --table -h --help -j --json
		    -p --prometheus -Q --queues -r --redis-url
		    -s --statistics -V --version -v --verbose -w --workers'
		argopts='-d --database-url -r --redis-url' ;;
	tq-health)
		opts='-c --critical -d --database-url -F --failure-critical
		    -f --failure-warning -h --help -j --json -r --redis-url
		    -t --timeout -V --version -v --verbose -W --min-workers
		    -w --warning'
		argopts='-c --critical -d --database-url -F --failure-critical
		    -f --failure-warning -r --redis-url -t --timeout
		    -W --min-workers -w --warning' ;;
	tq-api)
		opts='-b --max-body -c --connections -d --database-url
		    -h --help -l --listen -m --max-items -n --threads
		    -p --per-ip -q --quiet -r --redis-url -t --timeout
		    -V --version -v --verbose'
		argopts='-b --max-body -c --connections -d --database-url
		    -l --listen -m --max-items -n --threads -p --per-ip
		    -r --redis-url -t --timeout' ;;
	tq-model)
		opts='-C --context-chars -D --default -d --database-url
		    -H --table -h --help -J --json-mode -j --json
		    -k --key-env -m --model -p --provider -R --rpm
		    -T --timeout -t --temperature -u --base-url -V --version
		    -v --verbose -x --max-tokens'
		argopts='-C --context-chars -d --database-url -J --json-mode
		    -k --key-env -m --model -p --provider -R --rpm
		    -T --timeout -t --temperature -u --base-url
		    -x --max-tokens' ;;
	tq-extract)
		opts='-h --help -j --json -t --text -u --url -V --version
		    -v --verbose'
		argopts='-u --url' ;;
	tq-digest)
		opts='-h --help -i --insights -j --json -k --keywords
		    -n --sentences -t --title -V --version -v --verbose'
		argopts='-k --keywords -n --sentences -t --title' ;;
	*)
		opts= argopts= ;;
	esac
}

_tq_has()	# _tq_has WORD LIST...
{
	local w=$1 x
	shift
	for x in $*; do
		[[ $x == "$w" ]] && return 0
	done
	return 1
}

# _tq_query WHAT [STATUS...]: print, one a line, what the backends know:
# tasks (their ids, of the given statuses if any), models (names) or
# queues; nothing when they cannot be reached in time.  Uses the -d and -r
# of the command line being completed (the caller's COMP_WORDS).
_tq_query()
{
	local what=$1 i w next t=${TQ_COMPLETION_TIMEOUT:-2} line id st
	local db=() redis=()
	shift
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]} next=${COMP_WORDS[i + 1]}
		case $w in
		-d|--database-url|-r|--redis-url)
			if [[ $next == = ]]; then
				next=${COMP_WORDS[i + 2]}
				((i += 2))
			else
				((i++))
			fi
			((i < COMP_CWORD)) || break
			case $w in
			-d|--database-url) db=(-d "$next") ;;
			*) redis=(-r "$next") ;;
			esac ;;
		-d?*) db=("$w") ;;
		-r?*) redis=("$w") ;;
		--database-url=*) db=("$w") ;;
		--redis-url=*) redis=("$w") ;;
		esac
	done
	case $what in
	tasks)
		PGCONNECT_TIMEOUT=$t timeout "$t" tq-status -l -j -n 100 \
		    "${db[@]}" </dev/null 2>/dev/null |
		while IFS= read -r line; do
			[[ $line =~ ^\{\"id\":([0-9]+), ]] || continue
			id=${BASH_REMATCH[1]} st=
			[[ $line =~ \"status\":\"([a-z]+)\" ]] &&
			    st=${BASH_REMATCH[1]}
			if (($# == 0)) || _tq_has "$st" "$@"; then
				printf '%s\n' "$id"
			fi
		done ;;
	models)
		PGCONNECT_TIMEOUT=$t timeout "$t" tq-model -j "${db[@]}" \
		    list </dev/null 2>/dev/null |
		while IFS= read -r line; do
			[[ $line =~ \"name\":\"([^\"]+)\" ]] &&
			    printf '%s\n' "${BASH_REMATCH[1]}"
		done ;;
	queues)
		timeout "$t" tq-stats -Q -j "${redis[@]}" </dev/null \
		    2>/dev/null | grep -o '"[A-Za-z0-9_.:-]*":{"name"' |
		    cut -d'"' -f2 ;;
	esac
}

# _tq_words WORD...: COMPREPLY from the words that start with $cur
_tq_words()
{
	local IFS=$' \t\n'
	COMPREPLY=($(compgen -W "$*" -- "$cur"))
}

_tq()
{
	local prog=${COMP_WORDS[0]##*/} cur=${COMP_WORDS[COMP_CWORD]}
	local prev= opts argopts i w noperands=0 first=

	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# --opt=value: bash splits it at the '='
	if [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == = ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 1]} cur=
	fi
	COMPREPLY=()
	_tq_spec "$prog"

	# the argument of an option
	if _tq_has "$prev" $argopts; then
		case $prog:$prev in
		tq-status:-s|tq-status:--status)
			_tq_words queued running completed failed cancelled ;;
		tq-status:-t|tq-status:--type)
			_tq_words parse ai notion ;;
		tq-worker:-Q|tq-worker:-q|tq-worker:--queue|\
		tq-worker:-P|tq-worker:--pause|\
		tq-worker:-U|tq-worker:--resume)
			_tq_words $( { _tq_query queues; printf '%s\n' \
			    parsing-queue ai-queue notion-queue; } | sort -u) ;;
		tq-worker:-t|tq-worker:--timeout|\
		tq-worker:-c|tq-worker:--concurrency)
			_tq_words $( { _tq_query queues; printf '%s\n' \
			    parsing-queue ai-queue notion-queue; } | sort -u |
			    sed 's/$/=/')
			compopt -o nospace 2>/dev/null ;;
		tq-worker:-l|tq-worker:--log-level)
			_tq_words error warn info debug ;;
		tq-submit:-m|tq-submit:--model)
			_tq_words $(_tq_query models) ;;
		tq-model:-p|tq-model:--provider)
			_tq_words builtin openai ;;
		tq-model:-J|tq-model:--json-mode)
			_tq_words schema object prompt ;;
		tq-model:-k|tq-model:--key-env)
			COMPREPLY=($(compgen -e -- "$cur")) ;;
		esac
		return 0
	fi
	if [[ $cur == -* ]]; then
		_tq_words $opts
		return 0
	fi

	# the operands before this one, options and their arguments skipped
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -?* ]]; then
			if [[ ${COMP_WORDS[i + 1]} == = ]]; then
				((i += 2))
			elif _tq_has "$w" $argopts; then
				((i++))
			fi
			continue
		fi
		[[ $w == = ]] && continue
		((noperands++ == 0)) && first=$w
	done
	case $prog in
	tq-submit)
		((noperands == 0)) && _tq_words parse ai notion ;;
	tq-wait)
		_tq_words $(_tq_query tasks queued running) ;;
	tq-status|tq-show)
		_tq_words $(_tq_query tasks) ;;
	tq-cancel)
		_tq_words $(_tq_query tasks queued running) ;;
	tq-retry)
		_tq_words $(_tq_query tasks failed) ;;
	tq-worker)
		_tq_words $( { _tq_query queues; printf '%s\n' \
		    parsing-queue ai-queue notion-queue; } | sort -u) ;;
	tq-model)
		if ((noperands == 0)); then
			_tq_words list add set show default rm
		elif ((noperands == 1)); then
			case $first in
			show|default|rm|set) _tq_words $(_tq_query models) ;;
			esac
		fi ;;
	tq-extract|tq-digest)
		((noperands == 0)) && COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null ;;
	esac
	return 0
}

complete -F _tq tq-submit tq-wait tq-status tq-show tq-worker tq-retry \
    tq-cancel tq-stats tq-health tq-model tq-extract tq-digest tq-api
