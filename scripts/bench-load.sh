#!/usr/bin/env bash
# Side by side, in one run: our clicks and gtick's (Debian's GTK metronome, libpulse),
# each played for SECONDS at 180 beats per minute through the same private PulseAudio
# null sink while stress-ng keeps every core busy. The sink's monitor is recorded and
# each click's onset compared with the ideal grid anchored at the first click.
#
#   scripts/bench-load.sh [SECONDS]      # default 60
#
# CADENCE_BINARY=path runs that build of ours instead of building a release one.
#
# Prints a table: clicks heard of those expected, worst offset from the grid (frames and
# ms), drift (last click's offset), and each player's CPU use (% of one core).
# Needs: pulseaudio pulseaudio-utils stress-ng gtick xvfb xdotool python3.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
spm=180
work=$(mktemp -d -t cadence-bench-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; [[ -n ${CADENCE_PULSE_PID:-} ]] && kill "$CADENCE_PULSE_PID" 2>/dev/null; rm -rf "$work"' EXIT

if [[ -n ${CADENCE_BINARY:-} ]]; then
  ours=$CADENCE_BINARY
else
  cargo build --release --quiet
  ours=target/release/cadence-coach
fi

eval "$(scripts/pulse-null-sink.sh 2>/dev/null)"
export XDG_RUNTIME_DIR="$work"
Xvfb :93 -screen 0 800x600x24 >/dev/null 2>&1 &
export DISPLAY=:93
sleep 1

# gtick reads its speed from ~/.gtickrc.
mkdir -p "$work/home"
cat >"$work/home/.gtickrc" <<EOF
SampleFilename = <default>
SoundDevice = pulse
Speed = $spm
Volume = 100
Meter = 1
Accents = 1
EOF

cpu_of() { # pid -> utime+stime in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

record() { # name -> raw float32 mono samples in $work/NAME.raw while $2.. runs
  local name=$1
  shift
  parec -d cadence_test.monitor --format=float32le --rate=48000 --channels=1 \
    --latency-msec=20 >"$work/$name.raw" &
  local rec=$!
  sleep 0.5
  "$@"
  sleep 0.5
  kill "$rec"
  wait "$rec" 2>/dev/null || true
}

play_ours() {
  "$ours" play --spm "$spm" --minutes "$(python3 -c "print($seconds / 60)")" \
    >"$work/ours.out" 2>"$work/ours.err" &
  local pid=$!
  sleep 0.2
  local before now
  before=$(cpu_of "$pid" 2>/dev/null || echo 0)
  now=$before
  while kill -0 "$pid" 2>/dev/null; do
    now=$(cpu_of "$pid" 2>/dev/null || echo "$now")
    sleep 0.2
  done
  wait "$pid" || true
  echo "$((now - before))" >"$work/ours.cpu"
}

play_gtick() {
  HOME="$work/home" gtick >/dev/null 2>&1 &
  local pid=$!
  sleep 2
  local window
  window=$(xdotool search --sync --onlyvisible --pid "$pid" | head -1)
  xdotool windowfocus --sync "$window" key space
  local before
  before=$(cpu_of "$pid")
  sleep "$seconds"
  local after
  after=$(cpu_of "$pid")
  xdotool windowfocus --sync "$window" key space
  sleep 0.3
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$((after - before))" >"$work/gtick.cpu"
}

stress-ng --cpu 4 --timeout "$((2 * seconds + 60))s" >/dev/null 2>&1 &
sleep 1
record ours play_ours
record gtick play_gtick

python3 - "$work" "$seconds" "$spm" "$(getconf CLK_TCK)" <<'EOF'
import array, sys
work, seconds, spm, tck = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
rate = 48000
spacing = rate * 60 / spm
expected = int(seconds * spm / 60)
print(f"{'player':8} {'clicks':>9} {'worst off':>16} {'drift':>14} {'CPU':>7}")
for name in ("ours", "gtick"):
    samples = array.array("f")
    with open(f"{work}/{name}.raw", "rb") as f:
        samples.frombytes(f.read())
    onsets, quiet = [], rate // 50
    for i, s in enumerate(samples):
        if abs(s) > 0.01:
            if quiet >= rate // 50:
                onsets.append(i)
            quiet = 0
        else:
            quiet += 1
    if not onsets:
        print(f"{name:8} no clicks recorded")
        continue
    offsets = [o - (onsets[0] + round((o - onsets[0]) / spacing) * spacing) for o in onsets]
    worst = max(abs(o) for o in offsets)
    drift = offsets[-1]
    cpu = int(open(f"{work}/{name}.cpu").read()) / tck / seconds * 100
    print(f"{name:8} {len(onsets):>4}/{expected:<4} {worst:>6.0f} fr {worst / 48:>5.2f} ms"
          f" {drift:>5.0f} fr {drift / 48:>5.2f} ms {cpu:>6.2f}%")
EOF
grep -h "through\|underrun" "$work/ours.err" "$work/ours.out" | sed 's/^/ours: /'
