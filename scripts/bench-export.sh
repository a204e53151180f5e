#!/usr/bin/env bash
# One hour of clicks at 172 spm as MP3 and as Opus: ours (`cadence-coach render`) against
# the usual pipeline, `klick -W` writing a WAV and then `lame` / `opusenc` encoding it,
# side by side in one run on the same machine. Prints the wall times, the ratio and the
# sizes. Needs the Debian packages klick, lame and opus-tools.
#
#   scripts/bench-export.sh            # builds the release binary first
#   BIN=path/to/cadence-coach scripts/bench-export.sh
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in klick lame opusenc; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install klick lame opus-tools)" >&2; exit 2; }
done
if [[ -z "${BIN:-}" ]]; then
  cargo build --release --locked --quiet
  BIN=target/release/cadence-coach
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Seconds of wall time of a command, to the millisecond.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
size() { stat -c %s "$1"; }
mb() { echo "scale=2; $1 / 1000000" | bc; }

# klick counts bars: 172 bars of 1/4 a minute, 60 minutes.
bars=$((172 * 60))

ours_mp3=$(seconds "$BIN" render --spm 172 --minutes 60 --out "$out/ours.mp3")
ours_opus=$(seconds "$BIN" render --spm 172 --minutes 60 --out "$out/ours.opus")
klick_wav=$(seconds klick -W "$out/klick.wav" -r 48000 "$bars" 1/4 172)
lame_mp3=$(seconds lame --quiet -V 4 "$out/klick.wav" "$out/klick.mp3")
opusenc_opus=$(seconds opusenc --quiet --bitrate 32 "$out/klick.wav" "$out/klick.opus")

pipeline_mp3=$(echo "$klick_wav + $lame_mp3" | bc)
pipeline_opus=$(echo "$klick_wav + $opusenc_opus" | bc)
ratio() { echo "scale=1; $1 / $2" | bc; }

printf '%-34s %9s %9s\n' "one hour at 172 spm" "seconds" "MB"
printf '%-34s %9.2f %9s\n' "cadence-coach render .mp3" "$ours_mp3" "$(mb "$(size "$out/ours.mp3")")"
printf '%-34s %9.2f %9s\n' "klick -W + lame -V 4" "$pipeline_mp3" "$(mb "$(size "$out/klick.mp3")")"
printf '%-34s %9.2f %9s\n' "cadence-coach render .opus" "$ours_opus" "$(mb "$(size "$out/ours.opus")")"
printf '%-34s %9.2f %9s\n' "klick -W + opusenc --bitrate 32" "$pipeline_opus" "$(mb "$(size "$out/klick.opus")")"
printf '%-34s %9.2f %9s\n' "(klick -W alone, 48 kHz WAV)" "$klick_wav" "$(mb "$(size "$out/klick.wav")")"
echo "ours is $(ratio "$pipeline_mp3" "$ours_mp3")x faster for MP3, $(ratio "$pipeline_opus" "$ours_opus")x for Opus"
