//! Prize stock: the largest prize the campaign can still pay, by conditional updates inside the
//! draw's transaction (the same rule as the SQLite backend's `stock.rs`).

use super::{SqlxStore, error};
use crate::store::{Award, PrizeDraw, StoreError};
use sqlx::AnyConnection;

impl SqlxStore {
    pub(super) async fn award(
        &self,
        conn: &mut AnyConnection,
        campaign_id: i64,
        prize: &PrizeDraw,
    ) -> Result<Award, StoreError> {
        let Some(drawn) = &prize.drawn else { return Ok(Award { prize: None, downgraded_from: None }) };
        for candidate in std::iter::once(drawn).chain(&prize.lower) {
            let amount = candidate.amount_pence.0 as i64;
            let fits = amount == 0
                || sqlx::query(self.sql(
                    "UPDATE campaigns SET spent_pence = spent_pence + ?
                     WHERE id = ? AND (budget_pence IS NULL OR spent_pence + ? <= budget_pence)",
                ))
                .bind(amount)
                .bind(campaign_id)
                .bind(amount)
                .execute(&mut *conn)
                .await
                .map_err(error)?
                .rows_affected()
                    == 1;
            if fits {
                let downgraded_from = (candidate != drawn).then(|| drawn.clone());
                return Ok(Award { prize: Some(candidate.clone()), downgraded_from });
            }
        }
        Ok(Award { prize: prize.none.clone(), downgraded_from: Some(drawn.clone()) })
    }
}
