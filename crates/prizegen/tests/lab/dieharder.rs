//! dieharder judges `prizegen stream`: a short selection of its tests, each reading the endless
//! stream of a fixed key from a pipe (`dieharder -g 200`, raw binary on stdin), must give no
//! FAILED verdict. A patterned stream must give one, so the verdicts are really read.
//! `docs/fairness.md` says how to run the whole battery, and PractRand.

use super::{BINARY, exits, skip, test_key};
use std::io::Write;
use std::process::{Command, Stdio};

/// The selection (`-d` number, name): Good-rated tests that read little, covering spacings,
/// points in two and three dimensions, and ordering. The test binary's unoptimised stream makes
/// about 5 MB/s, and dieharder first times its generator, so each takes 8–14 s here: about 40 s.
const SELECTION: [(&str, &str); 4] = [
    ("0", "diehard_birthdays"),
    ("10", "diehard_parking_lot"),
    ("12", "diehard_3dsphere"),
    ("15", "diehard_runs"),
];

/// Whether `program` is an executable file in one of `PATH`'s directories.
fn on_path(program: &str) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).any(|dir| dir.join(program).is_file())
}

/// Whether dieharder is installed; when it is not the calling test is skipped (failed in CI).
fn have_dieharder() -> bool {
    if on_path("dieharder") {
        return true;
    }
    skip::because("dieharder is not installed (apt-get install dieharder)");
    false
}

/// `dieharder -g 200 -d TEST` reading `input`; its report. The key is fixed, so every run reads
/// the same bytes and gets the same p-values; `-S` pins dieharder's own seed as well.
fn dieharder(test: &str, input: Stdio) -> String {
    let out = Command::new("dieharder")
        .args(["-g", "200", "-S", "1", "-d", test])
        .stdin(input)
        .output()
        .expect("dieharder runs");
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "dieharder -d {test}: {report}{}", String::from_utf8_lossy(&out.stderr));
    report
}

/// The report's verdict lines, as (test name, `PASSED`, `WEAK` or `FAILED`).
fn verdicts(report: &str) -> Vec<(String, String)> {
    report
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split('|').map(str::trim).collect();
            let verdict = *fields.last()?;
            (fields.len() == 6 && ["PASSED", "WEAK", "FAILED"].contains(&verdict))
                .then(|| (fields[0].to_owned(), verdict.to_owned()))
        })
        .collect()
}

#[test]
fn dieharder_finds_no_failure_in_the_stream() {
    if !have_dieharder() {
        return;
    }
    for (number, name) in SELECTION {
        let mut stream = Command::new(BINARY)
            .args(["stream", "--key", &hex::encode(test_key())])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let report = dieharder(number, Stdio::from(stream.stdout.take().unwrap()));
        let status = exits(&mut stream, "prizegen stream after dieharder closed the pipe");
        assert!(status.success(), "{status:?}");
        let verdicts = verdicts(&report);
        assert!(verdicts.iter().any(|(test, _)| test == name), "no verdict for {name}: {report}");
        let failed: Vec<_> = verdicts.iter().filter(|(_, verdict)| verdict == "FAILED").collect();
        assert!(failed.is_empty(), "dieharder -d {number} failed the stream: {failed:?}\n{report}");
        // The lines a CI log keeps, for a reader who wants the p-values.
        println!("{report}");
    }
}

#[test]
fn dieharder_fails_a_patterned_stream_so_its_verdicts_are_read() {
    if !have_dieharder() {
        return;
    }
    let mut child = Command::new("dieharder")
        .args(["-g", "200", "-S", "1", "-d", SELECTION[0].0])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("dieharder runs");
    let mut input = child.stdin.take().unwrap();
    // A counter: every 32-bit word one more than the last. Written until dieharder stops reading.
    let writer = std::thread::spawn(move || {
        let mut counter = 0u32;
        let mut chunk = Vec::with_capacity(64 * 1024);
        loop {
            chunk.clear();
            for _ in 0..16 * 1024 {
                chunk.extend_from_slice(&counter.to_be_bytes());
                counter = counter.wrapping_add(1);
            }
            if input.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    let verdicts = verdicts(&report);
    assert!(
        verdicts.iter().any(|(test, verdict)| test == SELECTION[0].1 && verdict == "FAILED"),
        "a counter must fail {}: {report}",
        SELECTION[0].1
    );
}
