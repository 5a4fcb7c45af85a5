#!/usr/bin/env bash
# Installs the gridshare edge agent as a hardened systemd service.
#
#   sudo firmware-config/os/install.sh --lib DIR [--config FILE] [--root DIR] [--no-start] [--with-simulator]
#
#   --lib DIR      the agent's jars (edge-agent, its runtime dependencies and the cli jar with the
#                  entry point org.gridshare.cli.agent.AgentMain; see docs/operations.md, "Install")
#   --with-simulator  also install DIR/sim/*.jar (Pi4J's mock plugin, com.pi4j:pi4j-plugin-mock) into
#                  /opt/gridshare/lib/sim, for meter.type s0-simulated; without it there is no lib/sim
#   --config FILE  agent.yaml to install as /etc/gridshare/agent.yaml (an existing one is kept)
#   --root DIR     install into an image or a staging directory instead of this system (no systemctl)
#   --no-start     enable the service but do not start it
#
# Creates the system user gridshare (groups gpio, dialout) with systemd-sysusers, the directories
# with systemd-tmpfiles (/var/lib/gridshare 0700, /etc/gridshare 0750 root:gridshare), copies the jars
# to /opt/gridshare/lib (root-owned, read-only for the service) and the unit to
# /etc/systemd/system/gridshare-agent.service. Pi4J's mock plugin never goes into /opt/gridshare/lib (the
# unit's class path): a simulated meter loads it from lib/sim, and a real meter's Pi4J never sees it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lib="" config="" root="" start=1 simulator=0
while [ $# -gt 0 ]; do
  case "$1" in
    --lib) lib="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --root) root="$(realpath -m "$2")"; shift 2 ;;
    --no-start) start=0; shift ;;
    --with-simulator) simulator=1; shift ;;
    *) echo "install.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ -n "$lib" ] || { echo "install.sh: --lib DIR (the agent's jars) is required" >&2; exit 2; }
ls "$lib"/*.jar >/dev/null 2>&1 || { echo "install.sh: no jars in $lib" >&2; exit 2; }
ls "$lib"/edge-agent-*.jar >/dev/null 2>&1 || { echo "install.sh: $lib has no edge-agent jar" >&2; exit 2; }
ls "$lib"/cli-*.jar >/dev/null 2>&1 || { echo "install.sh: $lib has no cli jar (the agent's entry point)" >&2; exit 2; }
if ls "$lib"/pi4j-plugin-mock-*.jar >/dev/null 2>&1; then
  echo "install.sh: $lib holds Pi4J's mock plugin: it must not be on the box's class path; move it to $lib/sim" \
    "(installed only with --with-simulator)" >&2
  exit 2
fi
if [ "$simulator" -eq 1 ]; then
  ls "$lib"/sim/pi4j-plugin-mock-*.jar >/dev/null 2>&1 \
    || { echo "install.sh: --with-simulator needs $lib/sim/pi4j-plugin-mock-*.jar (com.pi4j:pi4j-plugin-mock)" >&2; exit 2; }
fi
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (it creates a user and root-owned files)" >&2; exit 1; }
for tool in systemd-sysusers systemd-tmpfiles; do
  command -v "$tool" >/dev/null || { echo "install.sh: $tool missing (Debian package systemd)" >&2; exit 1; }
done
if [ -z "$root" ]; then
  major="$(/usr/bin/java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [ "${major:-0}" -ge 21 ] 2>/dev/null \
    || { echo "install.sh: /usr/bin/java must be Java 21 or newer (found '${major:-none}')" >&2; exit 1; }
fi

rootflag=()
[ -n "$root" ] && rootflag=(--root="$root")

install -d -m 0755 "$root/usr/lib/sysusers.d" "$root/usr/lib/tmpfiles.d" "$root/etc/systemd/system"
install -m 0644 "$here/gridshare-agent.sysusers" "$root/usr/lib/sysusers.d/gridshare-agent.conf"
install -m 0644 "$here/gridshare-agent.tmpfiles" "$root/usr/lib/tmpfiles.d/gridshare-agent.conf"
systemd-sysusers "${rootflag[@]}" gridshare-agent.conf
systemd-tmpfiles "${rootflag[@]}" --create gridshare-agent.conf

# jars: root-owned and read-only for the service (it cannot replace its own code)
install -d -m 0755 "$root/opt/gridshare" "$root/opt/gridshare/lib"
rm -f "$root/opt/gridshare/lib/"*.jar
install -m 0644 "$lib"/*.jar "$root/opt/gridshare/lib/"
# the unit's JVM options (java @argfile), shared with ./gridshare agent run
install -m 0644 "$here/gridshare-agent.jvm" "$root/opt/gridshare/gridshare-agent.jvm"
rm -rf "$root/opt/gridshare/lib/sim"
if [ "$simulator" -eq 1 ]; then
  install -d -m 0755 "$root/opt/gridshare/lib/sim"
  install -m 0644 "$lib"/sim/*.jar "$root/opt/gridshare/lib/sim/"
fi

gid="$(awk -F: '$1 == "gridshare" { print $3 }' "$root/etc/group")"
if [ -n "$config" ] && [ ! -e "$root/etc/gridshare/agent.yaml" ]; then
  install -m 0640 -o 0 -g "$gid" "$config" "$root/etc/gridshare/agent.yaml"
fi
install -m 0644 "$here/gridshare-agent.service" "$root/etc/systemd/system/gridshare-agent.service"

if [ -n "$root" ]; then
  install -d -m 0755 "$root/etc/systemd/system/multi-user.target.wants"
  ln -sf ../gridshare-agent.service "$root/etc/systemd/system/multi-user.target.wants/gridshare-agent.service"
  echo "install.sh: installed into $root (enabled; started at its next boot)"
  exit 0
fi
systemctl daemon-reload
if [ "$start" -eq 1 ]; then
  systemctl enable --now gridshare-agent.service
else
  systemctl enable gridshare-agent.service
fi
echo "install.sh: gridshare-agent installed; logs: journalctl -u gridshare-agent -o cat"
