//! Prize stock: a campaign's awards never exceed its budget.
//!
//! Each candidate prize is tried with one conditional `UPDATE … WHERE spent + prize <= budget`,
//! largest first, inside the draw's own transaction: the first that fits is awarded, and if
//! none fits the draw gets the game's "no prize". The database decides, so no interleaving of
//! concurrent draws can overspend.

use crate::store::{Award, PrizeDraw};
use rusqlite::{Connection, params};

/// Awards the largest prize of `prize` that campaign `campaign_id` can still pay.
pub fn award(conn: &Connection, campaign_id: i64, prize: &PrizeDraw) -> rusqlite::Result<Award> {
    let Some(drawn) = &prize.drawn else { return Ok(Award { prize: None, downgraded_from: None }) };
    let mut pay = conn.prepare_cached(
        "UPDATE campaigns SET spent_pence = spent_pence + ?2
         WHERE id = ?1 AND (budget_pence IS NULL OR spent_pence + ?2 <= budget_pence)",
    )?;
    for candidate in std::iter::once(drawn).chain(&prize.lower) {
        let fits = candidate.amount_pence.0 == 0
            || pay.execute(params![campaign_id, candidate.amount_pence.0 as i64])? == 1;
        if fits {
            let downgraded_from = (candidate != drawn).then(|| drawn.clone());
            return Ok(Award { prize: Some(candidate.clone()), downgraded_from });
        }
    }
    Ok(Award { prize: prize.none.clone(), downgraded_from: Some(drawn.clone()) })
}
