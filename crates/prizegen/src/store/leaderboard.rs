//! The leaderboard: each player's prizes per scope (everything, a game, a campaign) and period
//! (all time, this month, this week, today), kept as running totals that change in the
//! transaction of the draw that awarded the prize, and ranked by an index.
//!
//! A prize adds to twelve rows (three scopes × four periods) in one multi-row upsert; a draw
//! without a prize, or without a player, touches none. Ranking reads one index range
//! (`leaderboard_ranking`: scope, period, amount descending, reached_at, player_id), so the top
//! of a board, the next page after a cursor, and a player's rank cost what they return, not what
//! the board holds.

use super::rows::{Arg, FromRow, StoredRow};
use super::sqlx::Dialect;
use prizegen_domain::games::Game;
use time::OffsetDateTime;

/// Which prizes a board counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every game's.
    All,
    /// One game's, in all its campaigns.
    Game(Game),
    /// One campaign's (by slug).
    Campaign(String),
}

impl Scope {
    /// The `scope` column's value.
    pub(super) fn key(&self) -> String {
        match self {
            Scope::All => "all".to_owned(),
            Scope::Game(game) => format!("game:{}", game.slug()),
            Scope::Campaign(slug) => format!("campaign:{slug}"),
        }
    }
}

/// Which stretch of time a board counts, in UTC calendar terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// Since the beginning.
    All,
    /// This calendar month.
    Month,
    /// This ISO week (from Monday).
    Week,
    /// Today.
    Day,
}

impl Period {
    /// Every period, in the order the pages show them.
    pub const EVERY: [Period; 4] = [Period::All, Period::Month, Period::Week, Period::Day];

    /// The name the API and pages use.
    pub fn as_str(self) -> &'static str {
        match self {
            Period::All => "all",
            Period::Month => "month",
            Period::Week => "week",
            Period::Day => "day",
        }
    }

    /// The period named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::EVERY.into_iter().find(|p| p.as_str() == name)
    }

    /// The `period` column's value for the period of this kind that contains `at_ms`.
    pub fn key(self, at_ms: i64) -> String {
        let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let date = at.date();
        match self {
            Period::All => "all".to_owned(),
            Period::Month => format!("month:{:04}-{:02}", date.year(), u8::from(date.month())),
            Period::Week => {
                let monday = date - time::Duration::days(i64::from(date.weekday().number_days_from_monday()));
                format!("week:{monday}")
            }
            Period::Day => format!("day:{date}"),
        }
    }
}

/// Which board: a scope in the period containing a moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Board {
    /// Whose prizes.
    pub scope: Scope,
    /// Over which stretch.
    pub period: Period,
    /// A moment inside the period (now, for the current board).
    pub at_ms: i64,
}

impl Board {
    /// The key columns' values.
    fn keys(&self) -> (String, String) {
        (self.scope.key(), self.period.key(self.at_ms))
    }
}

/// Where a ranked list continues: after the entry with these sort values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// Its amount won.
    pub amount_pence: i64,
    /// When it reached that amount.
    pub reached_at_ms: i64,
    /// Its player (the last tie-break: the older account first).
    pub player_id: i64,
}

/// A player's line on a board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    /// 1 for the first.
    pub rank: u64,
    /// The player's id.
    pub player_id: i64,
    /// Their name.
    pub name: String,
    /// Amount won in the board's scope and period.
    pub amount_pence: i64,
    /// How many prizes.
    pub prizes: i64,
    /// When they reached that amount (Unix milliseconds).
    pub reached_at_ms: i64,
    /// Their largest prize's draw (the earliest, among equals).
    pub best_draw_id: String,
    /// That prize's amount.
    pub best_pence: i64,
}

impl Standing {
    /// Where a list that ends with this standing continues.
    pub fn position(&self) -> Position {
        Position {
            amount_pence: self.amount_pence,
            reached_at_ms: self.reached_at_ms,
            player_id: self.player_id,
        }
    }
}

/// A standing as read from a row; its rank is counted separately.
pub(super) struct Row(pub(super) Standing);

impl FromRow for Row {
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        Ok(Row(Standing {
            rank: 0,
            player_id: row.int("player_id")?,
            name: row.text("name")?,
            amount_pence: row.int("amount_pence")?,
            prizes: row.int("prizes")?,
            reached_at_ms: row.int("reached_at")?,
            best_draw_id: row.text("best_draw_id")?,
            best_pence: row.int("best_pence")?,
        }))
    }
}

/// One count, e.g. of the entries ahead of a position.
pub(super) struct Count(pub(super) i64);

impl FromRow for Count {
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        Ok(Count(row.int("n")?))
    }
}

/// The standing's columns, joined with the player's name.
macro_rules! select_standings {
    () => {
        "SELECT l.player_id, p.name, l.amount_pence, l.prizes, l.reached_at, l.best_draw_id, l.best_pence
         FROM leaderboard l JOIN players p ON p.id = l.player_id
         WHERE l.scope = ? AND l.period = ?"
    };
}

/// Rows after a position in ranking order (the ranking's tie-breaks spelt out, so every
/// database reads the same index range). Arguments: amount, amount, reached_at, reached_at,
/// player_id.
macro_rules! after {
    () => {
        " AND (l.amount_pence < ? OR (l.amount_pence = ? AND (l.reached_at > ?
               OR (l.reached_at = ? AND l.player_id > ?))))"
    };
}

/// The top of a board. Arguments: scope, period, limit.
pub(super) const TOP: &str =
    concat!(select_standings!(), " ORDER BY l.amount_pence DESC, l.reached_at, l.player_id LIMIT ?");
/// The entries after a position. Arguments: scope, period, [`after!`]'s five, limit.
pub(super) const AFTER: &str = concat!(
    select_standings!(),
    after!(),
    " ORDER BY l.amount_pence DESC, l.reached_at, l.player_id LIMIT ?"
);
/// The conditions of [`BEFORE`]: rows ranked ahead of a position.
macro_rules! before {
    () => {
        " AND (l.amount_pence > ? OR (l.amount_pence = ? AND (l.reached_at < ?
           OR (l.reached_at = ? AND l.player_id < ?))))"
    };
}
/// The entries before a position, nearest first. Arguments: scope, period, amount, amount,
/// reached_at, reached_at, player_id, limit.
pub(super) const BEFORE: &str = concat!(
    select_standings!(),
    before!(),
    " ORDER BY l.amount_pence, l.reached_at DESC, l.player_id DESC LIMIT ?"
);

/// A page of a board for MariaDB: its rows that meet `$conditions`, in `$order`, taken from the
/// ranking index in a derived table before the players' names are joined. Written as one join
/// ([`TOP`]), MariaDB chose to scan every player and sort: 12 ms for the top 20 of a
/// 10,000-player board at 1,000,000 draws, 0.4 ms this way (PERFORMANCE.md). PostgreSQL keeps
/// the join: with the `LIMIT` a parameter inside a derived table, its generic plan (which a
/// prepared statement switches to) hash-joins every player instead.
macro_rules! standings_page {
    ($conditions:expr, $order:literal) => {
        concat!(
            "SELECT l.player_id, p.name, l.amount_pence, l.prizes, l.reached_at, l.best_draw_id, l.best_pence
             FROM (SELECT l.player_id, l.amount_pence, l.prizes, l.reached_at, l.best_draw_id, l.best_pence
                   FROM leaderboard l WHERE l.scope = ? AND l.period = ?",
            $conditions,
            " ORDER BY ",
            $order,
            " LIMIT ?) l JOIN players p ON p.id = l.player_id ORDER BY ",
            $order
        )
    };
}

/// [`TOP`], [`AFTER`] and [`BEFORE`] for MariaDB (same arguments).
pub(super) const TOP_DERIVED: &str = standings_page!("", "l.amount_pence DESC, l.reached_at, l.player_id");
pub(super) const AFTER_DERIVED: &str =
    standings_page!(after!(), "l.amount_pence DESC, l.reached_at, l.player_id");
pub(super) const BEFORE_DERIVED: &str =
    standings_page!(before!(), "l.amount_pence, l.reached_at DESC, l.player_id DESC");

/// A server's [`TOP`], [`AFTER`] and [`BEFORE`].
pub(super) fn pages(dialect: Dialect) -> [&'static str; 3] {
    match dialect {
        Dialect::Postgres => [TOP, AFTER, BEFORE],
        Dialect::MySql => [TOP_DERIVED, AFTER_DERIVED, BEFORE_DERIVED],
    }
}

/// One player's entry. Arguments: scope, period, player_id.
pub(super) const ENTRY: &str = concat!(select_standings!(), " AND l.player_id = ?");
/// Counts entries ranked ahead of a position; `$or_at` makes it "ahead or at".
macro_rules! count_ahead {
    ($or_at:literal) => {
        concat!(
            "SELECT COUNT(*) AS n FROM leaderboard l WHERE l.scope = ? AND l.period = ?
             AND (l.amount_pence > ? OR (l.amount_pence = ? AND (l.reached_at < ?
                  OR (l.reached_at = ? AND l.player_id <",
            $or_at,
            " ?))))"
        )
    };
}

/// How many entries are ranked ahead of a position (its rank is one more). Arguments: scope,
/// period, amount, amount, reached_at, reached_at, player_id.
pub(super) const AHEAD: &str = count_ahead!("");
/// How many entries are ranked ahead of or at a position: the entries a page after it follows.
/// Arguments: as [`AHEAD`]'s.
pub(super) const NOT_AFTER: &str = count_ahead!("=");

/// `rows` in order, numbered from `ahead + 1`.
pub(super) fn ranked(rows: Vec<Standing>, ahead: u64) -> Vec<Standing> {
    rows.into_iter().zip(ahead + 1..).map(|(s, rank)| Standing { rank, ..s }).collect()
}

/// The arguments of a statement about `board` followed by a position's five comparisons.
pub(super) fn board_args(board: &Board, at: Option<Position>) -> Vec<Arg<'static>> {
    let (scope, period) = board.keys();
    let mut args: Vec<Arg<'static>> = vec![scope.into(), period.into()];
    if let Some(p) = at {
        args.extend([
            p.amount_pence.into(),
            p.amount_pence.into(),
            p.reached_at_ms.into(),
            p.reached_at_ms.into(),
            p.player_id.into(),
        ]);
    }
    args
}

/// A prize a player was awarded: what it adds to their boards.
#[derive(Clone, Debug)]
pub(super) struct Credit<'a> {
    /// The player.
    pub(super) player_id: i64,
    /// The game.
    pub(super) game: Game,
    /// The campaign's slug.
    pub(super) campaign: &'a str,
    /// The draw.
    pub(super) draw_id: &'a str,
    /// When it was drawn.
    pub(super) at_ms: i64,
    /// The prize's amount (positive).
    pub(super) amount_pence: i64,
}

/// Columns of one leaderboard row, in the upsert's order.
const COLUMNS: &str =
    "(scope, period, player_id, amount_pence, prizes, reached_at, best_draw_id, best_pence)";
/// How many rows a prize changes: three scopes × four periods.
pub(super) const ROWS_PER_CREDIT: usize = 12;

impl Credit<'_> {
    /// The upsert's arguments: seven per row (`prizes` is the literal 1).
    pub(super) fn args(&self) -> Vec<Arg<'_>> {
        let scopes =
            [Scope::All.key(), Scope::Game(self.game).key(), Scope::Campaign(self.campaign.to_owned()).key()];
        let mut args = Vec::with_capacity(ROWS_PER_CREDIT * 7);
        for scope in scopes {
            for period in Period::EVERY {
                args.extend([
                    Arg::from(scope.clone()),
                    period.key(self.at_ms).into(),
                    self.player_id.into(),
                    self.amount_pence.into(),
                    self.at_ms.into(),
                    self.draw_id.into(),
                    self.amount_pence.into(),
                ]);
            }
        }
        args
    }
}

/// The upsert that adds a prize to its twelve rows, as SQLite and PostgreSQL write it. In the
/// update, `leaderboard.x` is the row's value before it (both evaluate every assignment against
/// the old row); `excluded.x` is the new prize's.
fn upsert_on_conflict() -> String {
    format!(
        "INSERT INTO leaderboard {COLUMNS} VALUES {} ON CONFLICT (scope, period, player_id) DO UPDATE SET
            amount_pence = leaderboard.amount_pence + excluded.amount_pence,
            prizes = leaderboard.prizes + 1,
            reached_at = CASE WHEN excluded.reached_at > leaderboard.reached_at
                THEN excluded.reached_at ELSE leaderboard.reached_at END,
            best_draw_id = CASE WHEN excluded.best_pence > leaderboard.best_pence
                THEN excluded.best_draw_id ELSE leaderboard.best_draw_id END,
            best_pence = CASE WHEN excluded.best_pence > leaderboard.best_pence
                THEN excluded.best_pence ELSE leaderboard.best_pence END",
        value_rows()
    )
}

/// The same for MySQL/MariaDB, which assigns left to right (so `best_draw_id` is decided before
/// `best_pence` changes) and names the new row's values `VALUES(x)`.
fn upsert_on_duplicate_key() -> String {
    format!(
        "INSERT INTO leaderboard {COLUMNS} VALUES {} ON DUPLICATE KEY UPDATE
            best_draw_id = IF(VALUES(best_pence) > best_pence, VALUES(best_draw_id), best_draw_id),
            best_pence = GREATEST(best_pence, VALUES(best_pence)),
            reached_at = GREATEST(reached_at, VALUES(reached_at)),
            prizes = prizes + 1,
            amount_pence = amount_pence + VALUES(amount_pence)",
        value_rows()
    )
}

/// `(?, ?, ?, ?, 1, ?, ?, ?)` twelve times.
fn value_rows() -> String {
    ["(?, ?, ?, ?, 1, ?, ?, ?)"; ROWS_PER_CREDIT].join(", ")
}

/// The upsert for SQLite.
pub(super) fn upsert_sqlite() -> String {
    upsert_on_conflict()
}

/// The upsert for a server's dialect.
pub(super) fn upsert(dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => upsert_on_conflict(),
        Dialect::MySql => upsert_on_duplicate_key(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WED_2026_12_02: i64 = 1_796_212_800_000; // 2026-12-02T12:00:00Z

    #[test]
    fn periods_are_utc_calendar_stretches() {
        assert_eq!(Period::All.key(WED_2026_12_02), "all");
        assert_eq!(Period::Month.key(WED_2026_12_02), "month:2026-12");
        assert_eq!(Period::Week.key(WED_2026_12_02), "week:2026-11-30", "the week starts on Monday");
        assert_eq!(Period::Day.key(WED_2026_12_02), "day:2026-12-02");
        let sunday_late = WED_2026_12_02 + 4 * 86_400_000 + 11 * 3_600_000 + 59 * 60_000;
        assert_eq!(Period::Week.key(sunday_late), "week:2026-11-30", "Sunday 23:59 is the same week");
        assert_eq!(Period::Week.key(sunday_late + 60_000), "week:2026-12-07", "Monday 00:00 is the next");
        for p in Period::EVERY {
            assert_eq!(Period::parse(p.as_str()), Some(p));
        }
        assert_eq!(Period::parse("year"), None);
    }

    #[test]
    fn a_credit_fills_twelve_rows_of_seven_arguments() {
        let credit = Credit {
            player_id: 7,
            game: Game::Attack,
            campaign: "gig",
            draw_id: "d",
            at_ms: WED_2026_12_02,
            amount_pence: 500,
        };
        let args = credit.args();
        for sql in [upsert_sqlite(), upsert(Dialect::MySql), upsert(Dialect::Postgres)] {
            assert_eq!(sql.matches('?').count(), args.len(), "{sql}");
        }
        let scopes: Vec<&Arg<'_>> = args.iter().step_by(7).collect();
        assert_eq!(scopes[0], &Arg::from("all"));
        assert_eq!(scopes[4], &Arg::from("game:attack"));
        assert_eq!(scopes[11], &Arg::from("campaign:gig"));
        assert_eq!(args[1], Arg::from("all"));
        assert_eq!(args[7 + 1], Arg::from("month:2026-12"));
        assert_eq!(args[2..7], [Arg::from(7), 500.into(), WED_2026_12_02.into(), "d".into(), 500.into()]);
    }

    #[test]
    fn positions_bind_after_the_board() {
        let board =
            Board { scope: Scope::Campaign("gig".into()), period: Period::Day, at_ms: WED_2026_12_02 };
        let at = Position { amount_pence: 10, reached_at_ms: 20, player_id: 30 };
        let args = board_args(&board, Some(at));
        assert_eq!(
            args,
            [
                "campaign:gig".into(),
                "day:2026-12-02".into(),
                10.into(),
                10.into(),
                20.into(),
                20.into(),
                30.into()
            ]
        );
        assert_eq!(AHEAD.matches('?').count(), args.len());
        assert!(AHEAD.ends_with("l.player_id < ?))))") && NOT_AFTER.ends_with("l.player_id <= ?))))"));
        assert_eq!(AFTER.matches('?').count(), args.len() + 1);
        assert_eq!(BEFORE.matches('?').count(), args.len() + 1);
        assert_eq!(TOP.matches('?').count(), board_args(&board, None).len() + 1);
        // MariaDB's forms take the same arguments in the same order.
        for (plain, derived) in [(TOP, TOP_DERIVED), (AFTER, AFTER_DERIVED), (BEFORE, BEFORE_DERIVED)] {
            assert_eq!(plain.matches('?').count(), derived.matches('?').count());
        }
    }
}
