#!/bin/sh
# rampart-waf side by side with ModSecurity v3 (Debian's libmodsecurity3 with
# libnginx-mod-http-modsecurity and nginx), both loading the same CRS v4 files:
#   1. the CRS regression corpus through each (paranoia 4, detection mode): pass rates;
#   2. throughput at paranoia 1 in blocking mode, same load generator, same run: requests/s and
#      p50/p99 latency on a benign mix and an attack mix, and the backend alone for the added latency.
# Writes bench/results/waf-modsecurity.md. Needs root (apt) and ../shared/waf/crs (or $CRS).
# Usage: bench/waf-modsecurity.sh [SECONDS] [CONNECTIONS]   (OUT=FILE to write elsewhere, e.g. for a
# one-connection latency run: OUT=bench/results/waf-latency.md bench/waf-modsecurity.sh 10 1)
set -eu
cd "$(dirname "$0")/.."
SECS=${1:-10}
CONNS=${2:-8}
CRS=${CRS:-$(cd ../shared/waf/crs && pwd)}
W=$(mktemp -d /tmp/rampart-waf-bench.XXXXXX)
OUT=${OUT:-bench/results/waf-modsecurity.md}
dpkg -s libmodsecurity3 libnginx-mod-http-modsecurity nginx >/dev/null 2>&1 ||
  DEBIAN_FRONTEND=noninteractive apt-get install -y libmodsecurity3 libnginx-mod-http-modsecurity nginx >/dev/null
cargo build --release -q -p rampart-waf --bin rampart-waf --example loadgen
BIN=target/release/rampart-waf
LOAD=target/release/examples/loadgen
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null || true; done; [ -f "$W/nginx.pid" ] && kill "$(cat "$W/nginx.pid")" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT

# The backend: rampart-waf's albedo-style test server (200s, /reflect).
$BIN albedo --listen 127.0.0.1:18082 & PIDS="$PIDS $!"

# ModSecurity: CRS as published, the body processors of ModSecurity's recommended configuration.
modsec_conf() { # $1 file, $2 engine, $3 paranoia
  cat > "$1" <<CONF
SecRuleEngine $2
SecRequestBodyAccess On
SecResponseBodyAccess On
SecResponseBodyMimeType text/plain text/html text/xml application/json
SecRequestBodyLimit 13107200
SecRequestBodyNoFilesLimit 131072
SecAuditEngine Off
SecRule REQUEST_HEADERS:Content-Type "^(?:application(?:/soap\+|/)|text/)xml" "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"
SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
SecAction "id:900000,phase:1,pass,nolog,setvar:tx.blocking_paranoia_level=$3,setvar:tx.detection_paranoia_level=$3"
Include $CRS/crs-setup.conf.example
Include $CRS/rules/*.conf
CONF
}
modsec_conf "$W/detect.conf" DetectionOnly 4
modsec_conf "$W/block.conf" On 1
cat > "$W/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_http_modsecurity_module.so;
worker_processes 2;
pid $W/nginx.pid;
error_log $W/error.log info;  # ModSecurity logs rule matches at info
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $W/body; proxy_temp_path $W/proxy;
  fastcgi_temp_path $W/fcgi; uwsgi_temp_path $W/uwsgi; scgi_temp_path $W/scgi;
  server { listen 127.0.0.1:18080; modsecurity on; modsecurity_rules_file $W/detect.conf;
           location / { proxy_pass http://127.0.0.1:18082; proxy_set_header Host \$host; } }
  server { listen 127.0.0.1:18085; modsecurity on; modsecurity_rules_file $W/block.conf;
           location / { proxy_pass http://127.0.0.1:18082; proxy_set_header Host \$host; } }
}
CONF
nginx -c "$W/nginx.conf" -p "$W"
$BIN run --listen 127.0.0.1:18090 --upstream http://127.0.0.1:18082 --rules "$CRS/crs-setup.conf.example" "$CRS/rules" \
  --local-rules "$W/none" --mode block --paranoia 1 --audit-log "$W/audit.json" 2>/dev/null & PIDS="$PIDS $!"
sleep 3

rw=$($BIN conformance --crs "$CRS" | tail -1)
ms=$($BIN conformance --crs "$CRS" --target 127.0.0.1:18080 --error-log "$W/error.log" | tail -1)

{
  echo "# rampart-waf and ModSecurity v3, same CRS v4 files ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "ModSecurity: libmodsecurity3 $(dpkg-query -W -f '${Version}' libmodsecurity3), nginx $(dpkg-query -W -f '${Version}' nginx-common), connector $(dpkg-query -W -f '${Version}' libnginx-mod-http-modsecurity), 2 workers; rampart-waf: 2 runtime threads. Load: \`loadgen\` ($CONNS keep-alive connections, ${SECS} s each), on the same machine."
  echo
  echo "## CRS regression corpus (paranoia 4, detection mode, no overrides file)"
  echo
  echo "- rampart-waf: $rw"
  echo "- ModSecurity v3: $ms"
  echo
  echo "## Throughput (paranoia 1, blocking mode)"
  echo
  echo "Mixes: \`benign\` cycles three requests (12-14 parameters each); \`varied\` is the same requests"
  echo "with values that change on every request; \`attack\` cycles five injections. Added p99: the proxy's"
  echo "p99 minus the backend's, same mix."
  echo
  echo '```'
  p99() { sed 's/.*"p99_ms":\([0-9.]*\).*/\1/'; }
  for mix in benign varied attack; do
    b=$($LOAD 127.0.0.1:18082 "$SECS" "$CONNS" $mix); echo "backend alone: $b"
    r=$($LOAD 127.0.0.1:18090 "$SECS" "$CONNS" $mix); echo "rampart-waf:   $r"
    m=$($LOAD 127.0.0.1:18085 "$SECS" "$CONNS" $mix); echo "modsecurity:   $m"
    added() { awk -v a="$(echo "$1" | p99)" -v b="$(echo "$b" | p99)" 'BEGIN { printf "%.3f", a - b }'; }
    echo "added p99 ($mix): rampart-waf $(added "$r") ms, modsecurity $(added "$m") ms"
  done
  echo '```'
} > "$OUT"
cat "$OUT"
