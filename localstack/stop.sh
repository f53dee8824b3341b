#!/usr/bin/env bash
# Stops the embedded LocalStack that start.sh started (by its pid file), and nothing else.
cd "$(dirname "$0")/.." && exec npx tsx localstack/control.ts stop
