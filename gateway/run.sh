#!/usr/bin/env bash
# Start one replica of the gateway: the command of its image, and usable from a checkout.
#   wait for the broker and the database -> migrate -> first administrator -> gunicorn
# Every replica runs every step: both manage commands are idempotent.
set -euo pipefail

# Paths below are relative to the repository root (/app in the image).
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

say() { printf 'gateway: %s\n' "$*" >&2; }

# deploy/kubernetes/secret.yaml ships placeholders: refuse to sign tokens with them.
placeholders=$(env | sed -n 's/^\(CRM_[A-Z0-9_]*\)=REPLACE-ME.*/\1/p' | tr '\n' ' ')
if [[ -n "$placeholders" ]]; then
  say "refusing to start: set real values for ${placeholders% }"
  exit 1
fi

python deploy/wait_for.py \
  broker="${CRM_AMQP_URI:-amqp://guest:guest@127.0.0.1:5672/}" \
  database="${CRM_GATEWAY_DATABASE_URL:-}"

say "applying database migrations"
python -m gateway.manage migrate

say "ensuring a first administrator"
python -m gateway.manage ensure-admin

say "starting gunicorn"
exec gunicorn -c gateway/gunicorn.conf.py "gateway.app:create_app()"
