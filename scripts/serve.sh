#!/usr/bin/env bash
# The production stack on this machine (`make serve`): production settings, static files collected
# into the manifest, gunicorn with bounded workers and threads, and one job worker beside it; both
# stop together. The database is DATABASE_URL (PostgreSQL for real use; SQLite if unset).
set -euo pipefail
cd "$(dirname "$0")/.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
mkdir -p var
if [ -z "${SECRET_KEY:-}" ] && [ -z "${SECRET_KEY_FILE:-}" ]; then
  # A key of this machine's own, kept across restarts so sessions survive them.
  [ -s var/secret_key ] || (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key)
  export SECRET_KEY_FILE="$PWD/var/secret_key"
fi
export DJANGO_SETTINGS_MODULE=nlb.settings.production
export HTTPS=${HTTPS:-false}  # plain http on 127.0.0.1; set HTTPS=true behind a TLS proxy
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-$HOST,localhost,127.0.0.1}
uv run nlb migrate --no-input -v 0
uv run nlb collectstatic --no-input -v 0
uv run nlb recover_jobs  # jobs a killed worker left running: retried or failed
uv run nlb warm_cache  # the daily pages' results into the shared cache (seconds when already there)
uv run nlb db_worker --no-reload --queue-name '*' &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT
echo "Nowhere Left Behind (production settings) at http://$HOST:$PORT/ with a job worker (pid $worker)"
uv run gunicorn -c nlb/gunicorn.conf.py --bind "$HOST:$PORT" nlb.wsgi
