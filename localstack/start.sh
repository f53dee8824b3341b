#!/usr/bin/env bash
# Starts the embedded LocalStack on 127.0.0.1:4566 (installing it on first use), keeps it running after this
# script exits (stop.sh ends it), and prints its endpoint.
cd "$(dirname "$0")/.." && exec npx tsx localstack/control.ts start
