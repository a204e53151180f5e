#!/usr/bin/env bash
# Compares, in one run on the same generated songs, our tempo with `aubio tempo` and
# `bpm` (bpm-tools), and our stretch time with `rubberband` and `soundstretch`.
# Needs: aubio-tools bpm-tools rubberband-cli soundstretch sox (Debian).
# Usage: scripts/bench-music.sh [WORKDIR]   (prints two Markdown tables)
# BUILD=debug uses the dev build (same tempo figures; its times are not comparable).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
build=${BUILD:-release}
mkdir -p "$work/songs" "$work/out" "$work/data"
if [[ $build == release ]]; then
  cargo build --release --quiet --example music_bench --bin cadence-coach
else
  cargo build --quiet --example music_bench --bin cadence-coach
fi
bench=target/$build/examples/music_bench
app=target/$build/cadence-coach
"$bench" synth "$work/songs"

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l | xargs printf '%.3f'; }
# The runner's target: every tempo is folded into 120-240 (x2, /2) before comparing.
fold() { awk -v t="$1" 'BEGIN { if (t <= 0) { print "-"; exit } while (t < 120) t *= 2; while (t >= 240) t /= 2; printf "%.2f", t }'; }

echo "| song | true BPM | ours (s) | ours folded | aubio (s) | aubio folded | bpm (s) | bpm folded |"
echo "|---|---|---|---|---|---|---|---|"
for file in "$work"/songs/*.wav; do
  name=$(basename "$file" .wav)
  truth=${name%%-*}
  single="$work/one"; rm -rf "$single"; mkdir -p "$single"; cp "$file" "$single/"
  t0=$(now)
  ours=$("$app" --data-dir "$work/data-$name" music scan "$single" --json --spm 170 \
    | sed -n 's/.*"bpm":\([0-9.]*\).*/\1/p')
  t1=$(now)
  aubio_bpm=$(aubio tempo "$file" 2>/dev/null | awk '{print $1}' | tail -1)
  t2=$(now)
  bpm_bpm=$(sox "$file" -t raw -r 44100 -e float -c 1 - 2>/dev/null | bpm -m 60 -x 200)
  t3=$(now)
  echo "| $name | $truth | $(elapsed "$t0" "$t1") | $(fold "${ours:-0}") | $(elapsed "$t1" "$t2") | $(fold "${aubio_bpm:-0}") | $(elapsed "$t2" "$t3") | $(fold "${bpm_bpm:-0}") |"
done

echo
echo "Stretch by 5% (time 0.952) of a 4-minute mono song, 44.1 kHz:"
echo "| tool | seconds | x real time |"
echo "|---|---|---|"
song=$(ls "$work"/songs/*.wav | head -1)
length=$(soxi -D "$song")
ours=$("$bench" stretch "$song" "$work/out/ours.wav" 1.05)
t0=$(now); rubberband -q -T 1.05 "$song" "$work/out/rubberband.wav" >/dev/null 2>&1; t1=$(now)
soundstretch "$song" "$work/out/soundstretch.wav" -tempo=5 >/dev/null 2>&1; t2=$(now)
row() { printf '| %s | %.3f | %.0f |\n' "$1" "$2" "$(echo "$length / $2" | bc -l)"; }
row "ours (WSOLA, stretch only)" "$ours"
row "rubberband" "$(elapsed "$t0" "$t1")"
row "soundstretch" "$(elapsed "$t1" "$t2")"
