#!/usr/bin/env bash
# Bring up a local single-node Docker Swarm for Berth tests and local runs.
#
# Idempotent: reuses a running engine, only installs/starts what is missing.
#   1. docker engine reachable on /var/run/docker.sock (install docker.io + start dockerd when root)
#   2. swarm mode active (single manager on 127.0.0.1)
#   3. test images berth-test/busybox:1 and berth-test/busybox:2 (docker import of a busybox rootfs)
#
# Env: BERTH_DOCKER_WAIT_S (default 60) bounds the wait for dockerd.
set -euo pipefail

WAIT_S="${BERTH_DOCKER_WAIT_S:-60}"
DOCKERD_LOG="/tmp/berth-dockerd.log"
IMAGE_REPO="berth-test/busybox"

log() { printf '[docker-up] %s\n' "$*" >&2; }
die() { printf '[docker-up] error: %s\n' "$*" >&2; exit 1; }

engine_ready() { docker info >/dev/null 2>&1; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed"
    apt_updated=1
  fi
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed"
}

ensure_engine() {
  if engine_ready; then
    log "reusing running docker engine"
    return
  fi
  [ "$(id -u)" = 0 ] || die "docker engine is not reachable and we are not root: start dockerd yourself"
  command -v dockerd >/dev/null 2>&1 || apt_install docker.io
  command -v docker >/dev/null 2>&1 || die "docker CLI missing after install"
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    log "starting dockerd (log: $DOCKERD_LOG)"
    nohup dockerd >"$DOCKERD_LOG" 2>&1 &
  else
    log "dockerd process exists, waiting for it"
  fi
  local waited=0
  until engine_ready; do
    if [ "$waited" -ge "$WAIT_S" ]; then
      tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
      die "dockerd did not become ready within ${WAIT_S}s (see $DOCKERD_LOG)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "docker engine ready after ${waited}s"
}

ensure_swarm() {
  local state
  state="$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown)"
  case "$state" in
    active) log "swarm already active" ;;
    inactive)
      log "initialising swarm"
      # Another docker-up (a parallel bench or test run) may win the race to init: that is fine.
      if ! docker swarm init --advertise-addr 127.0.0.1 >/dev/null; then
        [ "$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)" = "active" ] || die "docker swarm init failed"
        log "swarm was initialised concurrently"
      fi
      ;;
    *) die "swarm is in state '$state'; fix it by hand (docker swarm leave --force?)" ;;
  esac
  [ "$(docker info --format '{{.Swarm.ControlAvailable}}')" = "true" ] || die "this node is not a swarm manager"
}

find_busybox() {
  for b in /bin/busybox /usr/bin/busybox /usr/local/bin/busybox; do
    if [ -x "$b" ] && file_is_static "$b"; then echo "$b"; return; fi
  done
  return 1
}

# A dynamically linked busybox would need the host's libc inside the image.
file_is_static() {
  ! ldd "$1" >/dev/null 2>&1
}

ensure_images() {
  if docker image inspect "$IMAGE_REPO:1" >/dev/null 2>&1 && docker image inspect "$IMAGE_REPO:2" >/dev/null 2>&1; then
    log "test images present"
    return
  fi
  local bb
  if ! bb="$(find_busybox)"; then
    [ "$(id -u)" = 0 ] || die "no static busybox found and not root to install busybox-static"
    apt_install busybox-static
    bb="$(find_busybox)" || die "busybox-static installed but no static busybox binary found"
  fi
  root="$(mktemp -d /tmp/berth-busybox.XXXXXX)"
  trap 'rm -rf "${root:-}"' EXIT
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/var/www" "$root/proc" "$root/sys" "$root/dev"
  chmod 1777 "$root/tmp"
  cp "$bb" "$root/bin/busybox"
  local applet
  for applet in sh ash sleep httpd wget echo cat ls env true false ps kill id hostname nc printf test grep head tail date mkdir rm touch seq; do
    ln -sf busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  echo 'berth test page' >"$root/var/www/index.html"
  log "importing $IMAGE_REPO:1 from $bb"
  tar -C "$root" -cf - . | docker import \
    --change 'ENV PATH=/bin' \
    --change 'CMD ["/bin/sh"]' \
    - "$IMAGE_REPO:1" >/dev/null || die "docker import failed"
  # A second tag with a different image id, for update/rollout tests.
  echo 'berth test page v2' >"$root/var/www/index.html"
  tar -C "$root" -cf - . | docker import \
    --change 'ENV PATH=/bin' \
    --change 'ENV BERTH_TEST_IMAGE=2' \
    --change 'CMD ["/bin/sh"]' \
    - "$IMAGE_REPO:2" >/dev/null || die "docker import of :2 failed"
  log "test images ready"
}

ensure_engine
ensure_swarm
ensure_images
log "ok"
