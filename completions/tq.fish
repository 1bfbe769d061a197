# fish completion for tq: tq-submit tq-wait tq-status tq-show tq-worker
# tq-retry tq-cancel tq-stats tq-health tq-model tq-extract tq-digest tq-api
#
# fish loads completions by program name: install this file as
# .../fish/vendor_completions.d/tq.fish with a symlink PROG.fish to it
# for each program (make install does), or source it.  Task ids, model
# names and queue names come from the database and Redis (tq-status,
# tq-model, tq-stats with the command line's -d and -r) within
# TQ_COMPLETION_TIMEOUT seconds (default 2); nothing when unreachable.

if not functions -q __tq_query

# __tq_argopts PROG: the options of PROG that take an argument
function __tq_argopts
    switch $argv[1]
        case tq-submit
            echo -d --database-url -m --model -R --max-retries -r --redis-url
        case tq-wait
            echo -d --database-url -t --timeout
        case tq-status
            echo -d --database-url -n --limit -S --since -s --status -t --type -w --watch
        case tq-show
            echo -d --database-url
        case tq-retry tq-cancel
            echo -d --database-url -r --redis-url
        case tq-worker
            echo -c --concurrency -d --database-url -J --job-processes -l --log-level -N --name -n --workers -P --pause -Q --queue -r --redis-url -t --timeout -U --resume
        case tq-stats
            echo -d --database-url -r --redis-url
        case tq-api
            echo -b --max-body -c --connections -d --database-url -l --listen -m --max-items -n --threads -p --per-ip -r --redis-url -t --timeout
        case tq-health
            echo -c --critical -d --database-url -F --failure-critical -f --failure-warning -r --redis-url -t --timeout -W --min-workers -w --warning
        case tq-model
            echo -C --context-chars -d --database-url -J --json-mode -k --key-env -m --model -p --provider -T --timeout -t --temperature -u --base-url -x --max-tokens
        case tq-extract
            echo -u --url
        case tq-digest
            echo -k --keywords -n --sentences -t --title
    end
end

# __tq_operands: the operands on the command line before the cursor
function __tq_operands
    set -l words (commandline -opc)
    set -l argopts (string split ' ' -- (__tq_argopts $words[1]))
    set -l skip 0
    for w in $words[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case '--*=*'
            case '-*'
                contains -- $w $argopts; and set skip 1
            case '*'
                echo $w
        end
    end
end

# __tq_nargs N: true when the cursor is on operand N (1 is the first)
function __tq_nargs
    test (count (__tq_operands)) -eq (math $argv[1] - 1)
end

# __tq_first WORD...: true when the first operand is one of WORD...
function __tq_first
    set -l ops (__tq_operands)
    test (count $ops) -ge 1; and contains -- $ops[1] $argv
end

# __tq_query WHAT [STATUS...]: tasks (id and what it is), models or queues
function __tq_query
    set -l what $argv[1]
    set -l want $argv[2..-1]
    set -l t $TQ_COMPLETION_TIMEOUT
    test -n "$t"; or set t 2
    set -l words (commandline -opc)
    set -l db
    set -l redis
    set -l i 2
    while test $i -le (count $words)
        set -l w $words[$i]
        set -l n (math $i + 1)
        switch $w
            case -d --database-url
                test $n -le (count $words); and set db -d $words[$n]
                set i $n
            case -r --redis-url
                test $n -le (count $words); and set redis -r $words[$n]
                set i $n
            case '--database-url=*' '-d?*'
                set db $w
            case '--redis-url=*' '-r?*'
                set redis $w
        end
        set i (math $i + 1)
    end
    switch $what
        case tasks
            env PGCONNECT_TIMEOUT=$t timeout $t tq-status -l -j -n 100 $db </dev/null 2>/dev/null |
                while read -l line
                    set -l m (string match -r -g '^\{"id":(\d+),.*?"type":"([a-z_]+)","status":"([a-z]+)"' -- $line)
                    or continue
                    if test (count $want) -eq 0; or contains -- $m[3] $want
                        printf '%s\t%s %s\n' $m[1] $m[2] $m[3]
                    end
                end
        case models
            env PGCONNECT_TIMEOUT=$t timeout $t tq-model -j $db list </dev/null 2>/dev/null |
                while read -l line
                    set -l m (string match -r -g '"name":"([^"]+)","provider":"([^"]*)"' -- $line)
                    and printf '%s\t%s\n' $m[1] $m[2]
                end
        case queues
            timeout $t tq-stats -Q -j $redis </dev/null 2>/dev/null |
                string match -r -a -g '"([A-Za-z0-9_.:-]+)":\{"name"'
    end
end

# everything below once, however many PROG.fish links load this file
set -l __tq_queues 'parsing-queue ai-queue notion-queue'

# options every program, or most, share
for p in tq-submit tq-wait tq-status tq-show tq-worker tq-retry tq-cancel tq-stats tq-health tq-model tq-extract tq-digest tq-api
    complete -c $p -f
    complete -c $p -s h -l help -d 'print usage and exit'
    complete -c $p -s V -l version -d 'print the version and exit'
    complete -c $p -s v -l verbose -d 'log more on standard error'
end
for p in tq-submit tq-wait tq-status tq-show tq-retry tq-cancel tq-stats tq-health tq-model tq-worker tq-api
    complete -c $p -s d -l database-url -x -d 'PostgreSQL connection string'
end
for p in tq-submit tq-retry tq-cancel tq-stats tq-health tq-worker tq-api
    complete -c $p -s r -l redis-url -x -a 'redis://127.0.0.1:6379/0 unix:///run/redis/redis-server.sock' -d 'Redis URL'
end
for p in tq-submit tq-wait tq-status tq-show tq-retry tq-cancel tq-stats tq-model
    complete -c $p -s j -l json -d 'print JSON lines even on a terminal'
    complete -c $p -s H -l table -d 'print a table even in a pipe'
end
for p in tq-submit tq-wait tq-status tq-show tq-retry tq-cancel
    complete -c $p -s q -l quiet -d 'fewer warnings'
end

# tq-submit
complete -c tq-submit -n '__tq_nargs 1' -a 'parse' -d 'fetch and extract web pages'
complete -c tq-submit -n '__tq_nargs 1' -a 'ai' -d 'summarise parsed contents'
complete -c tq-submit -n '__tq_nargs 1' -a 'notion' -d 'import AI results into Notion'
complete -c tq-submit -n 'not __tq_nargs 1' -a '-' -d 'read inputs from standard input'
complete -c tq-submit -s R -l max-retries -x -d 'retries of a transiently failing item'
complete -c tq-submit -s m -l model -x -a '(__tq_query models)' -d 'ai: the AI model'
complete -c tq-submit -s s -l summary -d 'ai: write a summary'
complete -c tq-submit -s S -l no-summary -d 'ai: no summary'
complete -c tq-submit -s k -l keywords -d 'ai: extract keywords'
complete -c tq-submit -s K -l no-keywords -d 'ai: no keywords'
complete -c tq-submit -s i -l insights -d 'ai: compute insights'
complete -c tq-submit -s I -l no-insights -d 'ai: no insights'
complete -c tq-submit -s D -l database-id -x -d 'notion: the database, an id or URL'
complete -c tq-submit -s p -l properties -x -d 'notion: page properties, a JSON object'
complete -c tq-submit -s w -l with-text -d 'notion: append the article text'
complete -c tq-submit -s B -l no-robots -d 'parse: do not read robots.txt'
complete -c tq-submit -l then -x -a 'ai notion' -d 'go on with the next stage'
complete -c tq-submit -l notify -x -d 'POST each final record to this URL'

# tq-wait, tq-status, tq-cancel, tq-retry: task ids
complete -c tq-wait -a '(__tq_query tasks queued running)'
complete -c tq-wait -s I -l no-items -d 'print records without their items'
complete -c tq-wait -s c -l chain -d 'wait for the whole chain'
complete -c tq-wait -s t -l timeout -x -d 'give up after this many seconds'
complete -c tq-status -a '(__tq_query tasks)'
complete -c tq-status -s i -l items -d 'include the items'
complete -c tq-status -s l -l list -d 'list the most recent tasks'
complete -c tq-status -s n -l limit -x -d 'list this many tasks'
complete -c tq-status -s s -l status -x -a 'queued running completed failed cancelled' -d 'list tasks in this status'
complete -c tq-status -s a -l attempts -d 'every attempt of every item'
complete -c tq-status -s S -l since -x -d 'list tasks created within: 90s, 30m, 2h, 7d'
complete -c tq-status -s t -l type -x -a 'parse ai notion' -d 'list tasks of this stage'
complete -c tq-status -s w -l watch -x -d 'print again every interval'
complete -c tq-show -a '(__tq_query tasks)'
complete -c tq-show -s t -l text -d 'include the article text'
complete -c tq-cancel -a '(__tq_query tasks queued running)'
complete -c tq-retry -a '(__tq_query tasks failed)'

# tq-worker
complete -c tq-worker -s b -l burst -d 'exit when the queues are empty'
complete -c tq-worker -s L -l log-json -d 'log JSON lines'
complete -c tq-worker -l json-log -d 'log JSON lines (the old name of --log-json)'
complete -c tq-worker -s l -l log-level -x -a 'error warn info debug' -d 'log level'
complete -c tq-worker -s N -l name -x -d 'first part of the worker names'
complete -c tq-worker -s n -l workers -x -d 'number of worker processes'
complete -c tq-worker -s Q -l queue -x -a "(__tq_query queues; string split ' ' -- $__tq_queues)" -d 'serve this queue'
complete -c tq-worker -a "(__tq_query queues; string split ' ' -- $__tq_queues)" -d 'serve this queue'
complete -c tq-worker -s t -l timeout -x -a "(begin; __tq_query queues; string split ' ' -- $__tq_queues; end | string replace -r '\$' =)" -d 'queue=seconds: hard job timeout'
complete -c tq-worker -s c -l concurrency -x -a "(begin; __tq_query queues; string split ' ' -- $__tq_queues; end | string replace -r '\$' =)" -d 'queue=jobs: jobs in flight per worker'
complete -c tq-worker -s J -l job-processes -x -d 'job processes per worker'
complete -c tq-worker -s R -l reconcile -d 'run one maintenance pass and exit'
complete -c tq-worker -s P -l pause -x -a "(__tq_query queues; string split ' ' -- $__tq_queues)" -d 'pause a queue for every worker'
complete -c tq-worker -s U -l resume -x -a "(__tq_query queues; string split ' ' -- $__tq_queues)" -d 'resume a paused queue'

# tq-api
complete -c tq-api -s q -l quiet -d 'no access log'
complete -c tq-api -s l -l listen -x -a '127.0.0.1:5000 [::1]:5000' -d 'address:port to listen on'
complete -c tq-api -s n -l threads -x -d 'server threads, each with its connections'
complete -c tq-api -s c -l connections -x -d 'most connections at once'
complete -c tq-api -s p -l per-ip -x -d 'most connections from one address'
complete -c tq-api -s t -l timeout -x -d 'close a connection idle this long (s)'
complete -c tq-api -s b -l max-body -x -d 'largest request body (bytes)'
complete -c tq-api -s m -l max-items -x -d 'most ids and URLs in one submit'

# tq-stats
complete -c tq-stats -s w -l workers -d 'the workers'
complete -c tq-stats -s Q -l queues -d 'the queues'
complete -c tq-stats -s s -l statistics -d 'the task statistics'
complete -c tq-stats -s p -l prometheus -d 'Prometheus text format'

# tq-health
complete -c tq-health -s j -l json -d 'print the health object as JSON'
complete -c tq-health -s t -l timeout -x -d 'bound the whole check, seconds'
complete -c tq-health -s W -l min-workers -x -d 'fewest live workers'
complete -c tq-health -s w -l warning -x -d 'queue length for WARNING'
complete -c tq-health -s c -l critical -x -d 'queue length for CRITICAL'
complete -c tq-health -s f -l failure-warning -x -d 'failure rate range for WARNING'
complete -c tq-health -s F -l failure-critical -x -d 'failure rate range for CRITICAL'

# tq-model
complete -c tq-model -n '__tq_nargs 1' -a 'list' -d 'list the models'
complete -c tq-model -n '__tq_nargs 1' -a 'add' -d 'add a model'
complete -c tq-model -n '__tq_nargs 1' -a 'show' -d 'show a model'
complete -c tq-model -n '__tq_nargs 1' -a 'default' -d 'make a model the default'
complete -c tq-model -n '__tq_nargs 1' -a 'rm' -d 'remove a model'
complete -c tq-model -n '__tq_nargs 1' -a 'set' -d "change a model's parameters"
complete -c tq-model -n '__tq_nargs 2; and __tq_first show default rm set' -a '(__tq_query models)'
complete -c tq-model -s p -l provider -x -a 'builtin openai' -d 'add: provider'
complete -c tq-model -s m -l model -x -d 'add: the model name the server knows'
complete -c tq-model -s u -l base-url -x -d 'add: server URL'
complete -c tq-model -s k -l key-env -x -a '(set -nx)' -d 'add: variable holding the API key'
complete -c tq-model -s D -l default -d 'add: make it the default model'
complete -c tq-model -s J -l json-mode -x -a 'schema object prompt' -d 'add: response format'
complete -c tq-model -s C -l context-chars -x -d 'add: input budget in characters'
complete -c tq-model -s R -l rpm -x -d 'add, set: requests a minute, all workers'
complete -c tq-model -s T -l timeout -x -d 'add: seconds per call'
complete -c tq-model -s t -l temperature -x -d 'add: sampling temperature'
complete -c tq-model -s x -l max-tokens -x -d 'add: output token limit'

# tq-extract, tq-digest: a file
complete -c tq-extract -n '__tq_nargs 1' -F
complete -c tq-extract -s j -l json -d 'print the JSON object'
complete -c tq-extract -s t -l text -d 'print only the article text'
complete -c tq-extract -s u -l url -x -d 'URL the page came from'
complete -c tq-digest -n '__tq_nargs 1' -F
complete -c tq-digest -s i -l insights -d 'compute insights too'
complete -c tq-digest -s j -l json -d 'print JSON'
complete -c tq-digest -s k -l keywords -x -d 'at most this many keywords'
complete -c tq-digest -s n -l sentences -x -d 'summary sentences'
complete -c tq-digest -s t -l title -x -d 'the article title'

end
