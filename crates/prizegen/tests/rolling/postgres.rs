//! PostgreSQL on the database host, listening only on that host's address.

use super::net::{Network, SUBNET};
use super::sys::{Proc, Tools, run, try_run, wait_for};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The database the front ends use.
pub const DATABASE: &str = "prizegen";

/// A running server.
pub struct Postgres {
    /// The server process (the postmaster itself: `setpriv` execs it).
    pub process: Proc,
    addr: String,
    psql: std::path::PathBuf,
}

impl Postgres {
    /// Initialises a cluster in `dir` and starts it on host `host`; returns once the
    /// `prizegen` database exists.
    pub fn start(tools: &Tools, network: &Network, host: &str, dir: &Path) -> Self {
        let data = dir.join("data");
        std::fs::create_dir_all(dir).expect("the database directory");
        // initdb and postgres refuse to run as root.
        run(Command::new("chown").arg("-R").arg("postgres:postgres").arg(dir));
        run(Command::new(&tools.setpriv)
            .args(["--reuid=postgres", "--regid=postgres", "--init-groups", "--"])
            .arg(&tools.initdb)
            .current_dir(dir)
            .arg("-D")
            .arg(&data)
            .args(["-U", "app", "--auth=trust", "--no-sync"]));
        // Trust is fine for a throwaway server on a network only this test can reach.
        let hba = data.join("pg_hba.conf");
        let mut rules = std::fs::read_to_string(&hba).expect("pg_hba.conf");
        rules.push_str(&format!("host all all {SUBNET}.0/24 trust\n"));
        std::fs::write(&hba, rules).expect("pg_hba.conf");

        let addr = network.host(host).addr.clone();
        let log = dir.join("postgres.log");
        let mut command = network.exec(host, &tools.setpriv);
        command
            .current_dir(dir)
            .args(["--reuid=postgres", "--regid=postgres", "--init-groups", "--"])
            .arg(&tools.postgres)
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(&data)
            .args(["-p", "5432", "-c", &format!("listen_addresses={addr}")])
            // A test database: durability is not what is tested (nothing crashes the server).
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"])
            .args(["-c", "max_connections=200"]);
        // Fast shutdown at teardown.
        let process = Proc::spawn("postgres", &mut command, &log, None).stop_with("INT");
        let mut server = Self { process, addr, psql: tools.psql.clone() };
        let ready = wait_for(Duration::from_secs(60), || {
            assert!(
                server.process.exited().is_none(),
                "postgres stopped; its log:\n{}",
                server.process.tail(40)
            );
            server.sql(network, host, "postgres", "SELECT 1").ok()
        });
        assert!(
            ready.is_some(),
            "postgres did not answer within 60 s; its log:\n{}",
            server.process.tail(40)
        );
        server.sql(network, host, "postgres", &format!("CREATE DATABASE {DATABASE}")).unwrap();
        server
    }

    /// The front ends' database URL.
    pub fn url(&self) -> String {
        format!("postgres://app@{}:5432/{DATABASE}", self.addr)
    }

    /// Runs `sql` with psql on host `host` over the test network; its unaligned output.
    pub fn sql(&self, network: &Network, host: &str, database: &str, sql: &str) -> Result<String, String> {
        try_run(
            network
                .exec(host, &self.psql)
                .env("PGCONNECT_TIMEOUT", "5")
                .args(["-h", &self.addr, "-p", "5432", "-U", "app", "-d", database, "-tAc", sql]),
        )
        .map(|out| out.trim().to_owned())
    }

    /// How many draws are stored.
    pub fn draws(&self, network: &Network, host: &str) -> u64 {
        let count = self.sql(network, host, DATABASE, "SELECT count(*) FROM draws").unwrap();
        count.parse().unwrap_or_else(|_| panic!("a count, not {count:?}"))
    }
}
