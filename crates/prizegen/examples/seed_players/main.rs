//! The leaderboard at scale (PERFORMANCE.md, "The leaderboard at 1,000,000 draws and 10,000 players"): fills a fresh
//! database with players and their draws through the real [`Store`], then times the
//! leaderboard's reads through the same API and prints each database's plans for them.
//!
//! ```sh
//! # seed: 10,000 players, then 1,000,000 signed-in account-prize draws over the last 60 days
//! cargo run --release -p prizegen --example seed_players -- \
//!     --database-url sqlite:///tmp/lb.db --players 10000 --draws 1000000
//! # on the seeded database: each read's p50/p95 through the Store, then the query plans
//! cargo run --release -p prizegen --example seed_players -- --database-url sqlite:///tmp/lb.db --measure
//! # what the leaderboard upsert costs a draw: anonymous and signed-in draws, in alternate blocks
//! cargo run --release -p prizegen --example seed_players -- --database-url sqlite:///tmp/lb.db --write-cost 20000
//! ```
//!
//! Every row is written by `Store::register_player` and `Store::insert_draw`, so the
//! leaderboard holds exactly what the product writes: the twelve-row upsert of each prize, in
//! the draw's own transaction. The draws are real account-prize draws (v1 letters, numbers and
//! rules on the stored seed, so the prizes follow the game's published odds, and account numbers
//! that collide in their campaign are drawn again with the next nonce, as the front end does).

mod measure;
mod plans;
mod seed;

use clap::Parser;
use prizegen::store::{DatabaseUrl, SqlOptions, Store};
use std::time::Duration;

/// What to do, and with which database.
#[derive(Parser)]
struct Args {
    /// `sqlite://FILE`, `postgres://…` or `mysql://…`; seeding wants a database without players.
    #[arg(long)]
    database_url: DatabaseUrl,
    /// Players to register.
    #[arg(long, default_value_t = 10_000)]
    players: u32,
    /// Draws to store, all signed in.
    #[arg(long, default_value_t = 1_000_000)]
    draws: u64,
    /// The draws are spread evenly over this many days, ending now.
    #[arg(long, default_value_t = 60)]
    days: u32,
    /// Draws in flight at once; default 256 on SQLite (its writer commits whatever is queued in
    /// one group) and 16 on a server (also the pool's size).
    #[arg(long)]
    concurrency: Option<usize>,
    /// Instead of seeding: time the leaderboard's reads and print the query plans.
    #[arg(long)]
    measure: bool,
    /// Timed repetitions of each read.
    #[arg(long, default_value_t = 200)]
    runs: usize,
    /// With --measure: skip the query plans.
    #[arg(long)]
    no_plans: bool,
    /// Instead of seeding: store this many anonymous and this many signed-in draws (dated now),
    /// in alternating blocks, and compare their rates.
    #[arg(long)]
    write_cost: Option<u64>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let sqlite = matches!(args.database_url, DatabaseUrl::Sqlite(_));
    let concurrency = args.concurrency.unwrap_or(if sqlite { 256 } else { 16 }).max(1);
    let options = SqlOptions { pool_size: concurrency as u32, timeout: Duration::from_secs(30) };
    let store = Store::open(&args.database_url, options).await?;
    println!("database: {}", args.database_url);
    if args.measure {
        measure::run(&store, &args.database_url, args.runs, !args.no_plans).await
    } else if let Some(draws) = args.write_cost {
        seed::write_cost(&store, args.players, draws, concurrency).await
    } else {
        let plan = seed::Plan { players: args.players, draws: args.draws, days: args.days, concurrency };
        seed::run(&store, plan).await
    }
}
