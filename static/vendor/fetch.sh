#!/bin/sh
# Refresh the vendored browser assets (the map's; the embed's iframe-resizer) from the npm registry.
#
#   sh static/vendor/fetch.sh            # versions below
#   LEAFLET_VERSION=1.9.4 IFRAME_RESIZER_VERSION=4.3.11 sh static/vendor/fetch.sh
#
# Downloads the release tarballs with `npm pack` (which checks them against the
# registry's integrity hash), copies only the files the map uses plus each
# package's licence into static/vendor/<package>-<version>/, and rewrites
# SHA256SUMS. If you change a version, also change the matching constant in
# components/clinic_map/assets.py (or, for iframe-resizer, the README's embed snippet and
# tests/browser/embed_parent.html) and the table in static/vendor/README.md, then
# delete the old folder.
set -eu

LEAFLET_VERSION="${LEAFLET_VERSION:-1.9.4}"
# Version 4 is MIT; 5 is GPL (or commercial), so never 5. 4.3.11 is the last 4.x whose
# package ships its LICENSE file (and does not print an upgrade notice in the console).
IFRAME_RESIZER_VERSION="${IFRAME_RESIZER_VERSION:-4.3.11}"

vendor_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

cd "$work"
npm pack --silent "leaflet@$LEAFLET_VERSION" "iframe-resizer@$IFRAME_RESIZER_VERSION" >/dev/null
mkdir leaflet iframe-resizer
tar -xzf "leaflet-$LEAFLET_VERSION.tgz" -C leaflet
tar -xzf "iframe-resizer-$IFRAME_RESIZER_VERSION.tgz" -C iframe-resizer

leaflet_out="$vendor_dir/leaflet-$LEAFLET_VERSION"
rm -rf "$leaflet_out"
mkdir -p "$leaflet_out/images"

# Leaflet: script, stylesheet, the default marker icon (1x, 2x) and its shadow.
# layers*.png (layer-switcher control) is left out: the map has no such control.
cp leaflet/package/dist/leaflet.js leaflet/package/dist/leaflet.css leaflet/package/LICENSE "$leaflet_out/"
for png in marker-icon.png marker-icon-2x.png marker-shadow.png; do
    cp "leaflet/package/dist/images/$png" "$leaflet_out/images/"
done

# iframe-resizer: only the parent-page script (the embedding site loads it); Streamlit
# already ships the child script inside the app.
iframe_resizer_out="$vendor_dir/iframe-resizer-$IFRAME_RESIZER_VERSION"
rm -rf "$iframe_resizer_out"
mkdir -p "$iframe_resizer_out"
cp iframe-resizer/package/js/iframeResizer.min.js iframe-resizer/package/LICENSE "$iframe_resizer_out/"

cd "$vendor_dir"
find . -type f ! -name SHA256SUMS ! -name README.md ! -name fetch.sh | LC_ALL=C sort | sed 's|^\./||' \
    | xargs sha256sum > SHA256SUMS
echo "Vendored leaflet $LEAFLET_VERSION and iframe-resizer $IFRAME_RESIZER_VERSION into $vendor_dir"
