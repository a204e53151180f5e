//! A private PulseAudio server with only a null sink, for the real-device tests: the
//! output plays into it and a recorder takes back what it played from its monitor.

#![allow(dead_code)]

use std::ffi::OsString;
use std::fs::File;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, InputCallbackInfo, SampleFormat, SizedSample};

pub const SINK: &str = "cadence_test";
pub const SINK_RATE: u32 = 48_000;

/// The tests share the process environment and the CPU: one at a time.
pub static SERIAL: Mutex<()> = Mutex::new(());

pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A private PulseAudio daemon, killed on drop.
pub struct PulseServer {
    child: Child,
    dir: tempfile::TempDir,
}

impl PulseServer {
    /// `None` (after saying why) when PulseAudio is not installed and this is not CI.
    pub fn start() -> Option<Self> {
        // Right after a build the kernel is still writing gigabytes of artefacts back to
        // disk, and the stalls that causes made real-time playback glitch session after
        // session. Flush first, so the clock test measures our output, not the disk.
        let _ = Command::new("sync").status();
        let Some(pulseaudio) = find_program("pulseaudio") else {
            let reason = "pulseaudio is not installed \
                 (apt install pulseaudio pulseaudio-utils libasound2-plugins)";
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{reason}; CI must run the real-device tests"
            );
            eprintln!("skipping the real-device test: {reason}");
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("cadence-pulse-")
            .tempdir()
            .expect("temporary folder");
        let home = dir.path().join("home");
        let runtime = dir.path().join("runtime");
        for folder in [&home, &runtime] {
            std::fs::create_dir(folder).expect("folder for PulseAudio");
            std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700))
                .expect("private folder");
        }
        // ALSA's `default` PCM goes to PulseAudio even where the distribution's hook
        // does not do it, so no stream can open real hardware.
        std::fs::write(
            home.join(".asoundrc"),
            "pcm.!default { type pulse }\nctl.!default { type pulse }\n",
        )
        .expect(".asoundrc");
        // A client that cannot reach the server must fail, not start another one.
        std::fs::write(dir.path().join("client.conf"), "autospawn = no\n").expect("client.conf");
        let log = File::create(dir.path().join("pulseaudio.log")).expect("log file");
        let socket = dir.path().join("native");
        let mut server = Command::new(pulseaudio);
        server
            .args([
                "-n",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--system=false",
                "--disallow-exit",
                "--use-pid-file=no",
                // The machine may be busy with other builds: a server that gets the CPU
                // late plays silence. Ignored where the system does not allow it.
                "--realtime=yes",
                "--high-priority=yes",
                "--log-target=stderr",
            ])
            .arg(format!(
                "--load=module-native-protocol-unix auth-anonymous=1 socket={}",
                socket.display()
            ))
            .arg(format!(
                "--load=module-null-sink sink_name={SINK} rate={SINK_RATE} norewinds=1"
            ))
            .env("HOME", &home)
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        die_with_parent(&mut server);
        let child = server.spawn().expect("pulseaudio starts");
        let mut server = Self { child, dir };
        server.wait_until_ready(&socket);
        Some(server)
    }

    fn wait_until_ready(&mut self, socket: &Path) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("pulseaudio exited ({status}):\n{}", self.log());
            }
            if UnixStream::connect(socket).is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "pulseaudio did not open its socket in 15 s:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("pulseaudio.log")).unwrap_or_default()
    }

    /// What a client needs to reach this server and only this server.
    pub fn client_env(&self) -> Vec<(&'static str, OsString)> {
        let dir = self.dir.path();
        let home = dir.join("home");
        vec![
            (
                "PULSE_SERVER",
                format!("unix:{}", dir.join("native").display()).into(),
            ),
            ("PULSE_SINK", SINK.into()),
            ("PULSE_SOURCE", format!("{SINK}.monitor").into()),
            ("PULSE_CLIENTCONFIG", dir.join("client.conf").into()),
            ("XDG_RUNTIME_DIR", dir.join("runtime").into()),
            ("XDG_CONFIG_HOME", home.join(".config").into()),
            ("HOME", home.into()),
        ]
    }

    /// Points this process at the server. Must run before the first cpal call.
    pub fn adopt(&self) {
        for (key, value) in self.client_env() {
            // SAFETY: the tests hold `SERIAL`, so no other test thread is reading the
            // environment, and no audio thread exists yet.
            unsafe { std::env::set_var(key, value) };
        }
    }
}

impl Drop for PulseServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// If the test process dies without unwinding (an abort from `assert_no_alloc`, a kill),
/// the daemon goes with it instead of running forever.
fn die_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    unsafe extern "C" {
        fn prctl(option: std::ffi::c_int, ...) -> std::ffi::c_int;
    }
    const PR_SET_PDEATHSIG: std::ffi::c_int = 1;
    const SIGKILL: std::ffi::c_ulong = 9;
    // SAFETY: prctl is async-signal-safe and touches only the child's own settings.
    unsafe {
        command.pre_exec(|| {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            Ok(())
        });
    }
}

pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Mono samples from the sink's monitor, as they arrive.
pub struct Recorder {
    stream: cpal::Stream,
    samples: Arc<Mutex<Vec<f32>>>,
    sample_rate: u32,
}

impl Recorder {
    pub fn start() -> Self {
        let host = cpal::default_host();
        let device = host
            .default_input_device()
            .expect("ALSA always offers a default input");
        let config = device
            .default_input_config()
            .unwrap_or_else(|e| panic!("the monitor source does not open: {e}"));
        let samples = Arc::new(Mutex::new(Vec::with_capacity(48_000 * 30)));
        let stream = match config.sample_format() {
            SampleFormat::F32 => record::<f32>(&device, &config, &samples),
            SampleFormat::I16 => record::<i16>(&device, &config, &samples),
            SampleFormat::I32 => record::<i32>(&device, &config, &samples),
            SampleFormat::U8 => record::<u8>(&device, &config, &samples),
            other => panic!("cannot record {other} samples"),
        };
        stream.play().expect("recording starts");
        let recorder = Self {
            stream,
            samples,
            sample_rate: config.sample_rate(),
        };
        // Recording must be under way before the first click.
        let deadline = Instant::now() + Duration::from_secs(5);
        while recorder.len() < recorder.sample_rate as usize / 10 {
            assert!(Instant::now() < deadline, "the monitor delivers nothing");
            std::thread::sleep(Duration::from_millis(10));
        }
        recorder
    }

    pub fn len(&self) -> usize {
        self.samples.lock().map_or(0, |s| s.len())
    }

    pub fn finish(self) -> (Vec<f32>, u32) {
        drop(self.stream);
        let samples = std::mem::take(&mut *self.samples.lock().unwrap());
        (samples, self.sample_rate)
    }
}

fn record<T>(
    device: &cpal::Device,
    config: &cpal::SupportedStreamConfig,
    samples: &Arc<Mutex<Vec<f32>>>,
) -> cpal::Stream
where
    T: SizedSample + Send + 'static,
    f32: FromSample<T>,
{
    let channels = usize::from(config.channels());
    let samples = Arc::clone(samples);
    device
        .build_input_stream(
            config.config(),
            move |data: &[T], _: &InputCallbackInfo| {
                let mut samples = samples.lock().unwrap();
                samples.extend(data.chunks(channels).map(|frame| {
                    frame.iter().map(|s| s.to_sample::<f32>()).sum::<f32>() / channels as f32
                }));
            },
            |error| eprintln!("recording: {error}"),
            None,
        )
        .expect("recording stream")
}

/// Where each click starts: the first sample above the threshold after a stretch of
/// silence longer than the gap inside a click.
pub fn onsets(samples: &[f32]) -> Vec<usize> {
    const THRESHOLD: f32 = 0.01;
    let quiet_needed = SINK_RATE as usize / 50; // 20 ms
    let mut onsets = Vec::new();
    let mut quiet = quiet_needed;
    for (i, sample) in samples.iter().enumerate() {
        if sample.abs() > THRESHOLD {
            if quiet >= quiet_needed {
                onsets.push(i);
            }
            quiet = 0;
        } else {
            quiet += 1;
        }
    }
    onsets
}

/// Asks the scheduler to favour this thread and the audio threads it starts (they
/// inherit it), as a desktop session does for audio. Needs privileges; without them
/// nothing changes.
pub fn favour_audio_threads() {
    unsafe extern "C" {
        fn setpriority(
            which: std::ffi::c_int,
            who: std::ffi::c_uint,
            prio: std::ffi::c_int,
        ) -> std::ffi::c_int;
    }
    const PRIO_PROCESS: std::ffi::c_int = 0;
    // SAFETY: changes the calling thread's nice value (who = 0); no memory involved.
    let _ = unsafe { setpriority(PRIO_PROCESS, 0, -11) };
}
