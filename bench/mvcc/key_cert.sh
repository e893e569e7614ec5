#!/usr/bin/env bash
# bench/mvcc/key_cert.sh BUILD/pgpeekd: serializable blocks that update and read one random
# account by key (8 pgbench clients, 8 s, 10,000 accounts): tps and how many were retried
# on 40001. Run it against two builds to compare certification granularity.
set -euo pipefail
BIN=$1
W=$(mktemp -d)
"$BIN" --listen 127.0.0.1:0 --port-file "$W/port" --data-dir none --http-listen off >/dev/null 2>&1 &
PID=$!
trap 'kill $PID; wait $PID 2>/dev/null; rm -rf $W' EXIT
for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
P=$(head -n1 "$W/port")
for _ in $(seq 100); do pg_isready -q -h 127.0.0.1 -p $P && break; sleep 0.05; done
vals=$(/usr/bin/python3 -c "print(','.join(f'({i},0)' for i in range(1,10001)))")
psql -Xq -h 127.0.0.1 -p $P -U materialize materialize -c "CREATE TABLE accounts (aid int PRIMARY KEY, abalance int)" -c "INSERT INTO accounts VALUES $vals"
cat > $W/tx.sql <<'SQL'
\set aid random(1, 10000)
\set delta random(-5000, 5000)
BEGIN;
UPDATE accounts SET abalance = abalance + :delta WHERE aid = :aid;
SELECT abalance FROM accounts WHERE aid = :aid;
END;
SQL
pgbench -n -M prepared -c 8 -T 8 --max-tries 1000 --latency-limit 30000 --failures-detailed -f $W/tx.sql -h 127.0.0.1 -p $P -U materialize materialize 2>&1 | grep -E "^tps|retried|serialization|failed"
