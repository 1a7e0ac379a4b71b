//! Programs, commands and the processes this test starts.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The programs the test needs, found on this machine.
pub struct Tools {
    /// iproute2.
    pub ip: PathBuf,
    /// The load balancer.
    pub nginx: PathBuf,
    /// PostgreSQL's programs.
    pub initdb: PathBuf,
    /// The server itself.
    pub postgres: PathBuf,
    /// For the database checks.
    pub psql: PathBuf,
    /// Runs PostgreSQL as the `postgres` user without forking (its PID is the server's).
    pub setpriv: PathBuf,
    /// The browser on the client host, and its driver.
    pub chromium: PathBuf,
    /// Drives the browser.
    pub chromedriver: PathBuf,
}

fn find(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    dirs.extend(["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from));
    // Prefer PostgreSQL 15 (the version the project supports), then any other installed one.
    dirs.push("/usr/lib/postgresql/15/bin".into());
    if let Ok(versions) = std::fs::read_dir("/usr/lib/postgresql") {
        dirs.extend(versions.flatten().map(|v| v.path().join("bin")));
    }
    dirs.into_iter().map(|d| d.join(program)).find(|p| p.is_file())
}

impl Tools {
    /// Everything the test needs, or why it cannot run here.
    pub fn find() -> Result<Self, String> {
        let is_root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        if !is_root {
            return Err("network namespaces need root".into());
        }
        let need = |program: &str, package: &str| {
            find(program).ok_or_else(|| format!("{program} is not installed (apt-get install {package})"))
        };
        // deploy/make-cert.sh makes the edge's certificate with it, and the test its SPKI hash.
        need("openssl", "openssl")?;
        Ok(Self {
            ip: need("ip", "iproute2")?,
            nginx: need("nginx", "nginx")?,
            initdb: need("initdb", "postgresql")?,
            postgres: need("postgres", "postgresql")?,
            psql: need("psql", "postgresql-client")?,
            setpriv: need("setpriv", "util-linux")?,
            chromium: need("chromium", "chromium")?,
            chromedriver: need("chromedriver", "chromium-driver")?,
        })
    }
}

/// Runs a command to completion: its standard output, or what went wrong.
pub fn try_run(command: &mut Command) -> Result<String, String> {
    let output = command.stdin(Stdio::null()).output().map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "{command:?} failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout)
        ))
    }
}

/// Runs a command that must succeed.
pub fn run(command: &mut Command) -> String {
    try_run(command).unwrap_or_else(|e| panic!("{e}"))
}

/// Sends `signal` (e.g. `TERM`) to one process, by PID.
pub fn signal(pid: u32, signal: &str) -> bool {
    Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A process this test started; stopped (by PID) when dropped.
pub struct Proc {
    /// What it is, for messages.
    pub name: String,
    child: Child,
    /// Where its standard error (and output, unless captured) goes.
    pub log: PathBuf,
    /// How to ask it to stop at teardown before it is killed.
    stop: Option<&'static str>,
}

impl Proc {
    /// Starts `command` with its output appended to `log`; `stdout` captures standard output
    /// separately when given.
    pub fn spawn(name: &str, command: &mut Command, log: &Path, stdout: Option<&Path>) -> Self {
        let err = File::options().create(true).append(true).open(log).expect("a log file");
        let out = match stdout {
            Some(path) => File::create(path).expect("an output file"),
            None => err.try_clone().expect("a log file"),
        };
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("{name} does not start: {e}"));
        Self { name: name.to_owned(), child, log: log.to_owned(), stop: None }
    }

    /// At teardown, send this signal first and give the process a moment to stop by itself.
    pub fn stop_with(mut self, signal: &'static str) -> Self {
        self.stop = Some(signal);
        self
    }

    /// Its PID.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends it a signal.
    pub fn signal(&self, name: &str) {
        assert!(signal(self.pid(), name), "kill -{name} {} ({})", self.pid(), self.name);
    }

    /// SIGKILL.
    pub fn kill(&mut self) {
        self.child.kill().unwrap_or_else(|e| panic!("kill -9 {}: {e}", self.name));
    }

    /// Its exit status, if it has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Waits for it to exit, for at most `timeout`.
    pub fn wait_timeout(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.exited() {
                return Some(status);
            }
            if start.elapsed() > timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The last `n` lines of its log.
    pub fn tail(&self, n: usize) -> String {
        tail(&self.log, n)
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.exited().is_some() {
            return;
        }
        if let Some(name) = self.stop {
            let _ = signal(self.pid(), name);
            if self.wait_timeout(Duration::from_secs(5)).is_some() {
                return;
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last `n` lines of a file.
pub fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Polls `check` every 100 ms until it returns `Some`, for at most `timeout`.
pub fn wait_for<T>(timeout: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(found) = check() {
            return Some(found);
        }
        if start.elapsed() > timeout {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
