# Sourced by .ci/test-all, bench/run and deploy/ scripts: a throwaway PostgreSQL cluster on a free port.
# throwaway_postgres NAME [--no-fsync] sets PG_URL (a superuser URL) and registers the cluster's removal on exit;
# --no-fsync (the test suite's cluster, thrown away when it ends) skips flushing to disk at each commit.
# Needs root (pg_createcluster); installs Debian's PostgreSQL when missing. Needs VENV, say, fail, apt_install.
PG_CLUSTER=""
PG_VERSION=""
drop_throwaway_postgres() { [ -n "$PG_CLUSTER" ] && pg_dropcluster --stop "$PG_VERSION" "$PG_CLUSTER" >/dev/null 2>&1; }
throwaway_postgres() {
  command -v pg_createcluster >/dev/null 2>&1 || { say "installing PostgreSQL"; apt_install postgresql-common postgresql || fail "could not install postgresql"; }
  PG_VERSION=$(ls /usr/lib/postgresql | sort -n | tail -1)
  [ -x "/usr/lib/postgresql/$PG_VERSION/bin/postgres" ] || { apt_install "postgresql-$PG_VERSION" || fail "no PostgreSQL server"; }
  local port options=()
  [ "${2:-}" = --no-fsync ] && options=(-o fsync=off -o synchronous_commit=off -o full_page_writes=off)
  port=$($VENV/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  PG_CLUSTER="${1}_$$"
  trap drop_throwaway_postgres EXIT
  say "starting PostgreSQL $PG_VERSION cluster $PG_CLUSTER on port $port"
  pg_createcluster "$PG_VERSION" "$PG_CLUSTER" --port "$port" "${options[@]}" --start -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null \
    || fail "could not create a PostgreSQL cluster"
  su postgres -c "psql -q -p $port -c \"CREATE ROLE tracker LOGIN SUPERUSER PASSWORD 'tracker'\"" >/dev/null \
    || fail "could not create the test role"
  PG_URL="postgresql+psycopg://tracker:tracker@127.0.0.1:$port/postgres"
}
