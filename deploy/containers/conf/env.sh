# Source this (bash or sh) before podman, buildah or podman-compose on machines like the CI VM:
#   . deploy/containers/conf/env.sh
# It points podman at the two files next to it; see docs/containers.md.
_itsm_conf=$(cd "$(dirname "${BASH_SOURCE:-$0}")" && pwd)
export CONTAINERS_CONF="$_itsm_conf/containers.conf"
export CONTAINERS_STORAGE_CONF="$_itsm_conf/storage.conf"
unset _itsm_conf
