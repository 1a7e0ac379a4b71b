//! Outcome counts on the servers: each reads the result's outcome field its own way.

use super::{Dialect, SqlxStore};
use crate::store::stats::{outcome_counts_sql, sequence_tiers_sql};
use crate::store::{OutcomeCount, StoreError};
use prizegen_domain::games::Game;

impl SqlxStore {
    /// `game`'s draws counted by who served them and their outcome.
    pub async fn outcome_counts(
        &self,
        game: Game,
        campaign: Option<String>,
    ) -> Result<Vec<OutcomeCount>, StoreError> {
        if game == Game::PrizePool {
            let args: Vec<_> = campaign.iter().map(|c| c.as_str().into()).collect();
            return self.all(&sequence_tiers_sql(campaign.is_some()), &args).await;
        }
        let dialect = self.dialect;
        let sql = outcome_counts_sql(game, campaign.is_some(), |column, key| match dialect {
            Dialect::Postgres => format!("({column}::json ->> '{key}')"),
            Dialect::MySql => format!("JSON_UNQUOTE(JSON_EXTRACT({column}, '$.{key}'))"),
        });
        let mut args: Vec<_> = campaign.iter().map(|c| c.as_str().into()).collect();
        args.push(game.slug().into());
        self.all(&sql, &args).await
    }
}
