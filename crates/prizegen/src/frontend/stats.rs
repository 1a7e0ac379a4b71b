//! The public statistics: for each game and each combination of service versions that served
//! it, how many draws fell on each outcome beside how many the published odds predict, and
//! Pearson's chi-square test of the difference.
//!
//! Fast at any number of draws, by design:
//! - the counting is one GROUP BY per game in the database (`Store::outcome_counts`), so a
//!   million draws come back as a few dozen rows;
//! - the answer is kept: for [`FRESH_FOR`] a request reads memory; after that it still does,
//!   and one count in the background replaces the answer. One count runs at a time, so a burst
//!   of requests costs the database one scan, and only a question never asked before waits.

use crate::store::{OutcomeCount, Store, StoreError};
use prizegen_domain::games::outcomes::outcome_key;
use prizegen_domain::games::{Game, Impl, Impls};
use prizegen_domain::stats::{ChiSquare, chi_square};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a computed answer is served before it is computed again.
pub const FRESH_FOR: Duration = Duration::from_secs(10);

/// One outcome of a group.
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeStat {
    /// What draws are counted under.
    pub key: String,
    /// How it reads.
    pub label: String,
    /// Its published probability.
    pub probability: f64,
    /// Draws with it.
    pub observed: u64,
    /// Draws the probability predicts: draws × probability.
    pub expected: f64,
}

/// The draws of one game made by one combination of versions.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupStats {
    /// The versions (for a service the game does not call, v1: it does not change the odds).
    pub impls: Impls,
    /// Which services the game calls (attack has no letters).
    pub uses: [bool; 3],
    /// How many draws.
    pub draws: u64,
    /// Each published outcome, in the odds' order.
    pub outcomes: Vec<OutcomeStat>,
    /// Draws whose outcome is not among the published ones (should be none), by key.
    pub unpublished: Vec<(String, u64)>,
    /// The test, when there are draws and at least two possible outcomes.
    pub fit: Option<ChiSquare>,
}

/// One game's groups, the most draws first.
#[derive(Clone, Debug, PartialEq)]
pub struct GameStats {
    /// The game.
    pub game: Game,
    /// Its groups.
    pub groups: Vec<GroupStats>,
}

/// The statistics as computed at one moment.
#[derive(Clone, Debug)]
pub struct Stats {
    /// When, Unix milliseconds.
    pub computed_at_ms: i64,
    /// How long the database took to count, milliseconds.
    pub took_ms: u64,
    /// Each game asked for.
    pub games: Vec<GameStats>,
}

/// Which versions a request asks about: a version per service, or any.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImplFilter {
    /// Letters'.
    pub letters: Option<Impl>,
    /// Numbers'.
    pub numbers: Option<Impl>,
    /// Rules'.
    pub rules: Option<Impl>,
}

impl ImplFilter {
    /// `v1`/`v2` (every service the game calls), or `numbers=v2,rules=v1` (those named; the
    /// others any).
    pub fn parse(text: &str) -> Result<Self, String> {
        if let Ok(imp) = text.parse::<Impl>() {
            return Ok(Self { letters: Some(imp), numbers: Some(imp), rules: Some(imp) });
        }
        let mut filter = Self::default();
        for part in text.split(',') {
            let (service, version) = part.split_once('=').ok_or_else(|| {
                format!("{part:?}: expected v1 or v2, or service=version pairs like numbers=v2")
            })?;
            let version = Some(version.trim().parse::<Impl>().map_err(|e| e.to_string())?);
            match service.trim() {
                "letters" => filter.letters = version,
                "numbers" => filter.numbers = version,
                "rules" => filter.rules = version,
                other => {
                    return Err(format!(
                        "unknown service {other:?}; the services are letters, numbers, rules"
                    ));
                }
            }
        }
        Ok(filter)
    }

    /// Whether a group made by `impls` (calling the services in `uses`) is asked about.
    pub fn admits(&self, impls: Impls, uses: [bool; 3]) -> bool {
        let wanted = [self.letters, self.numbers, self.rules];
        let actual = [impls.letters, impls.numbers, impls.rules];
        (0..3).all(|i| !uses[i] || wanted[i].is_none_or(|w| w == actual[i]))
    }
}

/// Groups one game's counts by versions and sets them against the published odds.
pub fn game_stats(game: Game, counts: &[OutcomeCount]) -> GameStats {
    let mut by_impls: BTreeMap<Impls, ([bool; 3], HashMap<String, u64>)> = BTreeMap::new();
    for count in counts {
        let services = [&count.served_by.letters, &count.served_by.numbers, &count.served_by.rules];
        let uses = services.map(Option::is_some);
        let [letters, numbers, rules] =
            services.map(|s| s.as_ref().and_then(|i| i.generator_impl()).unwrap_or_default());
        let key = outcome_key(game, count.pence, count.field.as_deref());
        let (group_uses, outcomes) = by_impls.entry(Impls { letters, numbers, rules }).or_default();
        *group_uses = [0, 1, 2].map(|i| group_uses[i] || uses[i]);
        *outcomes.entry(key).or_default() += count.count;
    }
    let mut groups: Vec<GroupStats> = by_impls
        .into_iter()
        .map(|(impls, (uses, mut observed))| {
            let draws = observed.values().sum();
            let outcomes: Vec<OutcomeStat> = game
                .outcome_odds(impls)
                .into_iter()
                .map(|odds| OutcomeStat {
                    observed: observed.remove(&odds.key).unwrap_or(0),
                    expected: draws as f64 * odds.probability,
                    key: odds.key,
                    label: odds.label,
                    probability: odds.probability,
                })
                .collect();
            let mut unpublished: Vec<(String, u64)> = observed.into_iter().collect();
            unpublished.sort();
            // An outcome outside the odds counts against the fit as an impossible one.
            let mut counts: Vec<u64> = outcomes.iter().map(|o| o.observed).collect();
            let mut probabilities: Vec<f64> = outcomes.iter().map(|o| o.probability).collect();
            counts.extend(unpublished.iter().map(|(_, n)| *n));
            probabilities.extend(unpublished.iter().map(|_| 0.0));
            let fit = chi_square(&counts, &probabilities);
            GroupStats { impls, uses, draws, outcomes, unpublished, fit }
        })
        .collect();
    groups.sort_by(|a, b| b.draws.cmp(&a.draws).then(a.impls.cmp(&b.impls)));
    GameStats { game, groups }
}

/// Computes the statistics of `games` (in `campaign`, if given) from the database.
pub async fn compute(store: &Store, games: &[Game], campaign: Option<&str>) -> Result<Stats, StoreError> {
    let started = Instant::now();
    let mut all = Vec::with_capacity(games.len());
    for game in games {
        let counts = store.outcome_counts(*game, campaign.map(str::to_owned)).await?;
        all.push(game_stats(*game, &counts));
    }
    Ok(Stats {
        computed_at_ms: crate::store::now_ms(),
        took_ms: started.elapsed().as_millis() as u64,
        games: all,
    })
}

/// What an answer is for: one game or all, one campaign or all.
type Asked = (Option<Game>, Option<String>);

/// Each answer kept, with when it was counted.
type Answers = HashMap<Asked, (Instant, Arc<Stats>)>;

/// The most answers kept (each game and campaign asked about has one).
const KEPT: usize = 64;

/// The last answer per (game, campaign), and the lock that lets one count run at a time.
#[derive(Clone, Default)]
pub struct StatsCache {
    answers: Arc<Mutex<Answers>>,
    counting: Arc<tokio::sync::Mutex<()>>,
}

impl StatsCache {
    /// The last answer, and whether it is still fresh.
    fn last(&self, key: &Asked) -> Option<(Arc<Stats>, bool)> {
        let answers = self.answers.lock().unwrap_or_else(|p| p.into_inner());
        answers.get(key).map(|(at, stats)| (stats.clone(), at.elapsed() < FRESH_FOR))
    }

    fn keep(&self, key: Asked, stats: Arc<Stats>) {
        let mut answers = self.answers.lock().unwrap_or_else(|p| p.into_inner());
        if answers.len() >= KEPT && !answers.contains_key(&key) {
            let oldest = answers.iter().min_by_key(|(_, (at, _))| *at).map(|(k, _)| k.clone());
            answers.remove(&oldest.expect("a full map has an oldest"));
        }
        answers.insert(key, (Instant::now(), stats));
    }

    /// The statistics of `game` (every game when `None`) in `campaign` (every campaign when
    /// `None`). A fresh answer is served from memory. A stale one is served too, while one
    /// count in the background replaces it (unless another count is running); only a question
    /// never asked before waits for its count.
    pub async fn get(
        &self,
        store: &Store,
        game: Option<Game>,
        campaign: Option<&str>,
    ) -> Result<Arc<Stats>, StoreError> {
        let key = (game, campaign.map(str::to_owned));
        let games = game.map_or_else(|| Game::ALL.to_vec(), |g| vec![g]);
        match self.last(&key) {
            Some((stats, true)) => Ok(stats),
            Some((stale, false)) => {
                if let Ok(counting) = self.counting.clone().try_lock_owned() {
                    let (cache, store) = (self.clone(), store.clone());
                    tokio::spawn(async move {
                        let _one_at_a_time = counting;
                        match compute(&store, &games, key.1.as_deref()).await {
                            Ok(stats) => cache.keep(key, Arc::new(stats)),
                            Err(error) => {
                                tracing::warn!(%error, "recounting the statistics failed; the last count stays")
                            }
                        }
                    });
                }
                Ok(stale)
            }
            None => {
                let _one_at_a_time = self.counting.lock().await;
                // Another request may have counted it while this one waited.
                if let Some((stats, _)) = self.last(&key) {
                    return Ok(stats);
                }
                let stats = Arc::new(compute(store, &games, campaign).await?);
                self.keep(key, stats.clone());
                Ok(stats)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Instance;
    use crate::store::ServedBy;

    fn served(letters: Option<&str>, numbers: &str, rules: &str, name: &str) -> ServedBy {
        ServedBy {
            frontend: Instance::new("0.1.0", "fe"),
            letters: letters.map(|v| Instance::new(v, name)),
            numbers: Some(Instance::new(numbers, name)),
            rules: Some(Instance::new(rules, name)),
        }
    }

    fn count(served_by: ServedBy, field: &str, count: u64) -> OutcomeCount {
        OutcomeCount { served_by, pence: None, field: Some(field.into()), count }
    }

    #[test]
    fn instances_of_one_version_make_one_group_and_versions_their_own() {
        let counts = [
            count(served(None, "v1", "v1", "a"), "hit", 50),
            count(served(None, "v1", "v1", "b"), "HIT", 1),
            count(served(None, "v1", "v1", "a"), "missed", 40),
            count(served(None, "v1", "v1", "a"), "crit", 10),
            count(served(None, "v2", "v2", "a"), "CRIT", 25),
            count(served(None, "v2", "v2", "a"), "HIT", 75),
        ];
        let stats = game_stats(Game::Attack, &counts);
        let [v1, v2] = &stats.groups[..] else { panic!("two groups: {stats:?}") };
        assert_eq!((v1.draws, v1.impls.numbers, v1.uses), (101, Impl::V1, [false, true, true]));
        let hit = v1.outcomes.iter().find(|o| o.key == "hit").unwrap();
        assert_eq!(hit.observed, 51, "lower and upper case are one outcome");
        assert!((hit.expected - 101.0 * 151.0 / 300.0).abs() < 1e-9);
        let fit = v1.fit.unwrap();
        assert_eq!(fit.degrees_of_freedom, 2);
        assert_eq!((v2.draws, v2.impls.numbers), (100, Impl::V2));
        assert_eq!(v2.fit.unwrap().degrees_of_freedom, 1, "v2 never misses");
        assert!(v2.unpublished.is_empty());
    }

    #[test]
    fn an_outcome_outside_the_odds_is_shown_and_fails_the_fit() {
        let counts = [
            count(served(None, "v2", "v2", "a"), "HIT", 75),
            count(served(None, "v2", "v2", "a"), "MISSED", 1),
        ];
        let stats = game_stats(Game::Attack, &counts);
        let group = &stats.groups[0];
        assert_eq!(
            group.outcomes.iter().find(|o| o.key == "missed").unwrap().observed,
            1,
            "missed is published, at 0"
        );
        assert_eq!(group.fit.unwrap().p_value, 0.0, "probability 0, observed: impossible");
        let odd = [
            count(served(None, "v1", "v1", "a"), "fumble", 3),
            count(served(None, "v1", "v1", "a"), "hit", 3),
        ];
        let group = &game_stats(Game::Attack, &odd).groups[0];
        assert_eq!(group.unpublished, [("fumble".to_owned(), 3)]);
        assert_eq!(group.fit.unwrap().p_value, 0.0);
    }

    #[test]
    fn a_filter_names_versions_or_leaves_them_open() {
        let v2 = ImplFilter::parse("v2").unwrap();
        let mixed = Impls { letters: Impl::V1, numbers: Impl::V2, rules: Impl::V2 };
        assert!(!v2.admits(mixed, [true, true, true]));
        assert!(v2.admits(mixed, [false, true, true]), "a service the game does not call does not count");
        let numbers = ImplFilter::parse("numbers=v2").unwrap();
        assert!(numbers.admits(mixed, [true, true, true]));
        assert!(!numbers.admits(Impls::default(), [true, true, true]));
        assert!(ImplFilter::parse("dice=v2").is_err());
        assert!(ImplFilter::parse("v3").is_err());
    }
}
