#!/usr/bin/env bash
# Runs the app in a virtual X display (Xvfb), waits for its window and saves a PNG of it.
#
#   scripts/screenshot.sh OUTPUT.png [BINARY]
#
# BINARY defaults to target/release/cadence-coach, else target/debug/cadence-coach.
# PLAY=1 presses Space first (start a free run), PLAY=plan presses Enter (start today's
# planned run); SETTLE=seconds to wait before the shot (default 2). DATA=folder copies
# a data folder (for example one made by `cargo run --example seed_demo_data`) into the
# app's; SCREEN=Run|Baseline|Plan|Training|History|Settings|Advice|Start opens that
# screen. SHOTS=n takes n shots one after another instead of one, saved as OUTPUT-1.png
# to OUTPUT-n.png (a playing window's flash is lit in some of them). The app's data and
# window state go to a temporary folder, never the user's.
# Where pulseaudio is installed, the sound goes to a private null sink
# (scripts/pulse-null-sink.sh), so no notice about this machine's sound card shows.
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
if [[ -n ${DATA:-} ]]; then
  cp -R "$DATA"/. "$data"/
fi
if [[ -n ${SCREEN:-} ]]; then
  # eframe's storage: a RON map from key to the RON text of the value.
  printf '{"cadence-coach-preferences": "(screen: %s)"}\n' "$SCREEN" >"$data/window.ron"
fi
app=
cleanup() {
  if [[ -n $app ]]; then
    kill "$app" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
  fi
  if [[ -n ${CADENCE_PULSE_PID:-} ]]; then
    kill "$CADENCE_PULSE_PID" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT

if command -v pulseaudio >/dev/null; then
  eval "$("$root/scripts/pulse-null-sink.sh" 2>/dev/null)"
fi

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
case ${PLAY:-} in
  1 | plan)
    xdotool windowfocus --sync "$window" 2>/dev/null || true
    if [[ $PLAY == plan ]]; then key=Return; else key=space; fi
    xdotool key --clearmodifiers "$key"
    ;;
esac
# The pointer in a corner: no hover effects in the shot.
xdotool mousemove 0 0 2>/dev/null || true
sleep "${SETTLE:-2}"
if [[ -n ${SHOTS:-} ]]; then
  for ((shot = 1; shot <= SHOTS; shot++)); do
    import -window "$window" "${out%.png}-$shot.png"
  done
  echo "saved $SHOTS shots as ${out%.png}-N.png"
else
  import -window "$window" "$out"
  echo "saved $out"
fi
# The app's threads by name, for the tests (Mesa names its renderer's "llvmpipe-N").
echo "threads $(cat /proc/"$app"/task/*/comm 2>/dev/null | sort -u | tr '\n' ' ')"
