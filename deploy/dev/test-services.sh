#!/usr/bin/env bash
# Make sure what the test suite needs is there: PostgreSQL on 127.0.0.1:5432 (user postgres,
# password postgres) and Debian's Chromium for the browser tests. Installs them with apt-get
# when missing and we are root; otherwise says exactly what is missing and fails.
set -euo pipefail

need_apt=()
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/sbin/nginx ] || need_apt+=(nginx)   # the TLS test runs nodes behind nginx
[ -x /usr/sbin/pgbouncer ] || need_apt+=(pgbouncer)   # the node behind PgBouncer in transaction mode

if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test-services: installing ${need_apt[*]} (Debian packages)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
    else
        echo "test-services: missing ${need_apt[*]}; install them (apt-get install ${need_apt[*]})" >&2
        exit 1
    fi
fi

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432; }
if ! pg_ready; then
    if [ "$(id -u)" = 0 ]; then
        version=$(ls /etc/postgresql | sort -V | tail -n 1)
        pg_ctlcluster --skip-systemctl-redirect "$version" main start
        for _ in $(seq 1 30); do pg_ready && break; sleep 0.5; done
    fi
fi
if ! pg_ready; then
    echo "test-services: PostgreSQL is not answering on 127.0.0.1:5432" >&2
    exit 1
fi
if [ "$(id -u)" = 0 ]; then
    # The tests log in as postgres/postgres over TCP.
    su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
fi
echo "test-services: PostgreSQL, Chromium and nginx ready"
