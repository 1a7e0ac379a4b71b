//! `spy-mission` (SPEC §3.3): six numbers and six letters make a dossier and a mission.
//! Both versions of every service behave alike for this game.

use super::{Impl, PartsError, Presentation, ResultField};
use crate::fairness::Stream;

/// How pages present spy-mission.
pub const PRESENTATION: Presentation = Presentation {
    title: "Spy mission",
    blurb: "receive a dossier and your mission",
    rules: "Six numbers and six letters make your dossier; the first number picks the task and the first \
            letter the target.",
    fields: &[
        ResultField { key: "dossier", label: "Dossier" },
        ResultField { key: "task", label: "Task" },
        ResultField { key: "target", label: "Target" },
        ResultField { key: "mission", label: "Mission" },
    ],
    summary: "mission",
};

/// Numbers and letters in a dossier.
pub const COUNT: usize = 6;
const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";

/// The numbers service's step: six integers in [0, 19].
pub fn numbers(_imp: Impl, stream: &mut Stream) -> Vec<u32> {
    (0..COUNT).map(|_| stream.int_in(0, 19)).collect()
}

/// The letters service's step: six lowercase letters.
pub fn letters(_imp: Impl, stream: &mut Stream) -> String {
    stream.letters(LOWER, COUNT)
}

/// The rules' result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mission {
    /// Numbers and letters interleaved, space separated: `"3 k 17 a 0 z 11 b 5 q 19 e"`.
    pub dossier: String,
    /// From the first number.
    pub task: &'static str,
    /// From the first letter.
    pub target: &'static str,
    /// `task + " " + target`.
    pub mission: String,
}

/// The task, from the first number: the first rule that holds.
pub fn task(n: u32) -> &'static str {
    if n == 19 {
        "Steal the DB_URI from"
    } else if n.is_multiple_of(3) {
        "Follow"
    } else if n >= 10 {
        "Collect information about"
    } else {
        "Meet with"
    }
}

/// The target, from the first letter.
pub fn target(c: char) -> &'static str {
    match c {
        'z' => "the flask developer",
        'a' | 'e' | 'i' | 'o' | 'u' => "the double agent",
        'b' | 'c' | 'd' | 'f' | 'g' | 'h' | 'j' => "the dictator",
        'k' | 'l' | 'm' | 'n' | 'p' | 'q' | 'r' => "the head of Odin",
        _ => "Duchess",
    }
}

/// The rules' step: six numbers in [0, 19] and six lowercase letters, what every version of
/// the generators makes (and what the contract documents, exactly).
pub fn mission(_imp: Impl, numbers: &[u32], letters: &str) -> Result<Mission, PartsError> {
    if numbers.len() != COUNT || numbers.iter().any(|&n| n > 19) {
        return Err(PartsError::new("numbers must be 6 integers in [0, 19]"));
    }
    if letters.len() != COUNT || !letters.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(PartsError::new("letters must be 6 lowercase letters"));
    }
    let dossier =
        numbers.iter().zip(letters.chars()).map(|(n, c)| format!("{n} {c}")).collect::<Vec<_>>().join(" ");
    let (task, target) = (task(numbers[0]), target(letters.as_bytes()[0].into()));
    Ok(Mission { dossier, task, target, mission: format!("{task} {target}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_first_rule_wins() {
        assert_eq!(task(19), "Steal the DB_URI from");
        assert_eq!(task(18), "Follow");
        assert_eq!(task(0), "Follow");
        assert_eq!(task(12), "Follow");
        assert_eq!(task(10), "Collect information about");
        assert_eq!(task(17), "Collect information about");
        assert_eq!(task(1), "Meet with");
        assert_eq!(task(8), "Meet with");
    }

    #[test]
    fn targets_by_letter_class() {
        assert_eq!(target('z'), "the flask developer");
        for c in "aeiou".chars() {
            assert_eq!(target(c), "the double agent");
        }
        for c in "bcdfghj".chars() {
            assert_eq!(target(c), "the dictator");
        }
        for c in "klmnpqr".chars() {
            assert_eq!(target(c), "the head of Odin");
        }
        for c in "stvwxy".chars() {
            assert_eq!(target(c), "Duchess");
        }
    }

    #[test]
    fn dossier_interleaves() {
        let m = mission(Impl::V1, &[3, 17, 0, 11, 5, 19], "kazbqe").unwrap();
        assert_eq!(m.dossier, "3 k 17 a 0 z 11 b 5 q 19 e");
        assert_eq!(m.mission, "Follow the head of Odin");
        assert!(mission(Impl::V1, &[20, 1, 2, 3, 4, 5], "abcdef").is_err());
        assert!(mission(Impl::V1, &[1, 2, 3, 4, 5, 6], "abcde").is_err());
        assert!(mission(Impl::V1, &[1, 2, 3, 4, 5, 6], "abcdeF").is_err());
        assert!(mission(Impl::V1, &[1, 2, 3, 4, 5], "abcde").is_err(), "six of each, as documented");
    }
}
