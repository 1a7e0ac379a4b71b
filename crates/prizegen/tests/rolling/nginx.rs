//! nginx on the load-balancer host: the public entry over both front ends, and the internal
//! service addresses of letters, numbers and rules over both replicas of each (what a Swarm VIP
//! or a Kubernetes Service is in a real deployment).
//!
//! The public entry is the TLS edge a deployment has: HTTPS on 443 with the deployed TLS settings
//! (`deploy/nginx/tls.conf`, included as it is) and a certificate from `deploy/make-cert.sh`,
//! and port 80 redirecting to it except `/healthz`.
//!
//! nginx (open source) has no active health checks: it keeps sending to a draining replica, which
//! still serves (answering `Connection: close`), until the replica stops listening; then a
//! connect is refused and nginx passes the request to the other replica. A request that was
//! already sent when its connection broke (a keep-alive connection closed under it, or a connect
//! that landed in the accept queue just as the listener closed) is retried only if it is safe:
//! - internal calls are pure functions of their request, so every call is retried
//!   (`non_idempotent`);
//! - a public `POST /api/v1/draws` is given an `Idempotency-Key` by nginx when the client sent
//!   none (`$request_id`, the same for every attempt of one client request), so a retry returns
//!   the draw the first attempt may have stored instead of drawing twice; other public POSTs are
//!   not retried once sent.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The internal services and their ports.
pub const INTERNAL: [(&str, u16); 3] = [("letters", 8081), ("numbers", 8082), ("rules", 8083)];

/// The public port: HTTPS.
pub const PUBLIC_PORT: u16 = 443;
/// Plain HTTP: a redirect to HTTPS, and `/healthz` for load balancers.
pub const HTTP_PORT: u16 = 80;
/// chromedriver's port on the client host.
pub const WEBDRIVER_PORT: u16 = 9515;

/// Where things are, inside the run's directory.
pub struct Layout {
    /// nginx's prefix directory.
    pub dir: PathBuf,
}

impl Layout {
    /// The configuration file.
    pub fn conf(&self) -> PathBuf {
        self.dir.join("nginx.conf")
    }

    /// The public server, for the test process.
    pub fn public_socket(&self) -> PathBuf {
        self.dir.join("public.sock")
    }

    /// The plain-HTTP server (port 80's), for the test process.
    pub fn http_socket(&self) -> PathBuf {
        self.dir.join("http.sock")
    }

    /// chromedriver on the client host, for the test process.
    pub fn webdriver_socket(&self) -> PathBuf {
        self.dir.join("webdriver.sock")
    }

    /// The edge's certificate, key and CA, made by `deploy/make-cert.sh`.
    pub fn tls_dir(&self) -> PathBuf {
        self.dir.join("tls")
    }

    /// Reaches any `address:port` on the test network: `X-Probe: 10.231.0.11:8081`.
    pub fn probe_socket(&self) -> PathBuf {
        self.dir.join("probe.sock")
    }

    /// One line per public request: see `log_format`.
    pub fn public_log(&self) -> PathBuf {
        self.dir.join("public.log")
    }

    /// One line per internal call.
    pub fn internal_log(&self) -> PathBuf {
        self.dir.join("internal.log")
    }

    /// nginx's own errors and warnings (connections refused, retries).
    pub fn error_log(&self) -> PathBuf {
        self.dir.join("error.log")
    }
}

fn upstream(name: &str, apps: &[&str], port: u16) -> String {
    let mut block = format!("    upstream {name} {{\n");
    for app in apps {
        // max_fails=0: never mark a replica down. A stopped one refuses connections at once and
        // the request goes to the other; marking it down for fail_timeout could leave both
        // replicas of a service "down" while one is being replaced (502 "no live upstreams").
        let _ = writeln!(block, "        server {app}:{port} max_fails=0;");
    }
    // Idle upstream connections are closed by nginx first (5 s), well before the services'
    // own header-read timeout (10 s) could close one under a request.
    block.push_str("        keepalive 32;\n        keepalive_timeout 5s;\n    }\n");
    block
}

/// The deployed TLS settings.
fn tls_conf() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy/nginx/tls.conf")
}

/// The configuration for a load balancer at `lb` in front of app hosts `apps`, with a browser's
/// chromedriver on `client`.
pub fn config(layout: &Layout, lb: &str, apps: &[&str], client: &str) -> String {
    let dir = layout.dir.display();
    let tls = layout.tls_dir();
    let (cert, key, tls_conf) = (tls.join("tls_cert"), tls.join("tls_key"), tls_conf());
    let (cert, key, tls_conf) = (cert.display(), key.display(), tls_conf.display());
    let mut upstreams = upstream("frontend", apps, 8080);
    for (service, port) in INTERNAL {
        upstreams.push_str(&upstream(service, apps, port));
    }
    let mut internal = String::new();
    for (service, port) in INTERNAL {
        let _ = write!(
            internal,
            r#"
    server {{
        listen {lb}:{port} backlog=4096;
        access_log {dir}/internal.log upstreams;
        location / {{
            proxy_pass http://{service};
            proxy_next_upstream error timeout non_idempotent;
        }}
    }}
"#
        );
    }
    format!(
        r#"daemon off;
worker_processes 2;
user root;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{
    worker_connections 4096;
}}
http {{
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    log_format upstreams '$msec $server_port $request_method $uri $status '
                         'upstreams=$upstream_addr statuses=$upstream_status '
                         'replayed=$upstream_http_idempotent_replayed';
    access_log off;
    keepalive_requests 100000;

    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_connect_timeout 2s;
    proxy_send_timeout 8s;
    proxy_read_timeout 8s;
    proxy_next_upstream_tries 3;

{upstreams}
    map $http_idempotency_key $idempotency_key {{
        "" "lb-$request_id";
        default $http_idempotency_key;
    }}

    server {{
        listen {lb}:{public} ssl http2 backlog=4096;
        # The test process's own door, plain HTTP.
        listen unix:{dir}/public.sock;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        include {tls_conf};
        access_log {dir}/public.log upstreams;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Request-Id $request_id;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        location = /api/v1/draws {{
            proxy_pass http://frontend;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Request-Id $request_id;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header Idempotency-Key $idempotency_key;
            proxy_next_upstream error timeout non_idempotent;
        }}
        location / {{
            proxy_pass http://frontend;
            proxy_next_upstream error timeout;
        }}
    }}

    server {{
        listen {lb}:{http};
        listen unix:{dir}/http.sock;
        location = /healthz {{
            proxy_pass http://frontend;
        }}
        location / {{
            return 308 https://$host$request_uri;
        }}
    }}

    # chromedriver on the client host, for the test process (it takes requests for localhost
    # only, from the addresses it was told to allow).
    server {{
        listen unix:{dir}/webdriver.sock;
        location / {{
            proxy_pass http://{client}:{webdriver};
            proxy_set_header Host localhost:{webdriver};
            proxy_read_timeout 120s;
        }}
    }}
{internal}
    server {{
        listen unix:{dir}/probe.sock;
        # Probes of stopped replicas are expected to fail; keep them out of the figures.
        error_log {dir}/probe-error.log error;
        location / {{
            proxy_pass http://$http_x_probe;
            proxy_http_version 1.0;
            proxy_next_upstream off;
        }}
    }}
}}
"#,
        public = PUBLIC_PORT,
        http = HTTP_PORT,
        webdriver = WEBDRIVER_PORT,
    )
}

/// Writes the configuration, the edge's certificate for `lb` (by `deploy/make-cert.sh`, as a
/// first deployment makes it) and the directories nginx needs.
pub fn prepare(layout: &Layout, lb: &str, apps: &[&str], client: &str) -> PathBuf {
    std::fs::create_dir_all(layout.dir.join("tmp")).expect("nginx's directory");
    let make_cert = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy/make-cert.sh");
    super::sys::run(std::process::Command::new(make_cert).arg(lb).arg("-o").arg(layout.tls_dir()));
    std::fs::write(layout.conf(), config(layout, lb, apps, client)).expect("nginx.conf");
    layout.conf()
}

/// Lines of `log` after byte `from`, and the new end.
pub fn lines_since(log: &Path, from: usize) -> (Vec<String>, usize) {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let new = text.get(from..).unwrap_or_default();
    (new.lines().map(str::to_owned).collect(), text.len())
}

/// Errors nginx logged after byte `from`, by upstream service and cause (e.g. `frontend`,
/// `connect() failed (111: Connection refused) while connecting to upstream`).
pub fn error_causes(log: &Path, from: usize) -> BTreeMap<(String, String), usize> {
    let (lines, _) = lines_since(log, from);
    let mut causes = BTreeMap::new();
    for line in lines {
        // `… [error] 12#12: *345 CAUSE, client: …, upstream: "http://10.231.0.11:8080/…", …`
        let Some(cause) = line.split_once(": *").and_then(|(_, rest)| rest.split_once(' ')).map(|(_, c)| c)
        else {
            continue;
        };
        let cause = cause.split(", client:").next().unwrap_or(cause).to_owned();
        let port = line
            .split_once("upstream: \"http://")
            .and_then(|(_, rest)| rest.split(['/', '"']).next())
            .and_then(|addr| addr.rsplit(':').next())
            .and_then(|port| port.parse::<u16>().ok());
        let upstream = match port {
            Some(8080) => "frontend".to_owned(),
            Some(port) => {
                INTERNAL.iter().find(|(_, p)| *p == port).map_or(port.to_string(), |(s, _)| (*s).to_owned())
            }
            None => "-".to_owned(),
        };
        *causes.entry((upstream, cause)).or_insert(0) += 1;
    }
    causes
}
