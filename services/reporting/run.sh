#!/usr/bin/env bash
# Start one replica of a service: the command of its image, and usable from a checkout.
#   wait for the broker (and the database) -> migrate -> declare consumer queues -> nameko
# Every replica runs every step: migrations and declarations are idempotent, so a replica
# never assumes another one did them. The same file serves every service under services/:
# only SERVICE and SERVICE_CLASS below change.
set -euo pipefail

SERVICE=reporting
SERVICE_CLASS=reporting.service:ReportingService

# Paths below are relative to the repository root (/app in the image).
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.."

say() { printf '%s: %s\n' "$SERVICE" "$*" >&2; }

database_url_var="CRM_$(tr '[:lower:]' '[:upper:]' <<<"$SERVICE")_DATABASE_URL"
python deploy/wait_for.py \
  broker="${CRM_AMQP_URI:-amqp://guest:guest@127.0.0.1:5672/}" \
  database="${!database_url_var:-}"

say "applying database migrations"
python -m crm_chassis.migrations "services/$SERVICE"

say "declaring consumer queues"
python -m crm_chassis.declare "$SERVICE_CLASS"

say "starting nameko"
# The class, not just the module: nameko would also try to run the base classes it imports.
exec nameko run --config "services/$SERVICE/config.yml" "$SERVICE_CLASS"
