//! Throwaway PostgreSQL and MariaDB servers for the tests.
//!
//! The API suites share one server per test process, started on first use, with a fresh
//! database per test; a test that must stop and start its database has a server of its own
//! ([`Dedicated`]). Every server has a watchdog that stops it and removes its files once the
//! test process has exited, however it exited.
//!
//! The server programs are looked for before a server is started: without them each test that
//! needs a server is skipped with a printed reason ([`super::skip`]; the caller gets `None` and
//! returns), except in CI (`CI` set), where a skip would hide a broken setup: there it fails.

use super::skip;
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

fn find(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    dirs.push("/usr/sbin".into());
    if let Ok(versions) = std::fs::read_dir("/usr/lib/postgresql") {
        dirs.extend(versions.flatten().map(|v| v.path().join("bin")));
    }
    dirs.into_iter().map(|d| d.join(program)).find(|p| p.is_file())
}

/// The programs of a server backend, found before anything is started.
struct Programs {
    /// Makes the data directory: `initdb`, `mariadb-install-db`.
    init: PathBuf,
    /// The server: `postgres`, `mariadbd`.
    server: PathBuf,
    /// Runs SQL as the administrator: `psql`, `mariadb`.
    client: PathBuf,
}

impl Programs {
    /// All of them, or which one is missing.
    fn find(backend: Backend) -> Result<Self, String> {
        let need = |program: &str, package: &str| {
            find(program).ok_or_else(|| format!("{program} is not installed (apt-get install {package})"))
        };
        Ok(match backend {
            Backend::Sqlite => panic!("SQLite has no server"),
            Backend::Postgres => Self {
                init: need("initdb", "postgresql")?,
                server: need("postgres", "postgresql")?,
                client: need("psql", "postgresql")?,
            },
            Backend::MariaDb => Self {
                init: need("mariadb-install-db", "mariadb-server")?,
                server: need("mariadbd", "mariadb-server")?,
                client: need("mariadb", "mariadb-server")?,
            },
        })
    }

    /// All of them, or `None` when one is missing: the calling test is skipped (failed in CI).
    fn or_skip(backend: Backend) -> Option<Self> {
        match Self::find(backend) {
            Ok(programs) => Some(programs),
            Err(reason) => {
                skip::because(&reason);
                None
            }
        }
    }
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

fn run(command: &mut Command, what: &str) {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(output.status.success(), "{what} failed: {}", String::from_utf8_lossy(&output.stderr));
}

/// A throwaway server: its data in a directory of its own, on a loopback port.
pub struct Dedicated {
    backend: Backend,
    port: u16,
    root: PathBuf,
    programs: Programs,
    child: Option<std::process::Child>,
}

impl Dedicated {
    /// Initialises and starts a server with one empty database, `prizegen`; `None` when its
    /// programs are not installed (the calling test is skipped, or fails in CI).
    pub fn start(backend: Backend) -> Option<Self> {
        Some(Self::start_with(backend, Programs::or_skip(backend)?))
    }

    fn start_with(backend: Backend, programs: Programs) -> Self {
        let root = std::env::temp_dir().join(format!("prizegen-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&root).expect("a server directory");
        let mut server = Self { backend, port: 0, root, programs, child: None };
        server.watch();
        let data = server.root.join("data");
        match backend {
            Backend::Sqlite => panic!("SQLite has no server"),
            Backend::Postgres => {
                // initdb and postgres refuse to run as root: run them as the postgres user then.
                if is_root() {
                    run(Command::new("chown").arg("-R").arg("postgres").arg(&server.root), "chown");
                }
                let initdb = format!(
                    "{}{} -D {} -U app --auth=trust --no-sync",
                    as_postgres(),
                    server.programs.init.display(),
                    data.display()
                );
                run(Command::new("sh").arg("-c").arg(initdb), "initdb");
            }
            Backend::MariaDb => {
                if is_root() {
                    run(Command::new("chown").arg("-R").arg("mysql").arg(&server.root), "chown");
                }
                run(
                    Command::new(&server.programs.init)
                        .args(["--no-defaults", "--skip-test-db", mysql_user()])
                        .arg(format!("--datadir={}", data.display())),
                    "mariadb-install-db",
                );
            }
        }
        server.launch(true);
        server.create_database("prizegen");
        server
    }

    /// A watchdog that stops the server and removes its files once this test process has
    /// exited; it leaves quietly if the files go first (the server was dropped normally).
    fn watch(&self) {
        let root = self.root.display();
        super::watchdog::after_exit(
            &format!("[ -d {root} ]"),
            &format!(
                "[ -f {root}/server.pid ] && kill -TERM $(cat {root}/server.pid) 2>/dev/null; sleep 2; rm -rf {root}"
            ),
        );
    }

    /// Its URL for a database on it.
    fn url_of(&self, database: &str) -> DatabaseUrl {
        let scheme = if self.backend == Backend::Postgres { "postgres" } else { "mariadb" };
        format!("{scheme}://app@127.0.0.1:{}/{database}", self.port).parse().expect("a database URL")
    }

    /// The URL of its `prizegen` database.
    pub fn url(&self) -> DatabaseUrl {
        self.url_of("prizegen")
    }

    /// Runs one SQL statement as the administrator; whether it succeeded.
    fn sql(&self, statement: &str) -> bool {
        let port = self.port.to_string();
        let mut command = match self.backend {
            Backend::Postgres => {
                let mut c = Command::new(&self.programs.client);
                c.args(["-h", "127.0.0.1", "-p", &port, "-U", "app", "-d", "postgres", "-c", statement]);
                c
            }
            _ => {
                let mut c = Command::new(&self.programs.client);
                c.args(["-h", "127.0.0.1", "-P", &port, "-u", "app", "-e", statement]);
                c
            }
        };
        command.stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
    }

    fn create_database(&self, name: &str) {
        assert!(self.sql(&format!("CREATE DATABASE {name}")), "CREATE DATABASE {name}");
    }

    /// Starts the server again, on the same port and data; returns when it answers.
    pub fn resume(&mut self) {
        self.launch(false);
    }

    /// Starts the server; on a first start (`may_move`) a port someone else took meanwhile is
    /// replaced by another (the server fails to bind it and exits).
    fn launch(&mut self, may_move: bool) {
        for _ in 0..5 {
            if may_move {
                self.port = free_port();
            }
            let mut child = self.spawn();
            let _ = std::fs::write(self.root.join("server.pid"), child.id().to_string());
            let start = Instant::now();
            loop {
                if self.sql("SELECT 1") {
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
                    panic!("the {:?} server did not start; its log:\n{log}", self.backend);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        panic!("the {:?} server found no free port", self.backend);
    }

    fn spawn(&self) -> std::process::Child {
        let data = self.root.join("data");
        let command = match self.backend {
            Backend::Postgres => format!(
                "exec {}{} -D {} -c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c max_connections=300",
                as_postgres(),
                self.programs.server.display(),
                data.display(),
                self.port,
                self.root.display()
            ),
            // Without grant tables every local connection is allowed: a throwaway on loopback.
            _ => format!(
                "exec {} --no-defaults {} --datadir={} --bind-address=127.0.0.1 --port={} --socket={}/sock \
                 --skip-grant-tables --innodb-flush-log-at-trx-commit=0 --max-connections=500",
                self.programs.server.display(),
                mysql_user(),
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

fn as_postgres() -> &'static str {
    if is_root() { "setpriv --reuid=postgres --regid=postgres --init-groups " } else { "" }
}

fn mysql_user() -> &'static str {
    if is_root() { "--user=mysql" } else { "" }
}

/// The servers the suites share (never dropped: their watchdogs clean up).
static POSTGRES: OnceLock<Dedicated> = OnceLock::new();
static MARIADB: OnceLock<Dedicated> = OnceLock::new();

/// A new, empty database for one test; `None` when its server's programs are not installed
/// (the calling test is skipped, or fails in CI).
pub fn fresh_database(backend: Backend, dir: &Path) -> Option<DatabaseUrl> {
    let shared = match backend {
        Backend::Sqlite => return Some(DatabaseUrl::Sqlite(dir.join("prizegen.db"))),
        Backend::Postgres => &POSTGRES,
        Backend::MariaDb => &MARIADB,
    };
    // Looked for by every test, so that each one reports its own skip.
    let programs = Programs::or_skip(backend)?;
    let server = shared.get_or_init(|| Dedicated::start_with(backend, programs));
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    server.create_database(&name);
    Some(server.url_of(&name))
}
