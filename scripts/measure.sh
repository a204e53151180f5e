#!/usr/bin/env bash
# CPU time and peak memory of the app in a virtual X display over a while, stopped or
# playing, read from /proc.
#
#   scripts/measure.sh [--play] [--gtick] [--seconds N] [BINARY]
#
# BINARY defaults as in screenshot.sh. With --play, Space starts a free run at 170 spm
# first. With --gtick, gtick (Debian's GTK metronome) is measured instead, playing at
# 170 beats a minute under the same conditions, for comparison. Where pulseaudio is
# installed, both play into a private null sink (scripts/pulse-null-sink.sh), so the
# figure does not depend on this machine's sound card. Mesa's software renderer draws
# (Xvfb has no GPU), so every frame the app draws costs CPU here.
set -euo pipefail

play=0
gtick=0
seconds=30
binary=
while (($#)); do
  case $1 in
    --play) play=1 ;;
    --gtick) gtick=1 ;;
    --seconds) seconds=$2; shift ;;
    *) binary=$1 ;;
  esac
  shift
done
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ -z $binary ]]; then
  binary=$root/target/release/cadence-coach
  [[ -x $binary ]] || binary=$root/target/debug/cadence-coach
fi

if [[ -z ${CADENCE_MEASURE_INSIDE:-} ]]; then
  args=(--seconds "$seconds")
  ((play)) && args+=(--play)
  ((gtick)) && args+=(--gtick)
  exec xvfb-run -a -s "-screen 0 1280x800x24" \
    env CADENCE_MEASURE_INSIDE=1 "$0" "${args[@]}" "$binary"
fi

data=$(mktemp -d)
# A profile with the defaults, so the Run screen opens rather than the first-launch guide.
printf '(version: 1, data: ())\n' >"$data/profile.ron"
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

export LIBGL_ALWAYS_SOFTWARE=1
if ((gtick)); then
  what=gtick
  # gtick reads its settings from ~/.gtickrc.
  cat >"$data/.gtickrc" <<EOF
SampleFilename = <default>
SoundDevice = pulse
Speed = 170
Volume = 100
Meter = 1
Accents = 1
EOF
  HOME=$data gtick >/dev/null 2>&1 &
  app=$!
  window=$(timeout 60 xdotool search --sync --onlyvisible --pid "$app" | head -n 1)
else
  what=cadence-coach
  CADENCE_COACH_DATA_DIR=$data "$binary" &
  app=$!
  window=$(timeout 60 xdotool search --sync --onlyvisible --name '^Cadence Coach$' | head -n 1)
fi
sleep 3
if ((play || gtick)); then
  xdotool windowfocus --sync "$window" 2>/dev/null || true
  xdotool key --clearmodifiers space
  sleep 1
fi

ticks() { awk '{ print $14 + $15 }' "/proc/$app/stat"; }
hz=$(getconf CLK_TCK)
before=$(ticks)
start=$(date +%s.%N)
sleep "$seconds"
after=$(ticks)
end=$(date +%s.%N)
peak=$(awk '/VmHWM/ { print $2 }' "/proc/$app/status")
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$app/status")
threads=$(awk '/Threads/ { print $2 }' "/proc/$app/status")
awk -v t=$((after - before)) -v hz="$hz" -v s="$start" -v e="$end" -v peak="$peak" \
  -v rss="$rss" -v threads="$threads" -v play="$((play || gtick))" -v what="$what" 'BEGIN {
    wall = e - s; cpu = t / hz;
    printf "%s %s: %.2f s CPU over %.1f s (%.2f%% of one core); peak RSS %.1f MiB, RSS now %.1f MiB, %d threads\n",
      what, (play ? "playing" : "stopped"), cpu, wall, 100 * cpu / wall, peak / 1024, rss / 1024, threads
  }'
