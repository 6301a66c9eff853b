//! A real PostgreSQL server for the tests: one throwaway cluster per test process (initdb in a
//! temp folder, started on a free loopback port, as `nobody` when the tests run as root), and a
//! fresh database for each test. The cluster is stopped when the process exits; a cluster left
//! behind by a killed run is stopped and removed by the next run.
//!
//! No PostgreSQL on the machine: the test is skipped with a printed reason, except on CI (`CI`
//! set), where it fails: `.ci/run` installs Debian's `postgresql` when `initdb` is missing.
#![allow(dead_code)]

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The test role. Its password has characters a URL must escape, so that the URL's password is
/// decoded, and so that a test can look for it (in either form) in what aimcp printed.
pub const USER: &str = "aimcp";
pub const PASSWORD: &str = "pg-p@ss:w/rd";
/// [`PASSWORD`] as it is written in a URL.
pub const PASSWORD_IN_URL: &str = "pg-p%40ss%3Aw%2Frd";

/// The folders of the clusters of this machine's test runs start with this (in the temp folder).
const PREFIX: &str = "aimcp-pg-";

/// A running cluster; stopped (`pg_ctl stop -m immediate`) and removed when dropped.
pub struct Cluster {
    /// The cluster's folder: `data/`, `sock/`, `log`, and `owner` (the test process's pid).
    pub dir: PathBuf,
    pub port: u16,
    bin: PathBuf,
    /// The unprivileged user the server runs as, when the tests run as root.
    run_as: Option<(u32, u32)>,
    next_db: AtomicUsize,
    /// More `-c` settings for the server (TLS).
    extra: String,
}

/// One database of a cluster, made for one test.
pub struct Db {
    pub name: String,
    pub port: u16,
    bin: PathBuf,
}

impl Db {
    /// `postgres://aimcp:PASSWORD@127.0.0.1:PORT/NAME`
    pub fn url(&self) -> String {
        format!(
            "postgres://{USER}:{PASSWORD_IN_URL}@127.0.0.1:{}/{}",
            self.port, self.name
        )
    }

    /// The URL without its password (what aimcp may show of it).
    pub fn url_without_password(&self) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{}", self.port, self.name)
    }

    /// Runs one query through `psql` (not through aimcp's own driver) and returns its rows,
    /// each a list of fields (NULL is the empty string).
    #[track_caller]
    pub fn sql(&self, query: &str) -> Vec<Vec<String>> {
        let out = psql(&self.bin, self.port, &self.name, query);
        assert!(
            out.status.success(),
            "psql failed on {query}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect()
    }

    /// One integer from a query.
    #[track_caller]
    pub fn sql_i64(&self, query: &str) -> i64 {
        let rows = self.sql(query);
        let v = &rows
            .first()
            .unwrap_or_else(|| panic!("no row from {query}"))[0];
        v.parse()
            .unwrap_or_else(|e| panic!("{query} gave {v:?}, not an integer: {e}"))
    }
}

fn psql(bin: &Path, port: u16, db: &str, query: &str) -> Output {
    Command::new(bin.join("psql"))
        .args(["-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1"])
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-U",
            USER,
            "-d",
            db,
        ])
        .args(["-c", query])
        .env("PGPASSWORD", PASSWORD)
        .env("PGCONNECT_TIMEOUT", "10")
        .env_remove("PGSERVICE")
        .stdin(Stdio::null())
        .output()
        .expect("cannot run psql")
}

/// The folder of PostgreSQL's programs: where `initdb` is on PATH, else the newest
/// `/usr/lib/postgresql/*/bin` (Debian's packages do not put it on PATH).
pub fn bin_dir() -> Result<PathBuf, String> {
    if let Ok(p) = which::which("initdb") {
        let p = std::fs::canonicalize(&p).unwrap_or(p);
        if let Some(dir) = p.parent()
            && dir.join("pg_ctl").exists()
            && dir.join("psql").exists()
        {
            return Ok(dir.to_path_buf());
        }
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").exists() && bin.join("psql").exists()).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).ok_or_else(|| {
        "PostgreSQL is not installed (no `initdb` on PATH or in /usr/lib/postgresql/*/bin); \
         install Debian's `postgresql` (`apt-get install postgresql`)"
            .to_string()
    })
}

/// `(uid, gid)` of `nobody` when this process is root (initdb and postgres refuse root), else
/// `None`: the server runs as the tests' own user.
fn unprivileged() -> Result<Option<(u32, u32)>, String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    let name = c"nobody";
    // SAFETY: getpwnam takes a NUL-terminated name; the result is read at once, before any
    // other call that could reuse its static buffer.
    let pw = unsafe { libc::getpwnam(name.as_ptr()) };
    if pw.is_null() {
        return Err(
            "the tests run as root and there is no user `nobody` to run PostgreSQL as".into(),
        );
    }
    // SAFETY: pw is not null and points to a passwd record.
    let (uid, gid) = unsafe { ((*pw).pw_uid, (*pw).pw_gid) };
    Ok(Some((uid, gid)))
}

fn chown(path: &Path, ids: Option<(u32, u32)>) -> Result<(), String> {
    if let Some((uid, gid)) = ids {
        std::os::unix::fs::chown(path, Some(uid), Some(gid))
            .map_err(|e| format!("cannot chown {}: {e}", path.display()))?;
    }
    Ok(())
}

fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Whether a process is alive (a zombie counts as dead).
fn alive(pid: i32) -> bool {
    super::servers::alive(pid)
}

impl Cluster {
    /// A program of the cluster's PostgreSQL, run as the cluster's user.
    fn tool(&self, name: &str) -> Command {
        let mut cmd = Command::new(self.bin.join(name));
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid).gid(gid);
        }
        cmd.env("LC_ALL", "C").env_remove("PGDATA");
        cmd
    }

    /// Makes and starts a new cluster (its own, not the shared one: for tests that stop or
    /// restart the server).
    pub fn start() -> Result<Cluster, String> {
        Cluster::start_with(|_| Ok(String::new()))
    }

    /// A cluster that offers TLS (without requiring it) with a server certificate for the name
    /// `localhost` only, signed by a CA made for it; returns the CA's certificate file, and
    /// another CA's that did not sign it. (`openssl` makes them.)
    pub fn start_with_tls() -> Result<(Cluster, PathBuf, PathBuf), String> {
        let cluster = Cluster::start_with(|c| {
            let dir = &c.dir;
            let openssl = |args: &[&str]| {
                run(
                    Command::new("openssl").current_dir(dir).args(args),
                    "openssl",
                )
            };
            let ec = [
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
            ];
            for ca in ["ca", "other-ca"] {
                let mut args = vec!["req", "-x509"];
                args.extend(ec);
                let (key, pem, subj) = (
                    format!("{ca}.key"),
                    format!("{ca}.pem"),
                    format!("/CN=aimcp test {ca}"),
                );
                args.extend([
                    "-keyout",
                    &key,
                    "-out",
                    &pem,
                    "-days",
                    "2",
                    "-subj",
                    &subj,
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign",
                ]);
                openssl(&args)?;
            }
            let mut args = vec!["req"];
            args.extend(ec);
            args.extend([
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost",
            ]);
            openssl(&args)?;
            std::fs::write(
                dir.join("server.ext"),
                "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n\
                 keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
            )
            .map_err(|e| e.to_string())?;
            openssl(&[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "server.ext",
            ])?;
            use std::os::unix::fs::PermissionsExt;
            for f in ["server.pem", "server.key"] {
                chown(&dir.join(f), c.run_as)?;
            }
            std::fs::set_permissions(
                dir.join("server.key"),
                std::fs::Permissions::from_mode(0o600),
            )
            .map_err(|e| e.to_string())?;
            Ok(format!(
                " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                dir.join("server.pem").display(),
                dir.join("server.key").display()
            ))
        })?;
        let (ca, other) = (cluster.dir.join("ca.pem"), cluster.dir.join("other-ca.pem"));
        Ok((cluster, ca, other))
    }

    /// Makes a cluster, lets `setup` prepare its folder (it returns more server settings),
    /// and starts it.
    fn start_with(
        setup: impl FnOnce(&Cluster) -> Result<String, String>,
    ) -> Result<Cluster, String> {
        let bin = bin_dir()?;
        let run_as = unprivileged()?;
        reap_stale();
        let dir = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .tempdir()
            .map_err(|e| format!("cannot make a temp folder: {e}"))?
            .keep();
        let mut cluster = Cluster {
            dir,
            port: 0,
            bin,
            run_as,
            next_db: AtomicUsize::new(0),
            extra: String::new(),
        };
        cluster.init()?;
        cluster.extra = setup(&cluster)?;
        // a free port can be taken between the probe and the server's bind: try a few
        let mut last = String::new();
        for _ in 0..5 {
            cluster.port = free_port();
            match cluster.pg_ctl_start() {
                Ok(()) => return Ok(cluster),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn init(&self) -> Result<(), String> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(self.dir.join("owner"), std::process::id().to_string())
            .map_err(|e| e.to_string())?;
        // the server's user must reach the folder (tempfile makes it 0700, owned by us)
        std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| e.to_string())?;
        chown(&self.dir, self.run_as)?;
        let pwfile = self.dir.join("pwfile");
        std::fs::write(&pwfile, PASSWORD).map_err(|e| e.to_string())?;
        chown(&pwfile, self.run_as)?;
        let sock = self.dir.join("sock");
        std::fs::create_dir(&sock).map_err(|e| e.to_string())?;
        chown(&sock, self.run_as)?;
        run(
            self.tool("initdb")
                .arg("-D")
                .arg(self.dir.join("data"))
                .args(["-U", USER, "-E", "UTF8", "--locale=C", "--no-sync"])
                // passwords over TCP (what aimcp uses); trust only on the cluster's own socket
                .args(["--auth-host=scram-sha-256", "--auth-local=trust"])
                .arg(format!("--pwfile={}", pwfile.display())),
            "initdb",
        )?;
        let _ = std::fs::remove_file(&pwfile);
        Ok(())
    }

    fn pg_ctl_start(&self) -> Result<(), String> {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories={} \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
             -c max_connections=60 -c shared_buffers=64MB -c max_wal_size=1GB \
             -c log_min_messages=warning{}",
            self.port,
            self.dir.join("sock").display(),
            self.extra
        );
        run(
            self.tool("pg_ctl")
                .arg("-D")
                .arg(self.dir.join("data"))
                .arg("-l")
                .arg(self.dir.join("log"))
                .args(["-w", "-t", "60", "-o", &options, "start"]),
            "pg_ctl start",
        )
        .map_err(|e| {
            let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
            format!("{e}\nserver log:\n{log}")
        })
    }

    /// `pg_ctl restart -m fast`: the server goes away (closing every connection) and comes back
    /// on the same port.
    pub fn restart(&self) -> Result<(), String> {
        run(
            self.tool("pg_ctl")
                .arg("-D")
                .arg(self.dir.join("data"))
                .args(["-w", "-t", "60", "-m", "fast", "stop"]),
            "pg_ctl stop",
        )?;
        self.pg_ctl_start()
    }

    /// A new, empty database of this cluster.
    pub fn database(&self) -> Result<Db, String> {
        let n = self.next_db.fetch_add(1, Ordering::Relaxed);
        let name = format!("t_{n}");
        let out = psql(
            &self.bin,
            self.port,
            "postgres",
            &format!("CREATE DATABASE {name}"),
        );
        if !out.status.success() {
            return Err(format!(
                "cannot create database {name}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(Db {
            name,
            port: self.port,
            bin: self.bin.clone(),
        })
    }

    fn stop(&self) {
        let _ = self
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-w", "-t", "30", "-m", "immediate", "stop"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

/// Stops and removes the clusters of test processes that are gone (killed before they could
/// stop their own): they would hold memory and disk, though not a port this run wants (each
/// run probes for a free one).
pub fn reap_stale() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        if !name.to_str().is_some_and(|n| n.starts_with(PREFIX)) {
            continue;
        }
        let dir = e.path();
        let owner = std::fs::read_to_string(dir.join("owner"))
            .ok()
            .and_then(|t| t.trim().parse::<i32>().ok());
        if owner.is_some_and(alive) {
            continue;
        }
        if owner.is_none() {
            // a folder being set up right now has no owner file yet: leave young ones alone
            let young = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_none_or(|age| age.as_secs() < 600);
            if young {
                continue;
            }
        }
        // the postmaster's pid is the first line of data/postmaster.pid
        if let Some(pid) = std::fs::read_to_string(dir.join("data/postmaster.pid"))
            .ok()
            .and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<i32>().ok()))
            && alive(pid)
        {
            // SAFETY: kill has no memory-safety preconditions. SIGQUIT is PostgreSQL's
            // immediate shutdown: the postmaster ends its children and exits.
            unsafe { libc::kill(pid, libc::SIGQUIT) };
            for _ in 0..100 {
                if !alive(pid) {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The shared cluster of this test process, started on first use and stopped at exit.
pub fn cluster() -> Result<&'static Cluster, String> {
    static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
    extern "C" fn stop_at_exit() {
        if let Some(Ok(c)) = CLUSTER.get() {
            c.stop();
        }
    }
    CLUSTER
        .get_or_init(|| {
            let c = Cluster::start()?;
            // SAFETY: registers a plain function to run at exit; it only reads a static.
            unsafe { libc::atexit(stop_at_exit) };
            Ok(c)
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Whether `CI` says this is a CI run (copied from tests/it/mcp_conformance.rs).
pub fn on_ci(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// What a missing PostgreSQL means: a skip (`Ok`, the line to print) on a developer's
/// machine, a failure (`Err`) on CI, where a skip would make the test green without running it.
pub fn unavailable(reason: &str, ci: bool) -> Result<String, String> {
    if ci {
        Err(format!(
            "no PostgreSQL for the tests, and on CI (`CI` is set) that is a failure, not a \
             skip: {reason}"
        ))
    } else {
        Ok(format!("skipped: no PostgreSQL for the tests: {reason}"))
    }
}

/// Skips (after printing why, `None`) when the machine has no PostgreSQL and this is not CI;
/// panics on CI. A PostgreSQL that is installed but does not start is a failure everywhere.
fn installed() -> Option<()> {
    match bin_dir() {
        Ok(_) => Some(()),
        Err(reason) => match unavailable(&reason, on_ci(std::env::var("CI").ok().as_deref())) {
            Ok(skipped) => {
                eprintln!("{skipped}");
                None
            }
            Err(failure) => panic!("{failure}"),
        },
    }
}

/// A fresh database of the shared cluster for one test; `None` when there is no PostgreSQL
/// (see [`installed`]).
pub fn db() -> Option<Db> {
    installed()?;
    let cluster = cluster().unwrap_or_else(|e| panic!("the test cluster did not start: {e}"));
    Some(cluster.database().unwrap_or_else(|e| panic!("{e}")))
}

/// A cluster of the test's own that offers TLS (see [`Cluster::start_with_tls`]), like [`db`].
pub fn own_tls_cluster() -> Option<(Cluster, PathBuf, PathBuf)> {
    installed()?;
    Some(Cluster::start_with_tls().unwrap_or_else(|e| panic!("the TLS cluster did not start: {e}")))
}

/// A cluster of the test's own (for tests that restart or stop the server), like [`db`].
pub fn own_cluster() -> Option<Cluster> {
    installed()?;
    Some(Cluster::start().unwrap_or_else(|e| panic!("the test cluster did not start: {e}")))
}
