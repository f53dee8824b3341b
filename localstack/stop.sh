#!/usr/bin/env bash
# Stops the embedded LocalStack on the port (one start.sh started, or one left behind by a process that is gone),
# by its pid file, and nothing else.
cd "$(dirname "$0")/.." && exec npx tsx localstack/control.ts stop
