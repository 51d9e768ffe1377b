#!/bin/sh
# Installs, upgrades or removes the CasareRPA robot agent from an unpacked distribution archive,
# on any Linux with systemd. Run it as root from the archive:
#
#   install/linux/install.sh [install]            install, or upgrade in place (idempotent)
#   install/linux/install.sh install --instance N  also set up robot N (casare-agent@N)
#   install/linux/install.sh uninstall [--purge]   remove the program (--purge: settings, data, user)
#   install/linux/install.sh uninstall --instance N [--purge]   remove robot N only
#
# Program: /opt/casare-agent (replaced on upgrade). Settings: /etc/casare-agent/agent.env and
# /etc/casare-agent/<N>.env (never overwritten). Data: /var/lib/casare-agent (kept unless --purge).
# --root DIR works on a folder instead of / (no user, owners, or systemctl; for tests and images).
set -eu

NAME=casare-agent
DIST=$(cd "$(dirname "$0")/../.." && pwd -P)
action=install
instance=
purge=0
root=

say() { printf '%s: %s\n' "$NAME" "$*"; }
fail() {
  printf '%s: error: %s\n' "$NAME" "$*" >&2
  exit 1
}
usage() {
  sed -n '2,14s/^# \{0,1\}//p' "$0"
  exit "$1"
}

while [ $# -gt 0 ]; do
  case $1 in
    install | upgrade | uninstall) action=$1 ;;
    --instance)
      [ $# -ge 2 ] || fail "--instance needs a name"
      instance=$2
      shift
      ;;
    --instance=*) instance=${1#--instance=} ;;
    --purge) purge=1 ;;
    --root)
      [ $# -ge 2 ] || fail "--root needs a folder"
      root=$2
      shift
      ;;
    -h | --help) usage 0 ;;
    *)
      printf '%s: error: unknown argument %s\n\n' "$NAME" "$1" >&2
      usage 2
      ;;
  esac
  shift
done
[ "$action" = upgrade ] && action=install

if [ -n "$instance" ]; then
  case $instance in
    [A-Za-z0-9]*) ;;
    *) fail "--instance $instance: start with a letter or digit" ;;
  esac
  case $instance in
    *[!A-Za-z0-9_-]*) fail "--instance $instance: use only letters, digits, '-' and '_'" ;;
  esac
fi

PREFIX=$root/opt/$NAME
ETC=$root/etc/$NAME
STATE=$root/var/lib/$NAME
CACHE=$root/var/cache/$NAME
UNITS=$root/etc/systemd/system
LINK=$root/usr/local/bin/$NAME

if [ -z "$root" ]; then
  [ "$(id -u)" = 0 ] || fail "run as root (sudo $0 $action ...)"
  if command -v dpkg-query >/dev/null 2>&1 &&
    dpkg-query -W -f '${Status}' "$NAME" 2>/dev/null | grep -q 'ok installed'; then
    fail "the $NAME .deb is installed on this machine; upgrade or remove it with apt instead"
  fi
fi

systemd_up() { [ -z "$root" ] && [ -d /run/systemd/system ]; }

# systemctl, but only on a live systemd (not with --root); failures are reported, not fatal
sysctl() {
  if systemd_up; then
    systemctl "$@" || say "warning: systemctl $* failed (see: systemctl status ...)"
  fi
}

unit_name() {
  if [ -n "$1" ]; then echo "$NAME@$1.service"; else echo "$NAME.service"; fi
}

env_file() {
  if [ -n "$1" ]; then echo "$ETC/$1.env"; else echo "$ETC/agent.env"; fi
}

ensure_user() {
  [ -z "$root" ] || return 0
  if ! getent group "$NAME" >/dev/null; then
    groupadd --system "$NAME"
    say "created group $NAME"
  fi
  if ! getent passwd "$NAME" >/dev/null; then
    nologin=/usr/sbin/nologin
    [ -x "$nologin" ] || nologin=/sbin/nologin
    useradd --system --gid "$NAME" --home-dir "/var/lib/$NAME" --no-create-home \
      --shell "$nologin" --comment "CasareRPA robot agent" "$NAME"
    say "created system user $NAME"
  fi
}

# owner and mode, skipped with --root (the user exists only on the real system)
own() {
  mode=$1 owner=$2
  shift 2
  chmod "$mode" "$@"
  [ -n "$root" ] || chown "$owner" "$@"
}

install_program() {
  [ -f "$DIST/lib/$NAME.jar" ] || fail "$DIST/lib/$NAME.jar is missing: run this from an unpacked casare-agent archive"
  if [ ! -x "$DIST/runtime/bin/java" ]; then
    java=${JAVA_HOME:+$JAVA_HOME/bin/}java
    if ! command -v "$java" >/dev/null 2>&1; then
      say "warning: this archive has no runtime/ and no Java was found; install Java 21+ or use the -linux-x64 archive"
    fi
  fi
  mkdir -p "$(dirname "$PREFIX")"
  rm -rf "$PREFIX.new"
  mkdir -p "$PREFIX.new"
  for part in bin lib config install runtime; do
    if [ -e "$DIST/$part" ]; then cp -R "$DIST/$part" "$PREFIX.new/"; fi
  done
  chmod -R go-w "$PREFIX.new"
  if [ -d "$PREFIX" ]; then
    verb=upgraded
    rm -rf "$PREFIX.old"
    mv "$PREFIX" "$PREFIX.old"
    mv "$PREFIX.new" "$PREFIX"
    rm -rf "$PREFIX.old"
  else
    verb=installed
    mv "$PREFIX.new" "$PREFIX"
  fi
  mkdir -p "$(dirname "$LINK")"
  ln -sfn "/opt/$NAME/bin/$NAME" "$LINK"
  say "$verb $("$PREFIX/bin/$NAME" version 2>/dev/null || echo "the program") in $PREFIX"

  mkdir -p "$UNITS"
  for unit in "$NAME.service" "$NAME@.service"; do
    cp "$DIST/install/linux/$unit" "$UNITS/$unit"
    chmod 0644 "$UNITS/$unit"
  done
  mkdir -p "$ETC" "$STATE"
  own 0750 "root:$NAME" "$ETC"
  own 0750 "$NAME:$NAME" "$STATE"
  sysctl daemon-reload
}

# the lowest ops port from 9471 that no other settings file of this machine uses
free_ops_port() {
  port=9471
  while grep -qs "^ROBOT_OPS_PORT=$port\$" "$ETC"/*.env; do
    port=$((port + 1))
  done
  echo "$port"
}

install_config() {
  file=$(env_file "$1")
  if [ -f "$file" ]; then
    say "kept your settings in $file"
    return 0
  fi
  if [ -n "$1" ]; then
    port=$(free_ops_port)
    sed -e "s/^ROBOT_OPS_PORT=.*/ROBOT_OPS_PORT=$port/" -e "s/^ROBOT_NAME=.*/ROBOT_NAME=$1/" \
      "$DIST/config/agent.env.example" >"$file.tmp"
    say "robot $1 gets ops port $port (/healthz, /metrics)"
  else
    cp "$DIST/config/agent.env.example" "$file.tmp"
  fi
  own 0640 "root:$NAME" "$file.tmp"
  mv "$file.tmp" "$file"
  say "wrote $file: fill in SUPABASE_URL, SUPABASE_ANON_KEY and ROBOT_API_KEY"
}

configured() { grep -qs '^ROBOT_API_KEY=..*' "$(env_file "$1")"; }

do_install() {
  ensure_user
  install_program
  install_config ""
  [ -z "$instance" ] || install_config "$instance"
  if [ -n "$instance" ]; then
    mkdir -p "$STATE/instances"
    own 0750 "$NAME:$NAME" "$STATE/instances"
  fi
  if [ "$verb" = upgraded ]; then
    say "restarting the running agents (each drains its jobs first)"
    sysctl try-restart "$NAME.service" "$NAME@*.service"
  fi
  target=$(unit_name "$instance")
  if [ -n "$instance" ] || [ "$verb" = installed ]; then
    if configured "$instance"; then
      sysctl enable --now "$target"
      say "enabled and started $target"
    else
      sysctl enable "$target"
      say "enabled $target; start it once $(env_file "$instance") is filled in: systemctl start $target"
    fi
  fi
  if ! systemd_up; then
    say "systemd is not running here: nothing was enabled or started"
  fi
  say "logs: journalctl -u $target -f    status: systemctl status $target"
}

do_uninstall_instance() {
  target=$(unit_name "$instance")
  sysctl disable --now "$target"
  say "stopped and disabled $target"
  if [ "$purge" = 1 ]; then
    rm -f "$(env_file "$instance")"
    rm -rf "$STATE/instances/$instance" "$CACHE/instances/$instance"
    say "deleted the settings and data of $instance"
  else
    say "kept $(env_file "$instance") and $STATE/instances/$instance (--purge deletes them)"
  fi
}

do_uninstall() {
  if [ -n "$instance" ]; then
    do_uninstall_instance
    return 0
  fi
  if systemd_up; then
    systemctl stop "$NAME.service" "$NAME@*.service" || true
    systemctl disable "$NAME.service" >/dev/null 2>&1 || true
    for link in /etc/systemd/system/*.wants/"$NAME"@*.service; do
      if [ -L "$link" ]; then systemctl disable "$(basename "$link")" >/dev/null 2>&1 || true; fi
    done
  fi
  rm -f "$UNITS/$NAME.service" "$UNITS/$NAME@.service" "$LINK"
  rm -rf "$PREFIX" "$PREFIX.new" "$PREFIX.old"
  sysctl daemon-reload
  say "removed the program and its units"
  if [ "$purge" = 1 ]; then
    rm -rf "$ETC" "$STATE" "$CACHE"
    if [ -z "$root" ] && getent passwd "$NAME" >/dev/null; then userdel "$NAME" || true; fi
    if [ -z "$root" ] && getent group "$NAME" >/dev/null; then groupdel "$NAME" || true; fi
    say "purged settings ($ETC), data ($STATE) and the $NAME user"
  else
    say "kept settings in $ETC and data in $STATE (uninstall --purge deletes them)"
  fi
}

case $action in
  install) do_install ;;
  uninstall) do_uninstall ;;
esac
