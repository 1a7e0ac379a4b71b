#![allow(clippy::unwrap_used)] // test code: a panic is the failure report
//! The container image (issue 6): `deploy/build-image.sh` builds it in a throwaway Docker engine
//! of the test's own, and the four services then run from it as containers.
//!
//! Needs root, `dockerd` and `docker` (Debian `docker.io`), `musl-gcc` (`musl-tools`) and the
//! Rust target x86_64-unknown-linux-musl. Without them the test is skipped with a printed reason
//! (`SKIPPED <test>: <reason>` on standard error, see `support/skip.rs`), except in CI (`CI`
//! set), where a skip would hide a broken setup: there it fails. The image's
//! binary is a nested `cargo build --release` for musl into `target/musl-image` (its own target
//! directory, so it never waits for the lock of the cargo that runs this test): minutes the
//! first time.
//!
//! The engine has no bridge network and no registry: the containers that must talk to the test
//! use `--network host` on loopback ports; a second set shares one private network namespace
//! (`--network none` and `container:`) to run the image exactly as shipped, default ports and
//! built-in `HEALTHCHECK` included.

#[path = "support/skip.rs"]
mod skip;

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const MUSL: &str = "x86_64-unknown-linux-musl";
/// The image's user, by number (Kubernetes' `runAsNonRoot` checks numbers).
const USER: &str = "65532:65532";
/// Issue 6: one small image for all four services.
const MAX_SIZE: u64 = 25_000_000;
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn find(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    dirs.push("/usr/sbin".into());
    dirs.into_iter().map(|d| d.join(program)).find(|p| p.is_file())
}

/// Why this machine cannot run the test, if it cannot.
fn missing_prerequisite() -> Option<String> {
    for (program, package) in [("dockerd", "docker.io"), ("docker", "docker.io"), ("musl-gcc", "musl-tools")]
    {
        if find(program).is_none() {
            return Some(format!("{program} is not installed (apt-get install {package})"));
        }
    }
    let sysroot = Command::new("rustc").args(["--print", "sysroot"]).output();
    let sysroot = sysroot.map(|o| text(&o.stdout)).unwrap_or_default();
    if !Path::new(&sysroot).join("lib/rustlib").join(MUSL).is_dir() {
        return Some(format!("the Rust target {MUSL} is not installed (rustup target add {MUSL})"));
    }
    let uid = Command::new("id").arg("-u").output();
    if uid.map(|o| text(&o.stdout)).unwrap_or_default() != "0" {
        return Some("dockerd needs root".into());
    }
    None
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim().to_owned()
}

/// A Docker engine of the test's own: its state in a short temporary directory (the control
/// socket's path must fit in 108 bytes), no bridge, no iptables, no forwarding. Dropping it
/// removes the containers, stops the engine by its process id and removes its files, also
/// when the test panics.
struct Engine {
    dir: tempfile::TempDir,
    child: Child,
    host: String,
}

impl Engine {
    fn start() -> Self {
        let dir = tempfile::Builder::new().prefix("pgi").tempdir_in("/tmp").unwrap();
        let d = dir.path();
        let log = std::fs::File::create(d.join("log")).unwrap();
        let child = Command::new(find("dockerd").unwrap())
            .arg("--data-root")
            .arg(d.join("root"))
            .arg("--exec-root")
            .arg(d.join("exec"))
            .arg("-H")
            .arg(format!("unix://{}", d.join("sock").display()))
            .arg("--pidfile")
            .arg(d.join("pid"))
            .args(["--bridge=none", "--iptables=false", "--ip6tables=false"])
            .args(["--ip-forward=false", "--ip-masq=false"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("dockerd starts");
        let host = format!("unix://{}", d.join("sock").display());
        let mut engine = Self { dir, child, host };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let answer = engine.docker(&["version", "--format", "{{.Server.Version}}"]);
            if answer.status.success() {
                eprintln!("dockerd {} at {}", text(&answer.stdout), engine.host);
                break;
            }
            let exited = engine.child.try_wait().unwrap();
            assert!(
                exited.is_none() && Instant::now() < deadline,
                "dockerd did not start ({exited:?}); its log:\n{}",
                engine.log()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
        engine
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
    }

    fn command(&self) -> Command {
        let mut command = Command::new("docker");
        command.env("DOCKER_HOST", &self.host).stdin(Stdio::null());
        command
    }

    fn docker(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("docker runs")
    }

    /// `docker ARGS`, which must succeed: its standard output.
    fn ok(&self, args: &[&str]) -> String {
        let output = self.docker(args);
        assert!(
            output.status.success(),
            "docker {} failed: {}{}",
            args.join(" "),
            text(&output.stdout),
            text(&output.stderr)
        );
        text(&output.stdout)
    }

    /// Stops the engine: SIGTERM, then SIGKILL (and its containerd) if it has not gone in 30 s.
    fn stop(&mut self) {
        if self.child.try_wait().ok().flatten().is_some() {
            return;
        }
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("dockerd ignored SIGTERM for 30 s: killing it and its containerd");
        let containerd = self.dir.path().join("exec/containerd/containerd.pid");
        if let Ok(containerd) = std::fs::read_to_string(containerd) {
            let _ = Command::new("kill").args(["-KILL", containerd.trim()]).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Unmounts whatever the engine left mounted below its directory, deepest first.
    fn unmount_leftovers(&self) {
        let dir = self.dir.path().to_string_lossy().into_owned();
        let mut mounts: Vec<String> = std::fs::read_to_string("/proc/self/mountinfo")
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.split(' ').nth(4).map(str::to_owned))
            .filter(|point| point.starts_with(&dir))
            .collect();
        mounts.sort_by_key(|point| std::cmp::Reverse(point.len()));
        for point in mounts {
            let _ = Command::new("umount").args(["-l", &point]).status();
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let ids = self.docker(&["ps", "-aq"]);
        let ids: Vec<String> = text(&ids.stdout).lines().map(str::to_owned).collect();
        if !ids.is_empty() {
            let _ = self.command().args(["rm", "-f", "-v"]).args(&ids).output();
        }
        self.stop();
        self.unmount_leftovers();
        // The TempDir field removes the directory when it drops, after this.
    }
}

/// `deploy/build-image.sh TAG` against the engine, with the musl build in a target directory
/// of its own.
fn build_image(engine: &Engine, tag: &str) -> String {
    let workspace = workspace();
    eprintln!("building the image (a release build for musl: minutes the first time)");
    let output = Command::new("bash")
        .arg(workspace.join("deploy/build-image.sh"))
        .arg(tag)
        .current_dir(&workspace)
        .env("DOCKER_HOST", &engine.host)
        .env("CARGO_TARGET_DIR", workspace.join("target/musl-image"))
        // Flags meant for the test build (coverage instrumentation, say) are not for the image.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("LLVM_PROFILE_FILE")
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "deploy/build-image.sh failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("{}", stdout.lines().last().unwrap_or_default());
    format!("prizegen:{tag}")
}

fn inspect_image(engine: &Engine, image: &str) -> Value {
    let json = engine.ok(&["image", "inspect", image]);
    let list: Value = serde_json::from_str(&json).unwrap();
    list[0].clone()
}

/// What issue 6 asks of the image itself.
fn assert_image_shape(engine: &Engine, image: &str) {
    let inspected = inspect_image(engine, image);
    let size = inspected["Size"].as_u64().unwrap();
    eprintln!("{image}: {size} bytes");
    assert!(size <= MAX_SIZE, "the image has {size} bytes, more than {MAX_SIZE}");
    assert_eq!(inspected["Os"], "linux");
    assert_eq!(inspected["Architecture"], "amd64");
    let config = &inspected["Config"];
    assert_eq!(config["User"], USER, "the image runs as a non-root user");
    assert_eq!(config["Entrypoint"], json!(["/prizegen"]));
    assert_eq!(config["Cmd"], json!(["serve", "frontend"]));
    assert_eq!(
        config["Healthcheck"]["Test"],
        json!(["CMD", "/prizegen", "healthcheck", "--timeout", "2s", "http://127.0.0.1:8080/healthz"]),
        "the health check runs the binary itself (no shell in the image)"
    );
    for port in ["8080/tcp", "8081/tcp", "8082/tcp", "8083/tcp"] {
        assert!(config["ExposedPorts"].get(port).is_some(), "{port} is exposed: {config}");
    }
    assert_eq!(config["Labels"]["org.opencontainers.image.title"], "prizegen");
    assert_eq!(config["Labels"]["org.opencontainers.image.version"], VERSION);
    assert!(
        !config["Env"].to_string().contains("PRIZEGEN_"),
        "the image leaves PRIZEGEN_* to the deployment: {config}"
    );
    // No shell: nothing to exec into but the binary.
    let shell =
        engine.docker(&["run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", image, "-c", "true"]);
    assert!(!shell.status.success(), "the image has no /bin/sh");
}

/// A container's first process, as the host sees it: its user ids from /proc.
fn process_uid(engine: &Engine, container: &str) -> String {
    let pid = engine.ok(&["inspect", "--format", "{{.State.Pid}}", container]);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let uid = status.lines().find_map(|l| l.strip_prefix("Uid:")).unwrap();
    uid.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

/// Waits until `url` answers 200, or panics with the container's log.
async fn wait_ready(engine: &Engine, client: &reqwest::Client, container: &str, url: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answer = client.get(url).send().await;
        if answer.is_ok_and(|a| a.status() == reqwest::StatusCode::OK) {
            return;
        }
        let running = engine.ok(&["inspect", "--format", "{{.State.Running}}", container]);
        if running != "true" || Instant::now() > deadline {
            let logs = engine.docker(&["logs", container]);
            panic!(
                "{container} did not get ready at {url} (running: {running}):\n{}{}",
                text(&logs.stdout),
                text(&logs.stderr)
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `docker run --detach --name NAME OPTIONS --env VAR=VALUE… IMAGE COMMAND…`.
fn start(engine: &Engine, name: &str, options: &[&str], env: &[String], image: &str, command: &[&str]) {
    let mut args = vec!["run", "--detach", "--name", name];
    args.extend_from_slice(options);
    for variable in env {
        args.extend(["--env", variable.as_str()]);
    }
    args.push(image);
    args.extend_from_slice(command);
    engine.ok(&args);
}

/// The four services on the host's loopback, configured as a deployment configures them;
/// returns the containers' names, the front end's last.
async fn deployed_services(engine: &Engine, image: &str, client: &reqwest::Client) -> Vec<String> {
    let host = ["--network", "host", "--no-healthcheck"];
    let mut names = Vec::new();
    let mut env = Vec::new();
    for (service, implementation) in [("letters", "v2"), ("numbers", "v1"), ("rules", "v1")] {
        let port = free_port();
        let name = format!("pgi-{service}-{}", std::process::id());
        let own = [
            format!("PRIZEGEN_LISTEN=127.0.0.1:{port}"),
            format!("PRIZEGEN_IMPL={implementation}"),
            format!("PRIZEGEN_INSTANCE={service}-in-docker"),
        ];
        start(engine, &name, &host, &own, image, &["serve", service]);
        wait_ready(engine, client, &name, &format!("http://127.0.0.1:{port}/readyz")).await;
        env.push(format!("PRIZEGEN_{}_URL=http://127.0.0.1:{port}", service.to_uppercase()));
        names.push(name);
    }
    let port = free_port();
    let frontend = format!("pgi-frontend-{}", std::process::id());
    env.extend([
        format!("PRIZEGEN_LISTEN=127.0.0.1:{port}"),
        "PRIZEGEN_DATABASE_URL=sqlite:///db/prizegen.db".into(),
        "PRIZEGEN_INSTANCE=frontend-in-docker".into(),
        format!("PRIZEGEN_ADMIN_TOKEN={TOKEN}"),
        "PRIZEGEN_LOG_FORMAT=json".into(),
    ]);
    // The database where a deployment mounts a volume: here a tmpfs that the image's user owns.
    let options = [&host[..], &["--tmpfs", "/db:uid=65532,gid=65532,mode=0700"]].concat();
    start(engine, &frontend, &options, &env, image, &[]);
    wait_ready(engine, client, &frontend, &format!("http://127.0.0.1:{port}/readyz")).await;
    names.push(frontend);
    names
}

const TOKEN: &str = "image-test-token";

/// A draw through the four containers, the operator token, and the `healthcheck` subcommand.
async fn check_deployed(engine: &Engine, frontend: &str, client: &reqwest::Client) {
    assert_eq!(process_uid(engine, frontend), "65532 65532", "the service runs as the image's user");
    let env = engine.ok(&["inspect", "--format", "{{json .Config.Env}}", frontend]);
    let env: Vec<String> = serde_json::from_str(&env).unwrap();
    let listen = env.iter().find_map(|v| v.strip_prefix("PRIZEGEN_LISTEN=")).unwrap();
    let base = format!("http://{listen}");

    let answer =
        client.post(format!("{base}/api/v1/draws")).json(&json!({"game": "account-prize"})).send().await;
    let answer = answer.unwrap();
    assert_eq!(answer.status(), reqwest::StatusCode::CREATED);
    let draw: Value = answer.json().await.unwrap();
    assert!(draw["result"]["account_number"].as_str().is_some_and(|n| !n.is_empty()), "{draw}");
    let served_by = json!({
        "frontend": format!("{VERSION}@frontend-in-docker"),
        "letters": "v2@letters-in-docker",
        "numbers": "v1@numbers-in-docker",
        "rules": "v1@rules-in-docker",
    });
    assert_eq!(draw["served_by"], served_by, "{draw}");
    // Stored: it reads back by its id.
    let id = draw["id"].as_str().unwrap();
    let stored: Value =
        client.get(format!("{base}/api/v1/draws/{id}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["id"], draw["id"]);

    // The operator token came through the environment.
    let rotate = format!("{base}/api/v1/fairness/rotate");
    let refused = client.post(&rotate).send().await.unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::UNAUTHORIZED);
    let accepted = client.post(&rotate).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(accepted.status(), reqwest::StatusCode::OK);

    // The health check subcommand, inside the container: 0 when the service answers, 1 when not.
    let healthy = engine.docker(&["exec", frontend, "/prizegen", "healthcheck", &format!("{base}/healthz")]);
    assert!(healthy.status.success(), "{}", text(&healthy.stderr));
    let closed = format!("http://127.0.0.1:{}/healthz", free_port());
    let unhealthy = engine.docker(&["exec", frontend, "/prizegen", "healthcheck", &closed]);
    assert_eq!(unhealthy.status.code(), Some(1), "{}", text(&unhealthy.stderr));
}

/// The image as shipped: no environment at all, the four services in one private network
/// namespace on their default loopback ports, the built-in HEALTHCHECK, SQLite in the image's
/// /data. Returns the containers' names, the namespace's owner (the front end) last.
async fn default_pod(engine: &Engine, image: &str) -> Vec<String> {
    let pod = format!("pgi-pod-{}", std::process::id());
    start(engine, &pod, &["--network", "none", "--health-interval", "1s"], &[], image, &[]);
    let mut names = Vec::new();
    for service in ["letters", "numbers", "rules"] {
        let name = format!("pgi-pod-{service}-{}", std::process::id());
        let options = ["--network", &format!("container:{pod}"), "--no-healthcheck"];
        start(engine, &name, &options, &[], image, &["serve", service]);
        names.push(name);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let health = engine.ok(&["inspect", "--format", "{{.State.Health.Status}}", &pod]);
        if health == "healthy" {
            break;
        }
        if Instant::now() > deadline {
            let log = engine.ok(&["inspect", "--format", "{{json .State.Health}}", &pod]);
            let output = engine.docker(&["logs", &pod]);
            let output = format!("{}\n{}", text(&output.stdout), text(&output.stderr));
            panic!("the built-in health check says {health}: {log}\n{output}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Draws through all four, stored in /data (`prizegen load` exits 1 on any failed request).
    let load = ["exec", &pod, "/prizegen", "load", "http://127.0.0.1:8080", "--requests", "3"];
    let load = engine.docker(&load);
    let output = format!("{}\n{}", text(&load.stdout), text(&load.stderr));
    assert!(load.status.success(), "draws in the default setup failed:\n{output}");
    names.push(pod);
    names
}

#[tokio::test]
async fn the_image_is_small_and_runs_all_four_services() {
    if let Some(reason) = missing_prerequisite() {
        return skip::because(&reason);
    }
    let engine = Engine::start();
    let image = build_image(&engine, &format!("test-{}", std::process::id()));
    assert_image_shape(&engine, &image);

    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let deployed = deployed_services(&engine, &image, &client).await;
    check_deployed(&engine, deployed.last().unwrap(), &client).await;
    let pod = default_pod(&engine, &image).await;

    // PID 1 stops on SIGTERM (no init in the image to forward it or to enforce it): exit
    // status 0, not docker's SIGKILL after the grace period (137). Front ends, the pod's
    // namespace owner among them, go last.
    for name in deployed.iter().chain(&pod) {
        engine.ok(&["stop", "--time", "30", name]);
        let status = engine.ok(&["inspect", "--format", "{{.State.ExitCode}}", name]);
        assert_eq!(status, "0", "{name} stopped with status {status}");
        engine.ok(&["rm", "--volumes", name]);
    }
}
