#!/bin/sh
# redis-server on all interfaces of the container (the compose network only; the port is not
# published), protected mode off since it has no password, then the CMD's options.
set -eu
exec redis-server --bind 0.0.0.0 --protected-mode no --dir /data "$@"
