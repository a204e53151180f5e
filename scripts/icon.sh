#!/usr/bin/env bash
# Renders assets/cadence-coach.svg to the 256x256 PNG the window and the .desktop file
# use. Needs rsvg-convert (Debian: librsvg2-bin); ImageMagick's own SVG renderer drops
# unfilled arcs.
set -euo pipefail
assets=$(cd "$(dirname "$0")/../assets" && pwd)
rsvg-convert -w 256 -h 256 "$assets/cadence-coach.svg" -o "$assets/cadence-coach.png"
echo "wrote $assets/cadence-coach.png"
