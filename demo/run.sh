#!/usr/bin/env bash
# demo/run.sh - from a fresh Debian 12 machine: installs what custom_dialing
# needs, builds and installs it, starts a throwaway PostgreSQL cluster, runs
# demo/demo.sql in it (every statement echoed with its result), and drops the
# cluster.  Run as root.
set -eu
cd "$(dirname "$0")/.."
bash tools/ensure_packages.sh postgresql-15 postgresql-server-dev-15 postgresql-client-15 \
	uuid-dev make gcc
make -s
make -s install
# pg_virtualenv creates a cluster, exports PGHOST/PGPORT/PGUSER for the
# command, and removes the cluster afterwards.
pg_virtualenv sh -c 'psql -X -q -v ON_ERROR_STOP=1 -e -f demo/demo.sql'
