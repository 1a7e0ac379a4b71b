//! Hosts made of network namespaces: one namespace per host, each with an `eth0` plugged into a
//! bridge that lives in a namespace of its own (the switch). Addresses exist only inside these
//! namespaces; the root namespace only creates the links, it is never given an address or route.

use super::sys::{run, try_run};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Every name this test creates starts with this, then the test process's PID.
pub const PREFIX: &str = "pgroll-";

/// The private subnet inside the test's namespaces.
pub const SUBNET: &str = "10.231.0";

/// One host.
pub struct Host {
    /// Its role, e.g. `app1`.
    pub name: &'static str,
    /// Its namespace.
    pub ns: String,
    /// Its address on the test network.
    pub addr: String,
}

/// The hosts and the switch between them; removed when dropped.
pub struct Network {
    ip: PathBuf,
    switch: String,
    hosts: Vec<Host>,
}

impl Network {
    /// Builds `hosts` (role, last byte of the address) for the run named `prefix` (`pgroll-<pid>`).
    pub fn build(ip: &Path, prefix: &str, hosts: &[(&'static str, u8)]) -> Result<Self, String> {
        let switch = format!("{prefix}-sw");
        let mut network = Self { ip: ip.to_owned(), switch: switch.clone(), hosts: Vec::new() };
        // The first command tells whether namespaces work here at all (they need CAP_SYS_ADMIN).
        try_run(Command::new(ip).args(["netns", "add", &switch]))?;
        let sw = |args: &[&str]| run(Command::new(ip).args(["-n", &switch]).args(args));
        sw(&["link", "set", "lo", "up"]);
        sw(&["link", "add", "br0", "type", "bridge"]);
        sw(&["link", "set", "br0", "up"]);
        for &(name, last) in hosts {
            let ns = format!("{prefix}-{name}");
            run(Command::new(ip).args(["netns", "add", &ns]));
            network.hosts.push(Host { name, ns: ns.clone(), addr: format!("{SUBNET}.{last}") });
            // Created inside the switch with its peer directly in the host: never in the root.
            sw(&["link", "add", name, "type", "veth", "peer", "name", "eth0", "netns", &ns]);
            sw(&["link", "set", name, "master", "br0", "up"]);
            let host = |args: &[&str]| run(Command::new(ip).args(["-n", &ns]).args(args));
            host(&["link", "set", "lo", "up"]);
            host(&["addr", "add", &format!("{SUBNET}.{last}/24"), "dev", "eth0"]);
            host(&["link", "set", "eth0", "up"]);
        }
        Ok(network)
    }

    /// The host with this role.
    pub fn host(&self, name: &str) -> &Host {
        self.hosts.iter().find(|h| h.name == name).unwrap_or_else(|| panic!("no host {name}"))
    }

    /// A command that runs `program` on host `name`.
    pub fn exec(&self, name: &str, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(&self.ip);
        command.args(["netns", "exec", &self.host(name).ns]).arg(program);
        command
    }

    /// Every namespace of the run.
    pub fn namespaces(&self) -> Vec<String> {
        let mut all: Vec<String> = self.hosts.iter().map(|h| h.ns.clone()).collect();
        all.push(self.switch.clone());
        all
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        for ns in self.namespaces() {
            remove_namespace(&self.ip, &ns);
        }
    }
}

/// Kills, by PID, whatever still runs in `ns` (only processes this test started live there),
/// then deletes it.
fn remove_namespace(ip: &Path, ns: &str) {
    if let Ok(pids) = try_run(Command::new(ip).args(["netns", "pids", ns])) {
        for pid in pids.split_whitespace() {
            let _ = Command::new("kill").args(["-KILL", pid]).stderr(Stdio::null()).status();
        }
    }
    let _ = Command::new(ip).args(["netns", "del", ns]).stderr(Stdio::null()).status();
}

/// The PID in a name `pgroll-<pid>-…`, when that process is gone: the name is a leftover.
fn dead_owner(name: &str) -> bool {
    let Some(pid) = name.strip_prefix(PREFIX).and_then(|rest| rest.split('-').next()) else {
        return false;
    };
    pid.parse::<u32>().is_ok_and(|pid| !Path::new(&format!("/proc/{pid}")).exists())
}

/// Removes what an earlier run of this test left behind when it could not clean up (its
/// namespaces and directories, recognised by the prefix and a PID that no longer runs).
pub fn remove_leftovers(ip: &Path, temp: &Path) {
    if let Ok(list) = try_run(Command::new(ip).args(["netns", "list"])) {
        for ns in list.lines().filter_map(|l| l.split_whitespace().next()) {
            if dead_owner(ns) {
                eprintln!("removing namespace {ns}, left by an earlier run");
                remove_namespace(ip, ns);
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(temp) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if dead_owner(&name) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Once this process has exited (a killed test process runs no destructors): kills what runs
/// in the run's namespaces, deletes them and removes `dir`.
pub fn watchdog(ip: &Path, namespaces: &[String], dir: &Path) {
    let ip = ip.display();
    let namespaces = namespaces.join(" ");
    let cleanup = format!(
        "for ns in {namespaces}; do \
           for p in $({ip} netns pids $ns 2>/dev/null); do kill -KILL $p; done; \
           {ip} netns del $ns 2>/dev/null; \
         done; rm -rf {dir}",
        dir = dir.display(),
    );
    super::watchdog::after_exit("true", &cleanup);
}
