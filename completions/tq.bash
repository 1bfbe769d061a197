# bash completion for tq: tq-submit tq-wait tq-status tq-worker tq-retry
# tq-cancel tq-stats tq-health tq-model tq-extract tq-digest
#
# Install as .../bash-completion/completions/tq with a symlink per
# program, or source it from ~/.bashrc.  Needs nothing but bash.

# _tq_spec PROG: set opts (every option) and argopts (those taking an
# argument) for PROG, as its getopt_long string and longopts say.
_tq_spec()
{
	local common='-d --database-url -H --table -h --help -j --json
	    -q --quiet -V --version'

	case $1 in
	tq-submit)
		opts="$common -D --database-id -I --no-insights -i --insights
		    -K --no-keywords -k --keywords -m --model
		    -p --properties -R --max-retries -r --redis-url
		    -S --no-summary -s --summary -w --with-text"
		argopts='-D --database-id -d --database-url -m --model
		    -p --properties -R --max-retries -r --redis-url' ;;
	tq-wait)
		opts="$common -I --no-items -t --timeout"
		argopts='-d --database-url -t --timeout' ;;
	tq-status)
		opts="$common -i --items -l --list -n --limit -s --status"
		argopts='-d --database-url -n --limit -s --status' ;;
	tq-retry|tq-cancel)
		opts="$common -r --redis-url"
		argopts='-d --database-url -r --redis-url' ;;
	tq-worker)
		opts='-b --burst -d --database-url -h --help -j --json-log
		    -l --log-level -N --name -n --workers -q --queue
		    -R --reconcile -r --redis-url -t --timeout -V --version
		    -v --verbose'
		argopts='-d --database-url -l --log-level -N --name
		    -n --workers -q --queue -r --redis-url -t --timeout' ;;
	tq-stats)
		opts='-d --database-url -H --table -h --help -j --json
		    -Q --queues -r --redis-url -s --statistics -V --version
		    -w --workers'
		argopts='-d --database-url -r --redis-url' ;;
	tq-health)
		opts='-c --critical -d --database-url -h --help -j --json
		    -r --redis-url -t --timeout -V --version
		    -W --min-workers -w --warning'
		argopts='-c --critical -d --database-url -r --redis-url
		    -t --timeout -W --min-workers -w --warning' ;;
	tq-model)
		opts='-C --context-chars -D --default -d --database-url
		    -H --table -h --help -J --json-mode -j --json
		    -k --key-env -m --model -p --provider -T --timeout
		    -t --temperature -u --base-url -V --version
		    -x --max-tokens'
		argopts='-C --context-chars -d --database-url -J --json-mode
		    -k --key-env -m --model -p --provider -T --timeout
		    -t --temperature -u --base-url -x --max-tokens' ;;
	tq-extract)
		opts='-h --help -j --json -t --text -u --url -V --version'
		argopts='-u --url' ;;
	tq-digest)
		opts='-h --help -i --insights -j --json -k --keywords
		    -n --sentences -t --title -V --version'
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

_tq()
{
	local prog=${COMP_WORDS[0]##*/} cur=${COMP_WORDS[COMP_CWORD]}
	local prev= opts argopts i w noperands=0

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
			COMPREPLY=($(compgen -W 'queued running completed
			    failed cancelled' -- "$cur")) ;;
		tq-worker:-q|tq-worker:--queue)
			COMPREPLY=($(compgen -W 'parsing-queue ai-queue
			    notion-queue' -- "$cur")) ;;
		tq-worker:-t|tq-worker:--timeout)
			COMPREPLY=($(compgen -W 'parsing-queue= ai-queue=
			    notion-queue=' -- "$cur"))
			compopt -o nospace 2>/dev/null ;;
		tq-worker:-l|tq-worker:--log-level)
			COMPREPLY=($(compgen -W 'error warn info debug' \
			    -- "$cur")) ;;
		tq-model:-p|tq-model:--provider)
			COMPREPLY=($(compgen -W 'builtin openai' -- "$cur")) ;;
		tq-model:-J|tq-model:--json-mode)
			COMPREPLY=($(compgen -W 'schema object prompt' \
			    -- "$cur")) ;;
		tq-model:-k|tq-model:--key-env)
			COMPREPLY=($(compgen -e -- "$cur")) ;;
		esac
		return 0
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return 0
	fi

	# the operands before this one, options and their arguments skipped
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -?* ]]; then
			_tq_has "$w" $argopts && ((i++))
			continue
		fi
		[[ $w == = ]] || ((noperands++))
	done
	case $prog in
	tq-submit)
		((noperands == 0)) &&
		    COMPREPLY=($(compgen -W 'parse ai notion' -- "$cur")) ;;
	tq-model)
		((noperands == 0)) &&
		    COMPREPLY=($(compgen -W 'list add show default rm' \
		    -- "$cur")) ;;
	tq-extract|tq-digest)
		((noperands == 0)) && COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null ;;
	esac
	return 0
}

complete -F _tq tq-submit tq-wait tq-status tq-worker tq-retry tq-cancel \
    tq-stats tq-health tq-model tq-extract tq-digest
