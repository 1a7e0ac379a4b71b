//! Outcome counts on SQLite: `json_extract` reads the result's outcome field; prize-pool counts
//! its generated sequences.

use super::SqliteStore;
use crate::store::stats::{outcome_counts_sql, sequence_tiers_sql};
use crate::store::{OutcomeCount, StoreError};
use prizegen_domain::games::Game;

impl SqliteStore {
    /// `game`'s draws counted by who served them and their outcome, on a reader thread.
    pub async fn outcome_counts(
        &self,
        game: Game,
        campaign: Option<String>,
    ) -> Result<Vec<OutcomeCount>, StoreError> {
        if game == Game::PrizePool {
            let sql = sequence_tiers_sql(campaign.is_some());
            return self.all(sql, campaign.into_iter().map(Into::into).collect()).await;
        }
        let sql = outcome_counts_sql(game, campaign.is_some(), |column, key| {
            format!("json_extract({column}, '$.{key}')")
        });
        let args = campaign.into_iter().map(Into::into).chain([game.slug().into()]).collect();
        self.all(sql, args).await
    }
}
