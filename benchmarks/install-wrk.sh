#!/bin/sh
# Make sure the load generator benchmarks/loadgen.py prefers is here: wrk (Debian package "wrk").
# Installs it with apt-get when it is missing and we are root or may use sudo without a password;
# otherwise says so, and the benchmarks fall back to several Python client processes.
command -v wrk >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ]; then as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root="sudo -n"
else
    echo "bench: wrk is not installed and apt-get needs root; using Python client processes instead" >&2
    exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing wrk (apt-get install wrk)" >&2
    $as_root apt-get install -y -q wrk >/dev/null 2>&1 \
        || { $as_root apt-get update -q >/dev/null 2>&1 && $as_root apt-get install -y -q wrk >/dev/null 2>&1; } \
        || echo "bench: apt-get could not install wrk; using Python client processes instead" >&2
else
    echo "bench: no apt-get here to install wrk; using Python client processes instead" >&2
fi
exit 0
