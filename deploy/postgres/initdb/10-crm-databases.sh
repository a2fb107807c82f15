#!/usr/bin/env bash
# Run once by the postgres image, on an empty data volume: the CRM's role and one database
# per service (a service owns its database and no other reads it). The services that come
# later have theirs already, so adding one needs no change here.
set -euo pipefail

CRM_DB_USER="${CRM_DB_USER:-crm}"
CRM_DB_PASSWORD="${CRM_DB_PASSWORD:-crm}"
CRM_DATABASES="${CRM_DATABASES:-contacts gateway sales marketing support reporting}"

crm_psql() {
  psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password --username "$POSTGRES_USER" --dbname postgres \
    --set user="$CRM_DB_USER" --set password="$CRM_DB_PASSWORD" "$@"
}

# psql substitutes :"user" (an identifier) and :'password' (a literal) quoted, so any
# value is safe; it does so only in what it reads from standard input, hence the heredocs.
crm_psql <<'SQL'
CREATE ROLE :"user" LOGIN PASSWORD :'password';
SQL

for database in $CRM_DATABASES; do
  crm_psql --set database="$database" <<'SQL'
CREATE DATABASE :"database" OWNER :"user";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
  echo "crm: database $database owned by $CRM_DB_USER"
done
