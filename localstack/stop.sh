#!/usr/bin/env bash
# Stops the LocalStack that start.sh started (by its pid file), and nothing else.
exec node "$(dirname "$0")/control.mjs" stop
