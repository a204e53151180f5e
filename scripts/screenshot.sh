#!/usr/bin/env bash
# Runs the app in a virtual X display (Xvfb), waits for its window and saves a PNG of it.
#
#   scripts/screenshot.sh OUTPUT.png [BINARY]
#
# BINARY defaults to target/release/cadence-coach, else target/debug/cadence-coach.
# PLAY=1 presses Space first (start a run); SETTLE=seconds to wait before the shot
# (default 2). The app's window state goes to a temporary folder, never the user's.
# Prints "window <id>" once the window is up. Needs xvfb-run, xdotool and ImageMagick.
set -euo pipefail

if (($# < 1)); then
  echo "usage: $0 OUTPUT.png [BINARY]" >&2
  exit 2
fi
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${2:-}
if [[ -z $binary ]]; then
  binary=$root/target/release/cadence-coach
  [[ -x $binary ]] || binary=$root/target/debug/cadence-coach
fi
if [[ ! -x $binary ]]; then
  echo "no binary at $binary; run cargo build first" >&2
  exit 1
fi

if [[ -z ${CADENCE_SCREENSHOT_INSIDE:-} ]]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" \
    env CADENCE_SCREENSHOT_INSIDE=1 "$0" "$out" "$binary"
fi

data=$(mktemp -d)
app=
cleanup() {
  if [[ -n $app ]]; then
    kill "$app" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT

# Mesa's software renderer: Xvfb has no GPU.
export LIBGL_ALWAYS_SOFTWARE=1
CADENCE_COACH_DATA_DIR=$data "$binary" &
app=$!

window=$(timeout 60 xdotool search --sync --onlyvisible --name '^Cadence Coach$' | head -n 1) || true
if [[ -z $window ]]; then
  echo "the window did not appear within 60 s" >&2
  exit 1
fi
echo "window $window"
# The first frames (fonts, layout) take a moment in a debug build.
sleep 1
if [[ ${PLAY:-} == 1 ]]; then
  xdotool windowfocus --sync "$window" 2>/dev/null || true
  xdotool key --clearmodifiers space
fi
sleep "${SETTLE:-2}"
import -window "$window" "$out"
echo "saved $out"
