#!/bin/sh
# Runs a command as if on a machine with only Node and npm (issue 17): inside a private mount namespace
# it hides Debian's chromium (/usr/lib/chromium, /usr/bin/chromium), the system Vulkan loader
# (libvulkan.so.1*, wherever ld.so finds it), the NSS/NSPR libraries chromium pulled in (a Node-only
# image lacks them), the system ICD manifests (/usr/share/vulkan, /etc/vulkan) and the unpacked npm
# cache (node_modules/.cache/occam-lens), so the command must unpack and use what `npm ci` installed.
# Files are hidden with overlayfs whiteouts, so they are absent (ENOENT), not empty stand-ins.
#   usage: scripts/fresh-machine.sh COMMAND [ARGS...]
# Needs unshare(1); as root it works as is, otherwise it maps the user to root in a user namespace.
set -eu
if [ "${OCCAM_FRESH_INSIDE:-}" != 1 ]; then
  if [ "$(id -u)" = 0 ]; then flags='--mount --propagation private'; else flags='--mount --map-root-user'; fi
  # shellcheck disable=SC2086
  OCCAM_FRESH_INSIDE=1 exec unshare $flags sh "$0" "$@"
fi

scratch=$(mktemp -d)
mount -t tmpfs tmpfs "$scratch"

# Hides the named files of directory $1 (a whiteout each in an overlay's upper layer).
hide() {
  dir=$1
  shift
  n=$(echo "$dir" | tr / _)
  mkdir -p "$scratch/$n.up" "$scratch/$n.work"
  for f in "$@"; do mknod "$scratch/$n.up/$f" c 0 0; done
  mount -t overlay overlay -o "lowerdir=$dir,upperdir=$scratch/$n.up,workdir=$scratch/$n.work" "$dir"
}

# The Vulkan loader: every directory ld.so's cache lists it in, and the usual multiarch places.
dirs=$( (ldconfig -p 2>/dev/null | sed -n 's/.*libvulkan\.so\.1 .*=> \(.*\)\/libvulkan\.so\.1$/\1/p'; \
  ls -d /usr/lib/*-linux-gnu /usr/lib /usr/lib64 /usr/local/lib 2>/dev/null) | xargs -n1 realpath 2>/dev/null | sort -u)
for d in $dirs; do
  files=$(cd "$d" && ls -d libvulkan.so.1* libnss3.so* libnssutil3.so* libnspr4.so* libplc4.so* libplds4.so* \
    libsmime3.so* libssl3.so* 2>/dev/null || true)
  # shellcheck disable=SC2086
  [ -n "$files" ] && hide "$d" $files
done
[ -e /usr/bin/chromium ] && hide /usr/bin chromium
repo=$(cd "$(dirname "$0")/.." && pwd)
for d in /usr/lib/chromium /usr/share/vulkan /etc/vulkan "$repo/node_modules/.cache/occam-lens"; do
  [ -d "$d" ] && mount -t tmpfs tmpfs "$d"
done

# Check the simulation before trusting it: no libvulkan.so.1 may load, no chromium may be left.
for lib in libvulkan.so.1 libnss3.so; do
  if node -e "try{process.dlopen({exports:{}},'$lib',1)}catch(e){process.exit(/cannot open shared object/.test(e.message)?0:1)}"; then :; else
    echo "fresh-machine: the system $lib is still loadable" >&2
    exit 3
  fi
done
if [ -e /usr/bin/chromium ] || [ -e /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  echo "fresh-machine: Debian chromium is still visible" >&2
  exit 3
fi
exec "$@"
