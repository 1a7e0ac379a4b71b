//! Throwaway PostgreSQL and MariaDB servers for the tests: one per test process, started on
//! first use, stopped (and their files removed) by a watchdog when the test process exits; a
//! fresh database per test.
//!
//! Without the server programs the suite is skipped with a printed reason, except in CI (`CI`
//! set), where a skip would hide a broken setup: there it fails.

use prizegen::store::DatabaseUrl;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Which database a test binary runs the suite against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file per test.
    Sqlite,
    /// PostgreSQL 15.
    Postgres,
    /// MariaDB 10.11 (the MySQL protocol).
    MariaDb,
}

/// A running server.
pub struct Server {
    /// Its loopback port.
    pub port: u16,
}

fn find(program: &str, extra_dirs: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    dirs.extend(extra_dirs.iter().map(PathBuf::from));
    if let Ok(versions) = std::fs::read_dir("/usr/lib/postgresql") {
        dirs.extend(versions.flatten().map(|v| v.path().join("bin")));
    }
    dirs.into_iter().map(|d| d.join(program)).find(|p| p.is_file())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Skips the whole test process (printing why), or fails in CI.
fn unavailable(reason: &str) -> ! {
    assert!(std::env::var_os("CI").is_none(), "CI must run the database suites: {reason}");
    eprintln!("SKIPPED: {reason}");
    std::process::exit(0);
}

fn run(command: &mut Command, what: &str) {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(output.status.success(), "{what} failed: {}", String::from_utf8_lossy(&output.stderr));
}

/// Starts `server` in the background under a watchdog shell that stops it and removes `root`
/// once this test process has exited.
// The watchdog is deliberately never waited for: it must outlive this process to clean up.
#[allow(clippy::zombie_processes)]
fn start_watched(server: &str, root: &Path) {
    let script = format!(
        "{server} >{log} 2>&1 & s=$!; while kill -0 {me} 2>/dev/null && kill -0 $s 2>/dev/null; do sleep 0.5; done; \
         kill -TERM $s 2>/dev/null; wait $s; rm -rf {root}",
        log = root.join("server.log").display(),
        me = std::process::id(),
        root = root.display(),
    );
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("a watchdog shell");
}

fn wait_until(what: &str, root: &Path, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        if start.elapsed() > Duration::from_secs(60) {
            let log = std::fs::read_to_string(root.join("server.log")).unwrap_or_default();
            panic!("{what} did not start; its log:\n{log}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn postgres_server() -> Server {
    let (Some(initdb), Some(postgres), Some(psql)) =
        (find("initdb", &[]), find("postgres", &[]), find("psql", &[]))
    else {
        unavailable("PostgreSQL is not installed (apt-get install postgresql)");
    };
    let root = std::env::temp_dir().join(format!("prizegen-test-postgres-{}", std::process::id()));
    let data = root.join("data");
    std::fs::create_dir_all(&root).expect("a server directory");
    // initdb and postgres refuse to run as root: run them as the postgres user then.
    let as_user = if is_root() {
        run(Command::new("chown").arg("-R").arg("postgres").arg(&root), "chown");
        "setpriv --reuid=postgres --regid=postgres --init-groups "
    } else {
        ""
    };
    run(
        Command::new("sh").arg("-c").arg(format!(
            "{as_user}{} -D {} -U app --auth=trust --no-sync",
            initdb.display(),
            data.display()
        )),
        "initdb",
    );
    let port = free_port();
    start_watched(
        &format!(
            "exec {as_user}{} -D {} -c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off -c max_connections=300",
            postgres.display(),
            data.display(),
            root.display()
        ),
        &root,
    );
    wait_until("PostgreSQL", &root, || {
        Command::new(&psql)
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "app",
                "-d",
                "postgres",
                "-c",
                "SELECT 1",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    Server { port }
}

fn mariadb_server() -> Server {
    let (Some(install), Some(mariadbd), Some(_client)) =
        (find("mariadb-install-db", &[]), find("mariadbd", &["/usr/sbin"]), find("mariadb", &[]))
    else {
        unavailable("MariaDB is not installed (apt-get install mariadb-server)");
    };
    let root = std::env::temp_dir().join(format!("prizegen-test-mariadb-{}", std::process::id()));
    let data = root.join("data");
    std::fs::create_dir_all(&root).expect("a server directory");
    let user = if is_root() {
        run(Command::new("chown").arg("-R").arg("mysql").arg(&root), "chown");
        "--user=mysql"
    } else {
        ""
    };
    run(
        Command::new(&install)
            .args(["--no-defaults", "--skip-test-db", user])
            .arg(format!("--datadir={}", data.display())),
        "mariadb-install-db",
    );
    let port = free_port();
    // Without grant tables every local connection is allowed: a throwaway server on loopback.
    start_watched(
        &format!(
            "exec {} --no-defaults {user} --datadir={} --bind-address=127.0.0.1 --port={port} --socket={}/sock \
             --skip-grant-tables --innodb-flush-log-at-trx-commit=0 --max-connections=500",
            mariadbd.display(),
            data.display(),
            root.display()
        ),
        &root,
    );
    wait_until("MariaDB", &root, || mariadb(port, "SELECT 1"));
    Server { port }
}

fn mariadb(port: u16, sql: &str) -> bool {
    Command::new("mariadb")
        .args(["-h", "127.0.0.1", "-P", &port.to_string(), "-u", "app", "-e", sql])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

static POSTGRES: OnceLock<Server> = OnceLock::new();
static MARIADB: OnceLock<Server> = OnceLock::new();

/// A new, empty database for one test.
pub fn fresh_database(backend: Backend, dir: &Path) -> DatabaseUrl {
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let url = match backend {
        Backend::Sqlite => return DatabaseUrl::Sqlite(dir.join("prizegen.db")),
        Backend::Postgres => {
            let server = POSTGRES.get_or_init(postgres_server);
            let psql = find("psql", &[]).expect("psql");
            run(
                Command::new(psql)
                    .args([
                        "-h",
                        "127.0.0.1",
                        "-p",
                        &server.port.to_string(),
                        "-U",
                        "app",
                        "-d",
                        "postgres",
                        "-c",
                    ])
                    .arg(format!("CREATE DATABASE {name}")),
                "CREATE DATABASE",
            );
            format!("postgres://app@127.0.0.1:{}/{name}", server.port)
        }
        Backend::MariaDb => {
            let server = MARIADB.get_or_init(mariadb_server);
            assert!(mariadb(server.port, &format!("CREATE DATABASE {name}")), "CREATE DATABASE");
            format!("mariadb://app@127.0.0.1:{}/{name}", server.port)
        }
    };
    url.parse().expect("a database URL")
}

/// A database server of one test's own, which the test may stop and start again (the shared
/// servers above must stay up for the other tests).
pub struct Dedicated {
    backend: Backend,
    port: u16,
    root: PathBuf,
    child: Option<std::process::Child>,
}

impl Dedicated {
    /// A new server with one database, `prizegen`.
    pub fn start(backend: Backend) -> Self {
        let root =
            std::env::temp_dir().join(format!("prizegen-test-dedicated-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&root).expect("a server directory");
        let mut server = Self { backend, port: free_port(), root, child: None };
        match backend {
            Backend::Sqlite => panic!("SQLite has no server"),
            Backend::Postgres => {
                let initdb =
                    find("initdb", &[]).unwrap_or_else(|| unavailable("PostgreSQL is not installed"));
                if is_root() {
                    run(Command::new("chown").arg("-R").arg("postgres").arg(&server.root), "chown");
                }
                run(
                    Command::new("sh").arg("-c").arg(format!(
                        "{}{} -D {} -U app --auth=trust --no-sync",
                        server.as_user(),
                        initdb.display(),
                        server.root.join("data").display()
                    )),
                    "initdb",
                );
            }
            Backend::MariaDb => {
                let install = find("mariadb-install-db", &[])
                    .unwrap_or_else(|| unavailable("MariaDB is not installed"));
                if is_root() {
                    run(Command::new("chown").arg("-R").arg("mysql").arg(&server.root), "chown");
                }
                let user = if is_root() { "--user=mysql" } else { "" };
                run(
                    Command::new(&install)
                        .args(["--no-defaults", "--skip-test-db", user])
                        .arg(format!("--datadir={}", server.root.join("data").display())),
                    "mariadb-install-db",
                );
            }
        }
        server.launch(true);
        let created = match backend {
            Backend::Postgres => Command::new(find("psql", &[]).expect("psql"))
                .args([
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &server.port.to_string(),
                    "-U",
                    "app",
                    "-d",
                    "postgres",
                    "-c",
                    "CREATE DATABASE prizegen",
                ])
                .status()
                .is_ok_and(|s| s.success()),
            _ => mariadb(server.port, "CREATE DATABASE prizegen"),
        };
        assert!(created, "CREATE DATABASE");
        server
    }

    fn as_user(&self) -> &'static str {
        if is_root() { "setpriv --reuid=postgres --regid=postgres --init-groups " } else { "" }
    }

    /// Its URL.
    pub fn url(&self) -> DatabaseUrl {
        let scheme = if self.backend == Backend::Postgres { "postgres" } else { "mariadb" };
        format!("{scheme}://app@127.0.0.1:{}/prizegen", self.port).parse().expect("a database URL")
    }

    /// Starts the server again, on the same port and data; returns when it answers.
    pub fn resume(&mut self) {
        self.launch(false);
    }

    /// Starts the server; on a first start (`may_move`) a port taken meanwhile by someone else
    /// is replaced by another, as the server fails to bind it and exits.
    fn launch(&mut self, may_move: bool) {
        for _ in 0..5 {
            if may_move {
                self.port = free_port();
            }
            let mut child = self.spawn();
            let start = Instant::now();
            loop {
                if self.answers() {
                    self.child = Some(child);
                    return;
                }
                let exited = child.try_wait().ok().flatten().is_some();
                if exited && may_move {
                    break; // most likely the port: try another
                }
                if exited || start.elapsed() > Duration::from_secs(60) {
                    let _ = child.kill();
                    let log = std::fs::read_to_string(self.root.join("server.log")).unwrap_or_default();
                    panic!("the dedicated server did not start; its log:\n{log}");
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        panic!("the dedicated server found no free port");
    }

    fn spawn(&self) -> std::process::Child {
        let data = self.root.join("data");
        let command = match self.backend {
            Backend::Postgres => format!(
                "exec {}{} -D {} -c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off",
                self.as_user(),
                find("postgres", &[]).expect("postgres").display(),
                data.display(),
                self.port,
                self.root.display()
            ),
            _ => format!(
                "exec {} --no-defaults {} --datadir={} --bind-address=127.0.0.1 --port={} --socket={}/sock --skip-grant-tables",
                find("mariadbd", &["/usr/sbin"]).expect("mariadbd").display(),
                if is_root() { "--user=mysql" } else { "" },
                data.display(),
                self.port,
                self.root.display()
            ),
        };
        let log = std::fs::File::create(self.root.join("server.log")).expect("a log file");
        let child = Command::new("sh")
            .arg("-c")
            .arg(command)
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn();
        child.expect("the server starts")
    }

    fn answers(&self) -> bool {
        match self.backend {
            Backend::Postgres => Command::new(find("psql", &[]).expect("psql"))
                .args([
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port.to_string(),
                    "-U",
                    "app",
                    "-d",
                    "postgres",
                    "-c",
                    "SELECT 1",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success()),
            _ => mariadb(self.port, "SELECT 1"),
        }
    }

    /// Stops the server (a clean, fast shutdown) and waits until it has exited.
    pub fn stop(&mut self) {
        // PostgreSQL's fast shutdown is SIGINT (SIGTERM would wait for the pool's connections);
        // MariaDB shuts down on SIGTERM and ignores SIGINT.
        let signal = if self.backend == Backend::Postgres { "-INT" } else { "-TERM" };
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg(signal).arg(child.id().to_string()).status();
            let _ = child.wait();
        }
    }
}

impl Drop for Dedicated {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
