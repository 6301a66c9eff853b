//! A real Secret Service for the tests: a private D-Bus session bus (no service activation, so
//! nothing but what the test starts answers on it) and GNOME Keyring's secrets component with
//! its login collection created and unlocked from a password on stdin, both stopped on drop.
//! The keyring's files are under the test's HOME.
//!
//! Not installed (`dbus-daemon`, `dbus-send`, `gnome-keyring-daemon`, `secret-tool`): the test
//! is skipped with a printed reason, except on CI (`CI` set), where that is a failure.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::pg::on_ci;

pub struct Keychain {
    bus: Child,
    daemon: Child,
    /// The bus's address (`DBUS_SESSION_BUS_ADDRESS`).
    pub address: String,
    /// `XDG_RUNTIME_DIR` for aimcp and the keyring (the bus socket is there).
    pub runtime: PathBuf,
    home: PathBuf,
}

const TOOLS: [&str; 4] = [
    "dbus-daemon",
    "dbus-send",
    "gnome-keyring-daemon",
    "secret-tool",
];

impl Keychain {
    /// Starts the bus and the keyring for the test whose HOME is `home`; `None` (the reason
    /// printed) when they are not installed and this is not CI.
    pub fn start(home: &Path) -> Option<Keychain> {
        let missing: Vec<&str> = TOOLS
            .iter()
            .copied()
            .filter(|t| which(t).is_none())
            .collect();
        if !missing.is_empty() {
            let reason = format!(
                "no Secret Service for the tests: {} not installed (Debian: dbus, gnome-keyring, libsecret-tools)",
                missing.join(", ")
            );
            if on_ci(std::env::var("CI").ok().as_deref()) {
                panic!("{reason}; on CI (`CI` is set) that is a failure, not a skip");
            }
            eprintln!("skipped: {reason}");
            return None;
        }
        let runtime = home.join(".run");
        std::fs::create_dir_all(&runtime).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        let config = runtime.join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                runtime.join("bus").display()
            ),
        )
        .unwrap();
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut address = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(bus.stdout.take().unwrap()),
            &mut address,
        )
        .unwrap();
        let address = address.trim().to_string();
        assert!(!address.is_empty(), "the test bus printed no address");
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The login collection's password; stdin closed after it.
        daemon
            .stdin
            .take()
            .unwrap()
            .write_all(b"test-password")
            .unwrap();
        let k = Keychain {
            bus,
            daemon,
            address,
            runtime,
            home: home.to_path_buf(),
        };
        k.wait_for_secrets();
        Some(k)
    }

    fn wait_for_secrets(&self) {
        let start = Instant::now();
        loop {
            let out = Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
                .output()
                .unwrap();
            if String::from_utf8_lossy(&out.stdout).contains("boolean true") {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "GNOME Keyring did not come up on the test bus"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The environment for aimcp (and `secret-tool`) to find this keychain.
    pub fn vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("DBUS_SESSION_BUS_ADDRESS", self.address.clone()),
            ("XDG_RUNTIME_DIR", self.runtime.display().to_string()),
        ]
    }

    /// The secret aimcp keeps for `server` (its URL), if any, read with `secret-tool`.
    pub fn lookup(&self, server: &str) -> Option<String> {
        let out = Command::new("secret-tool")
            .args(["lookup", "service", "aimcp", "username", server])
            .env("HOME", &self.home)
            .envs(self.vars())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        (out.status.success() && !text.is_empty()).then_some(text)
    }
}

impl Drop for Keychain {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

fn which(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
}
