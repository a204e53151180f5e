#!/usr/bin/env bash
# Starts a private PulseAudio server whose only output is a null sink, the same one
# tests/device.rs starts, and prints the environment a shell needs to use it:
#
#   eval "$(scripts/pulse-null-sink.sh)"
#   cargo run -- play --spm 170 --minutes 0.1   # plays into the null sink, not your speakers
#   parec -d cadence_test.monitor | ...         # what was played
#   kill "$CADENCE_PULSE_PID"                   # stop it (its folder goes with it)
#
# Like a desktop's server (and the tests' one) it asks for real-time scheduling, which is
# ignored where not permitted. Works as root too (as on CI). Needs pulseaudio, and
# libasound2-plugins for ALSA clients.
# A ~/.asoundrc of your own can still redirect ALSA's default device; `--device pulse`
# always goes through this server.
set -euo pipefail

if ! command -v pulseaudio >/dev/null; then
  echo "pulseaudio is not installed (apt install pulseaudio pulseaudio-utils libasound2-plugins)" >&2
  exit 1
fi

dir=$(mktemp -d -t cadence-pulse-XXXXXX)
mkdir -m 700 "$dir/home" "$dir/runtime"
# Route ALSA's default PCM to this server even where the distribution does not:
# ALSA_CONFIG_PATH takes a list of files, and later ones override earlier ones.
printf 'pcm.!default { type pulse }\nctl.!default { type pulse }\n' >"$dir/asound.conf"
alsa_conf=/usr/share/alsa/alsa.conf
# Clients that lose the server must not start another one.
echo "autospawn = no" >"$dir/client.conf"

HOME="$dir/home" XDG_RUNTIME_DIR="$dir/runtime" XDG_CONFIG_HOME="$dir/home/.config" \
  setsid pulseaudio -n --daemonize=no --exit-idle-time=-1 --system=false --disallow-exit \
  --use-pid-file=no --realtime=yes --high-priority=yes --log-target=stderr \
  --load="module-native-protocol-unix auth-anonymous=1 socket=$dir/native" \
  --load="module-null-sink sink_name=cadence_test rate=48000 norewinds=1" \
  </dev/null >/dev/null 2>"$dir/pulseaudio.log" &
pid=$!

# Remove the folder once the server is gone, however it stops.
(while kill -0 "$pid" 2>/dev/null; do sleep 1; done; rm -rf "$dir") </dev/null >/dev/null 2>&1 &

for _ in $(seq 150); do
  [[ -S $dir/native ]] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "pulseaudio did not start:" >&2
    cat "$dir/pulseaudio.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ ! -S $dir/native ]]; then
  echo "pulseaudio did not open its socket; see $dir/pulseaudio.log" >&2
  exit 1
fi

echo "export PULSE_SERVER='unix:$dir/native'"
echo "export PULSE_SINK=cadence_test"
echo "export PULSE_SOURCE=cadence_test.monitor"
echo "export PULSE_CLIENTCONFIG='$dir/client.conf'"
echo "export CADENCE_PULSE_PID=$pid"
if [[ -f $alsa_conf ]]; then
  echo "export ALSA_CONFIG_PATH='$alsa_conf:$dir/asound.conf'"
else
  echo "# $alsa_conf not found: pass --device pulse to be sure ALSA uses this server" >&2
fi
echo "# PulseAudio $pid serves a null sink; kill \$CADENCE_PULSE_PID to stop it" >&2
