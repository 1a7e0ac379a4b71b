//! Times the leaderboard's reads through the Store on a seeded database: the top page of every
//! board, a page deep down a board, a player's neighbourhood and a heavy player's totals; each
//! read repeated, one at a time, then a few concurrently.

use crate::plans::{self, Sample};
use anyhow::Context;
use prizegen::store::{Board, DatabaseUrl, DrawFilter, Period, Scope, Standing, Store, StoreError};
use prizegen_domain::games::Game;
use std::future::Future;
use std::time::{Duration, Instant};

/// Where a deep page starts.
const DEEP_RANK: usize = 5_000;
/// More entries than any board holds: reading this many reads a whole board.
const WHOLE_BOARD: u32 = 1_000_000;

/// Times every read `runs` times and then prints the plans (when `plans`).
pub async fn run(store: &Store, url: &DatabaseUrl, runs: usize, plans: bool) -> anyhow::Result<()> {
    let latest = store.recent_draws(DrawFilter { limit: 1, ..DrawFilter::default() }).await?;
    let at_ms = latest.first().context("no draws: seed first")?.created_at_ms;
    println!("boards of the periods that contain the last draw ({}), as of then", Period::Day.key(at_ms));
    let scopes =
        [Scope::All, Scope::Game(Game::AccountPrize), Scope::Campaign(Game::AccountPrize.slug().into())];
    let mut boards = Vec::new();
    for scope in &scopes {
        for period in Period::EVERY {
            let board = Board { scope: scope.clone(), period, at_ms };
            let whole = store.standings(board.clone(), None, WHOLE_BOARD).await?;
            boards.push((label(&board), board, whole));
        }
    }

    println!("\n{runs} timed runs of each read, one at a time, after one untimed run (milliseconds):");
    println!("{:<52} {:>8} {:>8} {:>8} {:>8}", "read", "entries", "p50", "p95", "max");
    for (label, board, whole) in &boards {
        let what = format!("top 20, {label}");
        time(&what, whole.len(), runs, || store.standings(board.clone(), None, 20)).await?;
    }
    let (_, all_time, all_entries) = &boards[0];
    let mut deep = None;
    for (label, board, whole) in
        boards.iter().filter(|(_, b, _)| b.period != Period::Week || b.scope == Scope::All)
    {
        let Some(at) = middle(whole) else { continue };
        let what = format!("20 after rank {}, {label}", at.rank);
        let page = time(&what, whole.len(), runs, || store.standings(board.clone(), Some(at.position()), 20))
            .await?;
        anyhow::ensure!(
            page.first().map(|s| s.rank) == Some(at.rank + 1),
            "the page after {} starts elsewhere",
            at.rank
        );
        if board == all_time {
            deep = Some(at.clone());
        }
    }
    for (label, board, whole) in boards.iter().filter(|(_, b, _)| b.scope == Scope::All) {
        let Some(at) = middle(whole) else { continue };
        let what = format!("around rank {} (5 + 5), {label}", at.rank);
        let around =
            time(&what, whole.len(), runs, || store.standings_around(board.clone(), at.player_id, 5)).await?;
        anyhow::ensure!(
            around.iter().any(|s| s.player_id == at.player_id && s.rank == at.rank),
            "{what}: not found"
        );
    }
    let heavy = all_entries.first().context("an empty board")?;
    let deep = deep.context("the all-time board is too small for a deep page")?;
    for (who, player) in [("the top player", heavy), ("the deep page's player", &deep)] {
        let totals = store.player_totals(player.player_id).await?;
        let draws: i64 = totals.iter().map(|t| t.draws).sum();
        let what = format!("player_totals, {who} ({draws} draws)");
        time(&what, totals.len(), runs, || store.player_totals(player.player_id)).await?;
    }

    println!("\nconcurrently, 16 tasks for 5 s each:");
    let top = all_time.clone();
    concurrent("top 20, all / all", || store.standings(top.clone(), None, 20)).await?;
    let (at, mid, rank) = (deep.position(), deep.player_id, deep.rank);
    concurrent(&format!("20 after rank {rank}, all / all"), || store.standings(top.clone(), Some(at), 20))
        .await?;
    concurrent(&format!("around rank {rank}, all / all"), || store.standings_around(top.clone(), mid, 5))
        .await?;

    if plans {
        let top_ids = all_entries.iter().take(20).map(|s| s.player_id).collect();
        let sample = Sample { deep: deep.clone(), top_ids, heavy_player: heavy.player_id };
        plans::print(url, &sample).await?;
    }
    Ok(())
}

/// `all / month`, `game:account-prize / day`, …
fn label(board: &Board) -> String {
    let scope = match &board.scope {
        Scope::All => "all".to_owned(),
        Scope::Game(game) => format!("game:{game}"),
        Scope::Campaign(slug) => format!("campaign:{slug}"),
    };
    format!("{scope} / {}", board.period.as_str())
}

/// The entry at rank 5,000, or halfway down a smaller board; none on a board of fewer than 40.
fn middle(whole: &[Standing]) -> Option<&Standing> {
    (whole.len() >= 40).then(|| &whole[DEEP_RANK.min(whole.len() / 2) - 1])
}

/// Runs `read` once untimed, then `runs` times timed; prints p50, p95 and max; the last answer.
async fn time<T, F, Fut>(what: &str, entries: usize, runs: usize, mut read: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let mut answer = read().await?;
    let mut took = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        answer = read().await?;
        took.push(started.elapsed());
    }
    took.sort_unstable();
    let at = |q: f64| ms(took[((took.len() as f64 * q) as usize).min(took.len() - 1)]);
    println!("{what:<52} {entries:>8} {:>8.3} {:>8.3} {:>8.3}", at(0.5), at(0.95), at(1.0));
    Ok(answer)
}

/// Runs `read` in 16 tasks for 5 s; prints reads/s and the mean latency.
async fn concurrent<T, F, Fut>(what: &str, read: F) -> anyhow::Result<()>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    const TASKS: usize = 16;
    let until = Instant::now() + Duration::from_secs(5);
    let started = Instant::now();
    // One task's loop; the futures run together on this task, which is enough to keep 16 reads
    // in flight (the reading happens on the database's side: its threads or its server).
    let one = || async {
        let mut n = 0u64;
        while Instant::now() < until {
            read().await?;
            n += 1;
        }
        Ok::<u64, StoreError>(n)
    };
    let counts = futures_util::future::try_join_all((0..TASKS).map(|_| one())).await?;
    let n: u64 = counts.iter().sum();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{what:<52} {:>8.0} reads/s, mean {:.2} ms",
        n as f64 / secs,
        1000.0 * secs * TASKS as f64 / n as f64
    );
    Ok(())
}

/// Milliseconds, fractional.
fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
