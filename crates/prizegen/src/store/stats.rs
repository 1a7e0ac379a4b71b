//! Counting draws by outcome, for the public statistics: one GROUP BY per game, in the database,
//! so 1,000,000 draws cross to the front end as a few dozen rows.

use super::ServedBy;
use super::rows::{FromRow, StoredRow};
use prizegen_domain::games::Game;
use prizegen_domain::games::outcomes::outcome_field;

/// Draws of one game that share who served them and their outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeCount {
    /// Who served them (instances included; group by the implementations to merge).
    pub served_by: ServedBy,
    /// The drawn prize, before any downgrade by the budget (account-prize).
    pub pence: Option<u64>,
    /// The result field that holds the outcome (spy-mission, attack, character), or a generated
    /// sequence's tier (prize-pool).
    pub field: Option<String>,
    /// How many draws.
    pub count: u64,
}

/// The count of `game`'s draws by who served them and their outcome; with `by_campaign`, only
/// one campaign's. Arguments: the campaign's slug (with `by_campaign`), then the game's.
/// `json_text(column, key)` is the dialect's way to read a JSON text field as text.
pub(super) fn outcome_counts_sql(
    game: Game,
    by_campaign: bool,
    json_text: impl Fn(&str, &str) -> String,
) -> String {
    let pence = "COALESCE(d.drawn_prize_pence, d.prize_pence)";
    let (field, group) = match outcome_field(game) {
        Some(key) => {
            let field = json_text("d.result", key);
            (field.clone(), format!("d.served_by, {pence}, {field}"))
        }
        None => ("NULL".to_owned(), format!("d.served_by, {pence}")),
    };
    let campaign = if by_campaign { " JOIN campaigns c ON c.id = d.campaign_id AND c.slug = ?" } else { "" };
    format!(
        "SELECT d.served_by AS served_by, {pence} AS pence, {field} AS field, COUNT(*) AS n
         FROM draws d{campaign} WHERE d.game = ? GROUP BY {group}"
    )
}

/// The count of generated prize-pool sequences by who generated them and their tier (positions
/// 0, 2 and 7, SPEC §3.2), claimed or not: a player sees the sequence before claiming it and
/// may leave a losing one unclaimed, so the claims alone are not a fair sample of the draws.
/// Arguments: the campaign's slug (with `by_campaign`).
pub(super) fn sequence_tiers_sql(by_campaign: bool) -> String {
    let digit = |at: u32| format!("substr(s.sequence, {at}, 1) BETWEEN '0' AND '9'");
    let tier = format!(
        "CASE WHEN NOT ({}) THEN 'none' WHEN NOT ({}) THEN 'one' WHEN NOT ({}) THEN 'two' ELSE 'three' END",
        digit(1),
        digit(3),
        digit(8)
    );
    let campaign = if by_campaign { " JOIN campaigns c ON c.id = s.campaign_id AND c.slug = ?" } else { "" };
    format!(
        "SELECT s.served_by AS served_by, NULL AS pence, {tier} AS field, COUNT(*) AS n
         FROM sequences s{campaign} GROUP BY s.served_by, {tier}"
    )
}

impl FromRow for OutcomeCount {
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        Ok(Self {
            served_by: row.json("served_by")?,
            pence: row.maybe_int("pence")?.map(|p| p as u64),
            field: row.maybe_text("field")?,
            count: row.int("n")? as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prize_games_group_by_the_drawn_prize_and_the_others_by_their_field() {
        let json = |column: &str, key: &str| format!("json_extract({column}, '$.{key}')");
        let account = outcome_counts_sql(Game::AccountPrize, false, json);
        assert!(
            account.contains("GROUP BY d.served_by, COALESCE(d.drawn_prize_pence, d.prize_pence)"),
            "{account}"
        );
        assert!(!account.contains("JOIN"));
        let attack = outcome_counts_sql(Game::Attack, true, json);
        assert!(
            attack.ends_with(
                "COALESCE(d.drawn_prize_pence, d.prize_pence), json_extract(d.result, '$.outcome')"
            ),
            "{attack}"
        );
        assert!(
            attack.find("c.slug = ?") < attack.find("d.game = ?"),
            "arguments: the campaign, then the game"
        );
    }
}
