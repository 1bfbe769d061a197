#!/bin/sh
# bench/api.sh - requests a second for GET /api/parsing/async/status/<id>
# (the endpoint a client polls) from tq-api, next to the seed's stack
# serving the same endpoint from the same PostgreSQL in the same run:
# Flask with Flask-SQLAlchemy over psycopg2 (Debian's python3-flask,
# python3-flask-sqlalchemy, python3-psycopg2), run as the seed runs it
# (`python3 run.py`: Flask's threaded server) and under gunicorn with 4
# sync workers.  Load: ab (apache2-utils), N requests, C at once, a new
# connection each (ab without -k).  `make` first.
# no time limit on a run (the tests have one: TQ_TEST_TIMEOUT)
TQ_TEST_TIMEOUT=${TQ_TEST_TIMEOUT:-0}
. "$(dirname "$0")/../tests/lib.sh"
N=${N:-20000}
C=${C:-50}
need ab apache2-utils
need /usr/bin/python3 python3
/usr/bin/python3 -c 'import flask, flask_sqlalchemy, psycopg2' 2>/dev/null ||
	bail "install python3-flask python3-flask-sqlalchemy python3-psycopg2"
start_redis
start_pg
start_httpd "$TQ_TOP/demo/pages"

# one parsing task of three items, completed, as a client would poll it
tq-submit parse "$HTTP/harbor-batteries.html" "$HTTP/stadtbaeume.html" \
	"$HTTP/night-sky-census.html" >"$tmp/task" || bail "tq-submit failed"
task=$(jq -r .task_id "$tmp/task")
start_worker -n 1
tq-wait -t 60 "$task" >/dev/null || bail "the task did not complete"
stop_worker

freeport() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# rps NAME URL: ab's requests a second, after a warm-up, in $r
rps() {
	ab -q -n 500 -c "$C" "$2" >/dev/null 2>&1
	ab -q -n "$N" -c "$C" "$2" >"$tmp/ab.$1" 2>&1 || bail "ab $1: $(tail -3 "$tmp/ab.$1")"
	grep -q '^Failed requests: *0$' "$tmp/ab.$1" && ! grep -q '^Non-2xx' "$tmp/ab.$1" ||
		bail "$1: failed requests: $(grep -E '^(Failed|Non-2xx)' "$tmp/ab.$1")"
	r=$(sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p' "$tmp/ab.$1")
}

p=$(freeport)
tq-api -q -l "127.0.0.1:$p" 2>"$tmp/api.log" &
_pids="$! $_pids"
wait_for 10 curl -sf "http://127.0.0.1:$p/api/parsing/async/status/$task" ||
	bail "tq-api did not start: $(cat "$tmp/api.log")"
url=/api/parsing/async/status/$task
rps tq-api "http://127.0.0.1:$p$url"
tq=$r

# the seed's stack: its models, its to_dict, its route
mkdir -p "$tmp/py"
cat >"$tmp/py/app.py" <<'PY'
import os, sys
from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["SEED_DB"]
db = SQLAlchemy(app)

def iso(t):
    return t.isoformat() if t else None

class ProcessingTask(db.Model):
    __tablename__ = "processing_tasks"
    id = db.Column(db.BigInteger, primary_key=True)
    type = db.Column(db.Text)
    status = db.Column(db.Text)
    progress = db.Column(db.Integer)
    total_items = db.Column(db.Integer)
    completed_items = db.Column(db.Integer)
    failed_items = db.Column(db.Integer)
    job_id = db.Column(db.Text)
    queue_name = db.Column(db.Text)
    worker_id = db.Column(db.Text)
    retry_count = db.Column(db.Integer)
    max_retries = db.Column(db.Integer)
    created_at = db.Column(db.DateTime(timezone=True))
    started_at = db.Column(db.DateTime(timezone=True))
    completed_at = db.Column(db.DateTime(timezone=True))
    items = db.relationship("TaskItem", order_by="TaskItem.seq", lazy="select")

    def to_dict(self, include_items=False):
        d = {"id": self.id, "type": self.type, "status": self.status,
             "progress": self.progress, "completed_items": self.completed_items,
             "failed_items": self.failed_items, "total_items": self.total_items,
             "job_id": self.job_id, "queue_name": self.queue_name,
             "worker_id": self.worker_id, "retry_count": self.retry_count,
             "max_retries": self.max_retries, "created_at": iso(self.created_at),
             "started_at": iso(self.started_at), "completed_at": iso(self.completed_at)}
        if include_items:
            d["items"] = [i.to_dict() for i in self.items]
        return d

class TaskItem(db.Model):
    __tablename__ = "task_items"
    id = db.Column(db.BigInteger, primary_key=True)
    task_id = db.Column(db.BigInteger, db.ForeignKey("processing_tasks.id"))
    seq = db.Column(db.Integer)
    item_id = db.Column(db.BigInteger)
    item_type = db.Column(db.Text)
    status = db.Column(db.Text)
    job_id = db.Column(db.Text)
    retry_count = db.Column(db.Integer)
    error_message = db.Column(db.Text)
    result_data = db.Column(db.JSON)
    started_at = db.Column(db.DateTime(timezone=True))
    completed_at = db.Column(db.DateTime(timezone=True))

    def to_dict(self):
        return {"item_id": self.item_id, "item_type": self.item_type,
                "status": self.status, "job_id": self.job_id,
                "retry_count": self.retry_count,
                "error_message": self.error_message, "result": self.result_data,
                "started_at": iso(self.started_at),
                "completed_at": iso(self.completed_at)}

@app.route("/api/parsing/async/status/<int:task_id>")
def status(task_id):
    include_items = request.args.get("include_items", "false").lower() == "true"
    task = db.session.get(ProcessingTask, task_id)
    if task is None or task.type != "parsing":
        return jsonify({"success": False, "error": "Task not found"}), 404
    t = task.to_dict(include_items)
    return jsonify({"success": True, "task": t, "data": {"task": t}})

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]))
PY
pgsock=$(echo "$TQ_DATABASE_URL" | sed 's/.*host=\([^&]*\).*/\1/')
SEED_DB="postgresql+psycopg2://tq@/postgres?host=$pgsock"
export SEED_DB

p=$(freeport)
(cd "$tmp/py" && exec /usr/bin/python3 app.py "$p") >"$tmp/flask.log" 2>&1 &
_pids="$! $_pids"
wait_for 20 curl -sf "http://127.0.0.1:$p$url" || bail "flask did not start: $(tail -5 "$tmp/flask.log")"
same=$(curl -s "http://127.0.0.1:$p$url?include_items=true" | jq -c '[.task.id, .task.status, .task.completed_items, [.task.items[].item_id]]')
want=$(tq-status -j -i "$task" | jq -c '[.id, .status, .completed_items, [.items[].item_id]]')
[ "$same" = "$want" ] || bail "flask serves other data: $same, not $want"
rps flask "http://127.0.0.1:$p$url"
dev=$r

p=$(freeport)
(cd "$tmp/py" && exec /usr/bin/python3 /usr/bin/gunicorn -w 4 -b "127.0.0.1:$p" app:app) >"$tmp/gunicorn.log" 2>&1 &
_pids="$! $_pids"
wait_for 20 curl -sf "http://127.0.0.1:$p$url" || bail "gunicorn did not start: $(tail -5 "$tmp/gunicorn.log")"
rps gunicorn "http://127.0.0.1:$p$url"
gu=$r

ratio() { echo "$1 / $2" | bc -l | xargs printf '%.1f'; }
echo "GET $url, ab -n $N -c $C, requests/s:"
echo "  tq-api (4 threads)                        $(printf '%8.0f' "$tq")"
echo "  Flask + Flask-SQLAlchemy, python3 run.py  $(printf '%8.0f' "$dev")   tq-api $(ratio "$tq" "$dev")x"
echo "  the same under gunicorn -w 4              $(printf '%8.0f' "$gu")   tq-api $(ratio "$tq" "$gu")x"
