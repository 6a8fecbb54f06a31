#!/bin/sh
# Make the base image of every ITSM image, localhost/debian-base:bookworm, from Debian's
# mirror with debootstrap: no container registry is needed. Run as root, after
# `. deploy/containers/conf/env.sh` on machines that need it (docs/containers.md).
#
#   MIRROR=http://deb.debian.org/debian TAG=localhost/debian-base:bookworm make-base.sh
set -eu
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
TAG=${TAG:-localhost/debian-base:$SUITE}
ROOTFS=$(mktemp -d "${TMPDIR:-/tmp}/itsm-rootfs.XXXXXX")
chmod 755 "$ROOTFS"  # it becomes the image's /
trap 'rm -rf "$ROOTFS"' EXIT INT TERM

debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" >"$ROOTFS.log" 2>&1 \
    || { tail -n 40 "$ROOTFS.log" >&2; rm -f "$ROOTFS.log"; exit 1; }
rm -f "$ROOTFS.log"

cat > "$ROOTFS/etc/apt/sources.list" <<SRC
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb http://deb.debian.org/debian-security $SUITE-security main
SRC
# Images install with --no-install-recommends and keep no documentation beyond copyrights.
cat > "$ROOTFS/etc/apt/apt.conf.d/90containers" <<'CONF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
CONF
cat > "$ROOTFS/etc/dpkg/dpkg.cfg.d/90containers" <<'CONF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
CONF
# debootstrap leaves its .debs and the package lists behind; images run apt-get update anyway.
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/cache/apt/*.bin \
    "$ROOTFS"/var/lib/apt/lists/*

tar -C "$ROOTFS" --numeric-owner -c . | podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' - "$TAG"
