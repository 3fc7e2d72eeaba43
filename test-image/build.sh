#!/bin/sh
# Builds the Berth test image without any registry: a rootfs holding Debian's static busybox with
# its applets as symlinks, piped into `docker import`.
#
# usage: sh test-image/build.sh <tag> <content-hash>
# The hash becomes the label berth.test-image.hash so that scripts/setup.sh can tell when the
# image is stale. Needs: busybox-static (/bin/busybox), a reachable Docker engine.
set -eu

tag=${1:?usage: build.sh <tag> <content-hash>}
hash=${2:?usage: build.sh <tag> <content-hash>}
here=$(cd "$(dirname "$0")" && pwd)
# /bin/busybox comes from busybox-static (scripts/setup.sh installs it): a dynamic busybox would
# fail inside the image for want of its loader.
busybox=/bin/busybox

root=$(mktemp -d /tmp/berth-test-image.XXXXXX)
trap 'rm -rf "$root"' EXIT
trap 'exit 130' INT TERM

mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/www" "$root/proc" "$root/sys" "$root/dev" "$root/root"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
while read -r applet; do
  case $applet in '#'*|'') continue ;; esac
  ln -s busybox "$root/bin/$applet"
done <"$here/applets"
cp "$here/serve" "$root/bin/serve"
chmod 755 "$root/bin/serve"
cp "$here/index.html" "$root/www/index.html"
cp "$here/passwd" "$root/etc/passwd"
cp "$here/group" "$root/etc/group"

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/bin' \
  --change 'EXPOSE 80/tcp' \
  --change 'WORKDIR /' \
  --change 'CMD ["serve"]' \
  --change "LABEL berth.test-image.hash=$hash" \
  --message "berth test image (busybox-static)" \
  - "$tag" >/dev/null
echo "built $tag ($hash)"
