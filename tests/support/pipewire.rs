//! A private PipeWire with WirePlumber and one null sink, for the test of cpal's native
//! PipeWire host: the app plays into the sink and `pw-record` takes back what it played
//! from the sink's monitor.

#![allow(dead_code)]

use std::ffi::OsString;
use std::fs::File;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SINK: &str = "cadence_test";
pub const SINK_RATE: u32 = 48_000;

/// The programs a private PipeWire needs, with the Debian package of each.
const PROGRAMS: [(&str, &str); 5] = [
    ("pipewire", "pipewire"),
    ("wireplumber", "wireplumber"),
    ("wpctl", "wireplumber"),
    ("pw-record", "pipewire-bin"),
    ("dbus-run-session", "dbus-daemon"),
];

/// Run by `dbus-run-session`: PipeWire, then WirePlumber once PipeWire's socket exists.
const START: &str = "pipewire & \
    while [ ! -S \"$XDG_RUNTIME_DIR/pipewire-0\" ]; do sleep 0.05; done; \
    exec wireplumber";

/// PipeWire and WirePlumber inside their own D-Bus session (WirePlumber will not run
/// without one), all in one process group that is killed on drop.
pub struct PipeWireServer {
    session: Child,
    dir: tempfile::TempDir,
}

impl PipeWireServer {
    /// `None` (after saying why) when PipeWire is not installed and this is not CI.
    pub fn start() -> Option<Self> {
        if let Some((program, package)) = PROGRAMS
            .iter()
            .find(|(program, _)| super::pulse::find_program(program).is_none())
        {
            let reason = format!("{program} is not installed (apt install {package})");
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{reason}; CI must run the PipeWire test"
            );
            eprintln!("skipping the PipeWire test: {reason}");
            return None;
        }
        let _ = Command::new("sync").status();
        let dir = tempfile::Builder::new()
            .prefix("cadence-pipewire-")
            .tempdir()
            .expect("temporary folder");
        let runtime = dir.path().join("runtime");
        let config = dir.path().join("home/.config");
        let drop_ins = config.join("pipewire/pipewire.conf.d");
        std::fs::create_dir_all(&drop_ins).expect("config folder");
        std::fs::create_dir(&runtime).expect("runtime folder");
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700))
            .expect("private runtime folder");
        // The machine has no sound card: the null sink is the only (so the default) sink.
        std::fs::write(
            drop_ins.join("cadence-test-sink.conf"),
            format!(
                "context.objects = [\n  {{ factory = adapter\n    args = {{\n      \
                 factory.name = support.null-audio-sink\n      node.name = \"{SINK}\"\n      \
                 node.description = \"Cadence test sink\"\n      media.class = \"Audio/Sink\"\n      \
                 audio.position = [ FL FR ]\n      audio.rate = {SINK_RATE}\n    }}\n  }}\n]\n"
            ),
        )
        .expect("sink configuration");
        let log = File::create(dir.path().join("pipewire.log")).expect("log file");
        let mut session = Command::new("dbus-run-session");
        session
            // WirePlumber gives up at once when PipeWire is not listening yet.
            .args(["--", "sh", "-c", START])
            .envs(Self::env_for(dir.path()))
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .process_group(0);
        let session = session.spawn().expect("dbus-run-session starts");
        let mut server = Self { session, dir };
        server.wait_until_ready();
        Some(server)
    }

    fn env_for(dir: &Path) -> Vec<(&'static str, OsString)> {
        let home = dir.join("home");
        vec![
            ("XDG_RUNTIME_DIR", dir.join("runtime").into()),
            ("XDG_CONFIG_HOME", home.join(".config").into()),
            ("HOME", home.into()),
        ]
    }

    /// What a client needs to reach this server and only this one.
    pub fn client_env(&self) -> Vec<(&'static str, OsString)> {
        Self::env_for(self.dir.path())
    }

    /// Ready once WirePlumber sees the sink, so it can link a new stream to it.
    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.session.try_wait() {
                panic!("the PipeWire session exited ({status}):\n{}", self.log());
            }
            let status = self.command("wpctl").arg("status").output();
            if status
                .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("Cadence test sink"))
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "PipeWire did not offer the sink in 20 s:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A command that reaches this server.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(self.client_env())
            .stdin(Stdio::null());
        command
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("pipewire.log")).unwrap_or_default()
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

impl Drop for PipeWireServer {
    fn drop(&mut self) {
        // The whole group: dbus-daemon, PipeWire and WirePlumber.
        let group = self.session.id() as i32;
        unsafe extern "C" {
            fn kill(pid: i32, signal: i32) -> i32;
        }
        const SIGKILL: i32 = 9;
        // SAFETY: signals a process group this test started; no memory involved.
        unsafe { kill(-group, SIGKILL) };
        let _ = self.session.wait();
    }
}

/// `pw-record` on the sink's monitor, mono, into a WAV file; stopped by `finish`.
pub struct MonitorRecording {
    child: Child,
    path: PathBuf,
}

impl MonitorRecording {
    pub fn start(server: &PipeWireServer) -> Self {
        let path = server.path().join("monitor.wav");
        // The recorder is the test's ear: on a loaded machine a late recorder loses
        // whole quanta, which would look like clicks come early. Real-time where allowed
        // (CI runs as root), as a desktop's audio clients are.
        let mut command = if is_root() {
            let mut chrt = server.command("chrt");
            chrt.args(["--fifo", "20", "pw-record"]);
            chrt
        } else {
            server.command("pw-record")
        };
        let child = command
            .args(["-P", "{ stream.capture.sink = true }", "--target", SINK])
            .args(["--rate", &SINK_RATE.to_string(), "--channels", "1"])
            .arg("--format=f32")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pw-record starts");
        let recording = Self { child, path };
        // Recording must be under way before the first click: the WAV grows once linked.
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::fs::metadata(&recording.path).map_or(0, |m| m.len())
            < u64::from(SINK_RATE) * 4 / 10
        {
            assert!(Instant::now() < deadline, "pw-record records nothing");
            std::thread::sleep(Duration::from_millis(20));
        }
        recording
    }

    /// Stops the recorder (SIGINT, so it finishes the WAV header) and reads the samples.
    pub fn finish(mut self) -> Vec<f32> {
        unsafe extern "C" {
            fn kill(pid: i32, signal: i32) -> i32;
        }
        const SIGINT: i32 = 2;
        // SAFETY: signals the recorder this test started.
        unsafe { kill(self.child.id() as i32, SIGINT) };
        let _ = self.child.wait();
        let mut reader = hound::WavReader::open(&self.path).expect("the recording is a WAV");
        assert_eq!(reader.spec().sample_rate, SINK_RATE);
        reader
            .samples::<f32>()
            .map(|s| s.expect("a sample"))
            .collect()
    }
}

fn is_root() -> bool {
    unsafe extern "C" {
        fn geteuid() -> u32;
    }
    // SAFETY: geteuid has no arguments and cannot fail.
    unsafe { geteuid() == 0 }
}
