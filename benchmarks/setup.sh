#!/usr/bin/env bash
# Installs what the benchmark needs beyond .venv: wrk, the HTTP load generator.
# Without it (no apt-get, not root) benchmarks/run.py falls back to a slower
# Python client and says so in its table.
set -euo pipefail

if command -v wrk >/dev/null 2>&1; then
  echo "setup: wrk is installed: $(command -v wrk)"
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  echo "setup: installed wrk: $(command -v wrk)"
else
  echo "setup: cannot install wrk (needs apt-get as root: apt-get install wrk);" \
       "benchmarks/run.py will use its Python client" >&2
fi
