//! `prizegen outcomes`: its rows are draws `prizegen verify` accepts, the same for the same
//! seed, streamed, and its flags are checked.

use super::{BINARY, exits, prizegen};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

const SEED: &str = "7f3c1e0a9b8d6c5e4f302112233445566778899aabbccddeeff0011223344556";

/// The CSV's rows as column name → value, after checking every row has the header's columns.
fn table(csv: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    assert_eq!(header[0], "nonce");
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), header.len(), "{line}");
            header.iter().zip(fields).map(|(h, f)| ((*h).to_owned(), f.to_owned())).collect()
        })
        .collect()
}

/// `prizegen outcomes ARGS`, which must succeed: its CSV.
fn outcomes(args: &[&str]) -> String {
    let mut all = vec!["outcomes"];
    all.extend_from_slice(args);
    let out = prizegen(&all, b"");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A row as the API would show its draw (what `prizegen verify` reads): result, prize, the
/// fairness fields and the implementations, with the revealed seed.
fn as_draw(game: &str, impls: [&str; 3], client_seed: &str, row: &BTreeMap<String, String>) -> Value {
    let get = |name: &str| row.get(name).unwrap_or_else(|| panic!("no column {name}")).clone();
    let int = |name: &str| get(name).parse::<u64>().unwrap();
    let cash = |pence: u64| (pence > 0).then(|| json!({"amount_pence": pence, "label": ""}));
    let (result, prize) = match game {
        "account-prize" => {
            assert_eq!(get("letters") + &get("digits"), get("account_number"), "letters then digits");
            (json!({"account_number": get("account_number")}), cash(int("prize_pence")))
        }
        "prize-pool" => {
            let (letters, digits) = (get("letters"), get("digits"));
            for (i, c) in get("sequence").bytes().enumerate() {
                assert!(c == letters.as_bytes()[i] || c == digits.as_bytes()[i], "position {i} of {row:?}");
            }
            // v2 rules label "no prize" X, a prize of 0.
            let prize = match (int("prize_pence"), impls[2]) {
                (0, "v2") => Some(json!({"amount_pence": 0, "label": "X"})),
                (pence, _) => cash(pence),
            };
            (json!({"sequence": get("sequence"), "tier": int("tier")}), prize)
        }
        "spy-mission" => {
            let letters = get("letters");
            let dossier: Vec<String> =
                (1..=6).zip(letters.chars()).map(|(i, c)| format!("{} {c}", get(&format!("n{i}")))).collect();
            let (task, target) = (get("task"), get("target"));
            let mission = format!("{task} {target}");
            (json!({"dossier": dossier.join(" "), "task": task, "target": target, "mission": mission}), None)
        }
        "attack" => (
            json!({"roll": int("roll"), "power": get("power"), "outcome": get("outcome"), "damage": get("damage")}),
            None,
        ),
        "character" => {
            let mut kept: Vec<u64> = (1..=8).map(|i| int(&format!("roll{i}"))).collect();
            kept.sort_unstable_by(|a, b| b.cmp(a));
            kept.truncate(6);
            let abilities = ["strength", "dexterity", "constitution", "intelligence", "wisdom", "charisma"];
            // The documented input: strength ranked 1 … charisma 6.
            let ranks: BTreeMap<_, _> = abilities.iter().zip(1..=6).collect();
            let scores: BTreeMap<_, _> = abilities.iter().map(|&a| (a, int(a))).collect();
            (
                json!({"rolls": kept, "background": get("background"), "abilities": scores, "ranks": ranks}),
                None,
            )
        }
        other => panic!("no such game {other}"),
    };
    let seed = hex::decode(SEED).unwrap();
    json!({
        "id": format!("{game}-{}", get("nonce")),
        "game": game,
        "result": result,
        "prize": prize,
        "fairness": {
            "seed_hash": hex::encode(Sha256::digest(&seed)),
            "client_seed": client_seed,
            "nonce": int("nonce"),
            "server_seed": SEED,
        },
        "served_by": {
            "frontend": "lab@test",
            "letters": format!("{}@lab", impls[0]),
            "numbers": format!("{}@lab", impls[1]),
            "rules": format!("{}@lab", impls[2]),
        },
    })
}

/// `prizegen verify` on `draws`: its exit status and output.
fn verify(draws: &[Value]) -> (bool, String) {
    let out = prizegen(&["verify", "-"], serde_json::to_string(draws).unwrap().as_bytes());
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn every_game_s_rows_are_draws_prizegen_verify_recomputes_the_same() {
    let combinations: [(&str, [&str; 3], &str); 7] = [
        ("account-prize", ["v1", "v1", "v1"], "v1"),
        ("account-prize", ["v2", "v2", "v2"], "letters=v2,numbers=v2,rules=v2"),
        ("prize-pool", ["v1", "v1", "v2"], "rules=v2"),
        ("spy-mission", ["v1", "v1", "v1"], "v1"),
        ("attack", ["v1", "v2", "v1"], "numbers=v2"),
        ("attack", ["v1", "v1", "v2"], "rules=v2"),
        ("character", ["v2", "v1", "v1"], "letters=v2"),
    ];
    for (game, impls, flag) in combinations {
        let csv =
            outcomes(&["--game", game, "--impl", flag, "-n", "300", "--seed", SEED, "--client-seed", "lab"]);
        let rows = table(&csv);
        assert_eq!(rows.len(), 300, "{game}");
        for (nonce, row) in rows.iter().enumerate() {
            assert_eq!(row["nonce"], nonce.to_string(), "nonces 0 to N-1 in order");
        }
        let draws: Vec<Value> = rows.iter().map(|row| as_draw(game, impls, "lab", row)).collect();
        let (ok, report) = verify(&draws);
        assert!(ok && report.contains("300 of 300 draws verified"), "{game} {flag}: {report}");
    }
}

#[test]
fn a_row_changed_or_read_with_another_client_seed_does_not_verify() {
    // The comparison above has teeth: verify rejects what the seed did not draw.
    let csv = outcomes(&["--game", "account-prize", "-n", "200", "--seed", SEED]);
    let rows = table(&csv);
    let won = rows.iter().position(|r| r["prize_pence"] != "0").expect("some of 200 draws win");
    let mut changed = rows[won].clone();
    changed.insert("prize_pence".into(), "0".into());
    let (ok, report) = verify(&[as_draw("account-prize", ["v1"; 3], "", &changed)]);
    assert!(!ok && report.contains("FAIL"), "{report}");
    let (ok, report) = verify(&[as_draw("account-prize", ["v1"; 3], "other", &rows[won])]);
    assert!(!ok && report.contains("FAIL"), "the client seed is part of every key: {report}");
    let (ok, report) = verify(&[as_draw("account-prize", ["v1"; 3], "", &rows[won])]);
    assert!(ok, "{report}");
}

#[test]
fn a_seed_gives_the_same_rows_every_time_and_a_fresh_seed_is_printed_to_reproduce_them() {
    let args = ["--game", "attack", "-n", "500", "--seed", SEED];
    assert_eq!(outcomes(&args), outcomes(&args));

    let fresh = prizegen(&["outcomes", "--game", "attack", "-n", "500"], b"");
    assert!(fresh.status.success());
    let stderr = String::from_utf8_lossy(&fresh.stderr);
    let words: Vec<&str> = stderr.split_whitespace().collect();
    let after = |word: &str| words.iter().position(|w| *w == word).map(|i| words[i + 1]).unwrap();
    let seed = after("seed");
    let commitment = after("(commitment").trim_end_matches(");");
    assert_eq!(commitment, hex::encode(Sha256::digest(hex::decode(seed).unwrap())), "{stderr}");
    let again = outcomes(&["--game", "attack", "-n", "500", "--seed", seed]);
    assert_eq!(String::from_utf8(fresh.stdout).unwrap(), again, "the printed seed draws the same rows");
    assert_ne!(again, outcomes(&args), "another seed, other rows");
}

#[test]
fn rows_stream_as_they_are_drawn_and_a_closed_pipe_ends_the_run_quietly() {
    // 10^15 draws could never be held in memory or finished: the first rows must come at once.
    let mut child = Command::new(BINARY)
        .args(["outcomes", "--game", "spy-mission", "-n", "1000000000000000", "--seed", SEED])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "nonce,n1,n2,n3,n4,n5,n6,letters,task,target");
    for nonce in 0..1000 {
        assert!(lines.next().unwrap().unwrap().starts_with(&format!("{nonce},")));
    }
    drop(lines);
    let status = exits(&mut child, "prizegen outcomes after its reader closed the pipe");
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(status.success() && stderr.is_empty(), "{status:?} {stderr}");
}

#[test]
fn bad_arguments_exit_2_with_a_message_naming_the_problem() {
    let long = "x".repeat(65);
    let cases: [(&[&str], &str); 7] = [
        (&["--game", "poker", "-n", "5"], "unknown game \"poker\"; the games are: account-prize"),
        (&["--game", "attack"], "--draws"),
        (&["-n", "5"], "--game"),
        (&["--game", "attack", "-n", "5", "--impl", "numbers=v3"], "expected v1 or v2"),
        (&["--game", "attack", "-n", "5", "--impl", "dice=v2"], "unknown service"),
        (&["--game", "attack", "-n", "5", "--seed", "xyz"], "64 hex digits"),
        (&["--game", "attack", "-n", "5", "--client-seed", long.as_str()], "at most 64 bytes"),
    ];
    for (args, says) in cases {
        let mut all = vec!["outcomes"];
        all.extend_from_slice(args);
        let out = prizegen(&all, b"");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?} should say {says:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
}
