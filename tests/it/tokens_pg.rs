//! The ledger on a real PostgreSQL server (see tests/it/common/pg.rs for the throwaway cluster).

use crate::common::pg;

/// The harness's cluster listens on loopback only, asks for the password over TCP, and gives
/// every test a database of its own.
#[test]
fn the_test_cluster_asks_for_a_password_and_gives_each_test_its_own_database() {
    let Some(a) = pg::db() else { return };
    let b = pg::db().unwrap();
    assert_ne!(a.name, b.name);
    assert_eq!(a.sql("SHOW listen_addresses"), [["127.0.0.1"]]);
    a.sql("CREATE TABLE only_in_a (x int)");
    assert_eq!(
        b.sql_i64("SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'"),
        0
    );
    // the server does not run as root (initdb and postgres refuse to)
    let owner = std::fs::metadata(pg::cluster().unwrap().dir.join("data")).unwrap();
    assert_ne!(std::os::unix::fs::MetadataExt::uid(&owner), 0);
    // a wrong password is refused: the cluster does not trust TCP connections
    let out = std::process::Command::new(pg::bin_dir().unwrap().join("psql"))
        .args([
            "-X",
            "-h",
            "127.0.0.1",
            "-p",
            &a.port.to_string(),
            "-U",
            pg::USER,
        ])
        .args(["-d", &a.name, "-c", "SELECT 1"])
        .env("PGPASSWORD", "wrong")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("password authentication failed"), "{err}");
}

/// A cluster whose test process was killed (so it never stopped its server) is stopped and
/// removed by the next run.
#[test]
fn a_cluster_left_by_a_killed_run_is_reaped() {
    let Some(cluster) = pg::own_cluster() else {
        return;
    };
    let postmaster: i32 = std::fs::read_to_string(cluster.dir.join("data/postmaster.pid"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(crate::common::servers::alive(postmaster));
    // make it look like the cluster of a process that is gone
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    std::fs::write(cluster.dir.join("owner"), dead.to_string()).unwrap();
    pg::reap_stale();
    assert!(!cluster.dir.exists(), "{}", cluster.dir.display());
    for _ in 0..100 {
        if !crate::common::servers::alive(postmaster) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the stale cluster's postmaster {postmaster} still runs");
}

#[test]
fn no_postgresql_fails_on_ci_and_is_skipped_elsewhere() {
    for ci in ["true", "1", "yes"] {
        assert!(pg::on_ci(Some(ci)), "{ci}");
    }
    for not_ci in [None, Some(""), Some("0"), Some("false")] {
        assert!(!pg::on_ci(not_ci), "{not_ci:?}");
    }
    let failure = pg::unavailable("initdb is missing", true).unwrap_err();
    assert!(failure.contains("initdb is missing"), "{failure}");
    assert!(
        pg::unavailable("initdb is missing", false)
            .unwrap()
            .starts_with("skipped: ")
    );
}
