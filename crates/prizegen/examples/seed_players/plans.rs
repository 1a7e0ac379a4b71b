//! Each database's plan for the leaderboard's statements, on the all-time board of everything
//! with a seeded database's own values: SQLite's `EXPLAIN QUERY PLAN`, PostgreSQL's
//! `EXPLAIN (ANALYZE, BUFFERS)` (custom and generic plan), MariaDB's `EXPLAIN` and
//! `ANALYZE FORMAT=JSON`.
//!
//! The statements are the store's own ([`READ_STATEMENTS`]); the arguments are written in
//! here. So that a wrongly placed argument cannot go unnoticed, each database also runs TOP,
//! AHEAD and NOT_AFTER with them and must give the answers the Store gave.

use anyhow::{Context, ensure};
use prizegen::store::{DatabaseUrl, READ_STATEMENTS, Standing};
use sqlx::{AssertSqlSafe, Column, Connection, Row};

/// What the measurement found, to explain with.
pub struct Sample {
    /// The entry a deep page follows (rank 5,000 of the all-time board).
    pub deep: Standing,
    /// The Store's top 20 of the all-time board, by player id.
    pub top_ids: Vec<i64>,
    /// The all-time board's first player (the heaviest).
    pub heavy_player: i64,
}

/// The store's statement named `name` (see [`READ_STATEMENTS`]); on MariaDB (`mysql`), the
/// `_DERIVED` form where the store has one, as its driver runs.
fn sql(name: &str, mysql: bool) -> &'static str {
    let find = |name: &str| READ_STATEMENTS.iter().find(|(n, _)| *n == name).map(|(_, sql)| *sql);
    mysql
        .then(|| find(&format!("{name}_DERIVED")))
        .flatten()
        .or_else(|| find(name))
        .expect("a store statement")
}

/// A statement's argument, written into the SQL for the servers' EXPLAIN.
#[derive(Clone)]
enum Lit {
    Text(String),
    Int(i64),
}

impl Lit {
    fn inline(&self) -> String {
        match self {
            Lit::Text(s) => format!("'{}'", s.replace('\'', "''")),
            Lit::Int(n) => n.to_string(),
        }
    }
}

/// A statement with its arguments.
struct Statement {
    name: &'static str,
    sql: &'static str,
    args: Vec<Lit>,
}

impl Statement {
    /// The SQL with its arguments written in.
    fn inline(&self) -> String {
        let mut args = self.args.iter();
        self.sql
            .chars()
            .map(|c| if c == '?' { args.next().map_or("?".into(), Lit::inline) } else { c.into() })
            .collect()
    }

    /// The SQL with PostgreSQL's numbered placeholders.
    fn numbered(&self) -> String {
        let mut n = 0;
        self.sql
            .chars()
            .map(|c| {
                if c == '?' {
                    n += 1;
                    format!("${n}")
                } else {
                    c.into()
                }
            })
            .collect()
    }
}

/// The statements of a Store read, with the sample's values (the all-time board of everything).
fn statements(sample: &Sample, mysql: bool) -> Vec<Statement> {
    let board = || vec![Lit::Text("all".into()), Lit::Text("all".into())];
    let p = sample.deep.position();
    let at = || {
        let mut args = board();
        args.extend(
            [p.amount_pence, p.amount_pence, p.reached_at_ms, p.reached_at_ms, p.player_id].map(Lit::Int),
        );
        args
    };
    let with = |mut args: Vec<Lit>, more: i64| {
        args.push(Lit::Int(more));
        args
    };
    vec![
        Statement { name: "TOP (top page, 20)", sql: sql("TOP", mysql), args: with(board(), 20) },
        Statement { name: "NOT_AFTER (rank of a cursor)", sql: sql("NOT_AFTER", mysql), args: at() },
        Statement {
            name: "AFTER (page after the cursor at rank 5000, 20)",
            sql: sql("AFTER", mysql),
            args: with(at(), 20),
        },
        Statement {
            name: "ENTRY (a player's entry)",
            sql: sql("ENTRY", mysql),
            args: with(board(), p.player_id),
        },
        Statement { name: "AHEAD (a player's rank)", sql: sql("AHEAD", mysql), args: at() },
        Statement { name: "BEFORE (5 above a player)", sql: sql("BEFORE", mysql), args: with(at(), 5) },
        Statement { name: "AFTER (5 below a player)", sql: sql("AFTER", mysql), args: with(at(), 5) },
        Statement {
            name: "DRAW_COUNTS (heavy player)",
            sql: sql("DRAW_COUNTS", mysql),
            args: vec![Lit::Int(sample.heavy_player)],
        },
        Statement {
            name: "GAME_WINNINGS (heavy player)",
            sql: sql("GAME_WINNINGS", mysql),
            args: vec![Lit::Int(sample.heavy_player)],
        },
    ]
}

/// Prints the plans of every statement on the database at `url`.
pub async fn print(url: &DatabaseUrl, sample: &Sample) -> anyhow::Result<()> {
    let statements = statements(sample, matches!(url, DatabaseUrl::MySql(_)));
    println!("\nplans, all-time board of everything, cursor at rank {}:", sample.deep.rank);
    match url {
        DatabaseUrl::Sqlite(path) => sqlite(path, sample, &statements),
        DatabaseUrl::Postgres(url) => postgres(url.as_str(), sample, &statements).await,
        DatabaseUrl::MySql(url) => mysql(url.as_str(), sample, &statements).await,
    }
}

/// The answers each database must give to the copied statements, as the Store did.
fn expect(sample: &Sample, top: Vec<i64>, ahead: i64, not_after: i64) -> anyhow::Result<()> {
    ensure!(top == sample.top_ids, "the copied TOP differs from the Store's: is plans.rs out of date?");
    ensure!(
        ahead as u64 + 1 == sample.deep.rank && not_after as u64 == sample.deep.rank,
        "AHEAD/NOT_AFTER differ"
    );
    println!("(the copied statements give the Store's answers: top 20, and rank {})", sample.deep.rank);
    Ok(())
}

fn sqlite(path: &std::path::Path, sample: &Sample, statements: &[Statement]) -> anyhow::Result<()> {
    use rusqlite::types::Value;
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let values = |s: &Statement| -> Vec<Value> {
        s.args
            .iter()
            .map(|a| match a {
                Lit::Text(t) => Value::Text(t.clone()),
                Lit::Int(n) => Value::Integer(*n),
            })
            .collect()
    };
    let count = |s: &Statement| -> rusqlite::Result<i64> {
        conn.query_row(s.sql, rusqlite::params_from_iter(values(s)), |r| r.get(0))
    };
    let top: Vec<i64> = conn
        .prepare(sql("TOP", false))?
        .query_map(rusqlite::params_from_iter(values(&statements[0])), |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    expect(sample, top, count(&statements[4])?, count(&statements[1])?)?;
    let rows: i64 = conn.query_row("SELECT COUNT(*) FROM leaderboard", [], |r| r.get(0))?;
    let draws: i64 = conn.query_row("SELECT COUNT(*) FROM draws", [], |r| r.get(0))?;
    let bytes = std::fs::metadata(path)?.len();
    println!("leaderboard rows {rows}, draws {draws}, file {:.0} MB", bytes as f64 / 1e6);
    for s in statements {
        println!("\n-- {}", s.name);
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {}", s.sql))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(values(s)), |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(3)?))
        })?;
        let mut depth: Vec<(i64, usize)> = Vec::new();
        for row in rows {
            let (id, parent, detail) = row?;
            let level = depth.iter().find(|(i, _)| *i == parent).map_or(0, |(_, l)| l + 1);
            depth.push((id, level));
            println!("{}{detail}", "  ".repeat(level));
        }
    }
    Ok(())
}

async fn postgres(url: &str, sample: &Sample, statements: &[Statement]) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect(url).await.context("connecting for the plans")?;
    let mut top = Vec::new();
    for row in sqlx::query(AssertSqlSafe(statements[0].inline())).fetch_all(&mut conn).await? {
        top.push(row.try_get::<i64, _>(0)?);
    }
    let count = async |s: &Statement, conn: &mut sqlx::PgConnection| -> anyhow::Result<i64> {
        Ok(sqlx::query(AssertSqlSafe(s.inline())).fetch_one(conn).await?.try_get::<i64, _>(0)?)
    };
    let (ahead, not_after) =
        (count(&statements[4], &mut conn).await?, count(&statements[1], &mut conn).await?);
    expect(sample, top, ahead, not_after)?;
    let sizes = "SELECT c.relname::text, c.reltuples::bigint, pg_size_pretty(pg_relation_size(c.oid))
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND (c.relname LIKE 'leaderboard%' OR c.relname LIKE 'draws%')
         ORDER BY c.relname";
    for row in sqlx::query(sizes).fetch_all(&mut conn).await? {
        let (name, rows, size): (String, i64, String) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        println!("{name:<28} ~{rows:>9} rows {size:>10}");
    }
    let lines = async |sql: String, conn: &mut sqlx::PgConnection| -> anyhow::Result<()> {
        for row in sqlx::raw_sql(AssertSqlSafe(sql)).fetch_all(conn).await? {
            println!("{}", row.try_get::<String, _>(0)?);
        }
        Ok(())
    };
    for s in statements {
        println!("\n-- {} — custom plan (the values known)", s.name);
        lines(format!("EXPLAIN (ANALYZE, BUFFERS) {}", s.inline()), &mut conn).await?;
        // sqlx keeps each statement prepared on its connection; after five runs PostgreSQL may
        // switch it to the generic plan (made without the values), so show that one too.
        println!("-- {} — generic plan (as a prepared statement may run)", s.name);
        sqlx::raw_sql("SET plan_cache_mode = force_generic_plan").execute(&mut conn).await?;
        sqlx::raw_sql(AssertSqlSafe(format!("PREPARE lb_plan AS {}", s.numbered())))
            .execute(&mut conn)
            .await?;
        let args: Vec<String> = s.args.iter().map(Lit::inline).collect();
        lines(format!("EXPLAIN (ANALYZE, BUFFERS) EXECUTE lb_plan({})", args.join(", ")), &mut conn).await?;
        sqlx::raw_sql("DEALLOCATE lb_plan; RESET plan_cache_mode").execute(&mut conn).await?;
    }
    Ok(())
}

async fn mysql(url: &str, sample: &Sample, statements: &[Statement]) -> anyhow::Result<()> {
    let mut conn = sqlx::MySqlConnection::connect(url).await.context("connecting for the plans")?;
    let mut top = Vec::new();
    for row in sqlx::query(AssertSqlSafe(statements[0].inline())).fetch_all(&mut conn).await? {
        top.push(row.try_get::<i64, _>(0)?);
    }
    let count = async |s: &Statement, conn: &mut sqlx::MySqlConnection| -> anyhow::Result<i64> {
        Ok(sqlx::query(AssertSqlSafe(s.inline())).fetch_one(conn).await?.try_get::<i64, _>(0)?)
    };
    let (ahead, not_after) =
        (count(&statements[4], &mut conn).await?, count(&statements[1], &mut conn).await?);
    expect(sample, top, ahead, not_after)?;
    let sizes = "SELECT table_name, table_rows, data_length, index_length FROM information_schema.tables
         WHERE table_schema = DATABASE() AND table_name IN ('draws', 'leaderboard')";
    print_table(sqlx::raw_sql(sizes).fetch_all(&mut conn).await?);
    for s in statements {
        println!("\n-- {}", s.name);
        print_table(
            sqlx::raw_sql(AssertSqlSafe(format!("EXPLAIN {}", s.inline()))).fetch_all(&mut conn).await?,
        );
        for row in sqlx::raw_sql(AssertSqlSafe(format!("ANALYZE FORMAT=JSON {}", s.inline())))
            .fetch_all(&mut conn)
            .await?
        {
            println!("{}", row.try_get_unchecked::<String, _>(0)?);
        }
    }
    Ok(())
}

/// MariaDB's tabular answers (EXPLAIN, sizes), read as text.
fn print_table(rows: Vec<sqlx::mysql::MySqlRow>) {
    let Some(first) = rows.first() else { return };
    println!("{}", first.columns().iter().map(|c| c.name()).collect::<Vec<_>>().join(" | "));
    for row in &rows {
        let cells: Vec<String> = (0..row.len())
            .map(|i| {
                row.try_get_unchecked::<Option<String>, _>(i).ok().flatten().unwrap_or_else(|| "NULL".into())
            })
            .collect();
        println!("{}", cells.join(" | "));
    }
}
