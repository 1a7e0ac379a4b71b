//! A test that cannot run on this machine (a program is not installed, it needs root, ...):
//! skipped with a printed reason, except in CI.
//!
//! Outside CI the test ends early and says so on the process's standard error, written past
//! libtest's output capture so that the line shows in `cargo test`'s output although the test
//! passes: `SKIPPED <test>: <reason>`. In CI (`CI` set, to any value) a skip would hide a
//! broken setup, so the test fails instead. Only the one test ends: the other tests of its
//! binary still run (never `process::exit`).
//!
//! The binaries that include `support/mod.rs` have it as `support::skip`; the others include
//! this file alone: `#[path = "support/skip.rs"] mod skip;`.

use std::ffi::OsString;
use std::io::Write;

/// What becomes of a test that cannot run here.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Outside CI: it ends early and passes, after printing this line.
    Skip(String),
    /// In CI: it fails with this message.
    Fail(String),
}

/// The verdict on `test`, which cannot run because of `reason`, given the value of the `CI`
/// environment variable (`None`: not set).
pub fn verdict(test: &str, reason: &str, ci: Option<OsString>) -> Verdict {
    match ci {
        None => Verdict::Skip(format!("SKIPPED {test}: {reason}")),
        Some(_) => Verdict::Fail(format!("CI must run {test}: {reason}")),
    }
}

/// Reports that the calling test cannot run because of `reason` (e.g. "initdb is not installed
/// (apt-get install postgresql)"): prints the skip, or panics in CI. The caller then returns
/// without testing anything: from the test, or a `None` its test returns on.
#[track_caller]
pub fn because(reason: &str) {
    // libtest runs each test on a thread named after it.
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    match verdict(test, reason, std::env::var_os("CI")) {
        // Not eprintln!: libtest captures that for passing tests, and the skip would not show.
        // One write of the whole line, so that other tests' output cannot split it.
        Verdict::Skip(line) => {
            let _ = std::io::stderr().lock().write_all(format!("{line}\n").as_bytes());
        }
        Verdict::Fail(message) => panic!("{message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::{Verdict, verdict};

    #[test]
    fn outside_ci_a_missing_program_is_a_skip_naming_test_and_reason() {
        let reason = "initdb is not installed (apt-get install postgresql)";
        assert_eq!(
            verdict("suite::draws::a_draw", reason, None),
            Verdict::Skip(
                "SKIPPED suite::draws::a_draw: initdb is not installed (apt-get install postgresql)".into()
            )
        );
    }

    #[test]
    fn in_ci_it_is_a_failure_whatever_the_value() {
        for ci in ["true", "1", ""] {
            assert_eq!(
                verdict("image", "dockerd needs root", Some(ci.into())),
                Verdict::Fail("CI must run image: dockerd needs root".into()),
                "CI={ci:?}"
            );
        }
    }
}
