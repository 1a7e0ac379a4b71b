//! Prize stock: a campaign's awards never exceed its budget.
//!
//! A drawn prize is paid inside the draw's own transaction by walking down a ladder: the drawn
//! prize, then each lower prize of the game, largest first. The driver tries each rung that
//! costs something with one conditional UPDATE ([`PAY`]); the first that fits is awarded, and if
//! none fits the draw gets the game's "no prize" and keeps what was drawn in `downgraded_from`.
//! The database decides whether a rung fits, so no interleaving of concurrent draws can
//! overspend. The ladder itself ([`Ladder`]) is the same for every driver; only running the
//! UPDATE (blocking in SQLite, async in sqlx) is theirs.

use super::rows::Arg;
use prizegen_domain::money::Prize;

/// A prize as drawn, with what to fall back to when the campaign's budget cannot pay it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrizeDraw {
    /// What the rules drew; `None` or a zero amount costs nothing.
    pub drawn: Option<Prize>,
    /// The game's lower cash prizes, largest first: the largest that fits is awarded instead.
    pub lower: Vec<Prize>,
    /// What "no prize" is in this game and version (`X` in prize-pool v2, else nothing).
    pub none: Option<Prize>,
}

/// What a draw was awarded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Award {
    /// The prize paid.
    pub prize: Option<Prize>,
    /// What the rules drew, when the budget forced a lower prize.
    pub downgraded_from: Option<Prize>,
}

/// Pays an amount from a campaign's budget if it fits; changes one row or none. Arguments:
/// [`pay_args`].
pub(super) const PAY: &str = "UPDATE campaigns SET spent_pence = spent_pence + ?
     WHERE id = ? AND (budget_pence IS NULL OR spent_pence + ? <= budget_pence)";

/// A campaign's budget (`NULL`: none). Argument: its id.
pub(super) const BUDGET_OF_CAMPAIGN: &str = "SELECT budget_pence FROM campaigns WHERE id = ?";

/// [`PAY`]'s arguments: `amount` pence from campaign `campaign_id`.
pub(super) fn pay_args(campaign_id: i64, amount: i64) -> [Arg<'static>; 3] {
    [amount.into(), campaign_id.into(), amount.into()]
}

/// A drawn prize on its way down the ladder. The driver asks [`Ladder::next_cost`] what to try,
/// runs [`PAY`] with it and reports with [`Ladder::paid`], until there is nothing to try; then
/// [`Ladder::award`] is what the draw was awarded.
pub(super) struct Ladder<'a> {
    /// What was drawn and what it may fall back to.
    draw: &'a PrizeDraw,
    /// The rungs not tried yet: the drawn prize, then the lower ones.
    rungs: std::iter::Chain<std::option::Iter<'a, Prize>, std::slice::Iter<'a, Prize>>,
    /// The rung whose cost the driver is paying.
    trying: Option<&'a Prize>,
    /// The award, once decided.
    settled: Option<Award>,
}

impl<'a> Ladder<'a> {
    /// The ladder for `draw`; with nothing drawn there is nothing to pay.
    pub(super) fn new(draw: &'a PrizeDraw) -> Self {
        let settled = draw.drawn.is_none().then_some(Award { prize: None, downgraded_from: None });
        Self { draw, rungs: draw.drawn.iter().chain(&draw.lower), trying: None, settled }
    }

    /// The amount (pence) to try paying next, or `None` once the award is decided. A rung that
    /// costs nothing always fits, so it is awarded without asking the database.
    pub(super) fn next_cost(&mut self) -> Option<i64> {
        // A rung that was never reported as paid did not fit.
        self.trying = None;
        if self.settled.is_some() {
            return None;
        }
        match self.rungs.next() {
            Some(free) if free.amount_pence.0 == 0 => self.settle(Some(free)),
            Some(rung) => {
                self.trying = Some(rung);
                return Some(rung.amount_pence.0 as i64);
            }
            None => self.settle(None),
        }
        None
    }

    /// Whether the database paid the amount [`Ladder::next_cost`] asked for.
    pub(super) fn paid(&mut self, fits: bool) {
        if let Some(rung) = self.trying.take()
            && fits
        {
            self.settle(Some(rung));
        }
    }

    /// What the draw was awarded: the first rung that fitted, else the game's "no prize".
    pub(super) fn award(self) -> Award {
        match self.settled {
            Some(award) => award,
            // Only a driver that stopped asking early gets here: paying nothing never overspends.
            None => self.decide(None),
        }
    }

    /// Decides the award: `paid` is the rung that fitted, `None` when none did.
    fn settle(&mut self, paid: Option<&Prize>) {
        self.settled = Some(self.decide(paid));
    }

    /// The award when `paid` is the rung that fitted (`None`: none did).
    fn decide(&self, paid: Option<&Prize>) -> Award {
        let drawn = self.draw.drawn.as_ref();
        match paid {
            Some(prize) => Award {
                prize: Some(prize.clone()),
                downgraded_from: if Some(prize) == drawn { None } else { drawn.cloned() },
            },
            None => Award { prize: self.draw.none.clone(), downgraded_from: drawn.cloned() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prizegen_domain::money::Pence;

    fn prize(pence: u64, label: &str) -> Prize {
        Prize { amount_pence: Pence(pence), label: label.into() }
    }

    /// Runs the ladder the way a driver does against a budget with `left` pence free (`None`:
    /// unlimited); returns the award, the amounts asked for, and what is left.
    fn walk(draw: &PrizeDraw, mut left: Option<i64>) -> (Award, Vec<i64>, Option<i64>) {
        let mut ladder = Ladder::new(draw);
        let mut asked = Vec::new();
        while let Some(cost) = ladder.next_cost() {
            asked.push(cost);
            let fits = left.is_none_or(|free| cost <= free);
            if fits {
                left = left.map(|free| free - cost);
            }
            ladder.paid(fits);
        }
        (ladder.award(), asked, left)
    }

    fn ladder_of_three() -> PrizeDraw {
        PrizeDraw {
            drawn: Some(prize(10_000, "£100")),
            lower: vec![prize(5_000, "£50"), prize(1_000, "£10")],
            none: None,
        }
    }

    #[test]
    fn nothing_drawn_pays_nothing_and_asks_nothing() {
        let (award, asked, left) = walk(&PrizeDraw::default(), Some(0));
        assert_eq!(award, Award { prize: None, downgraded_from: None });
        assert!(asked.is_empty());
        assert_eq!(left, Some(0));
    }

    #[test]
    fn the_drawn_prize_when_it_fits() {
        let (award, asked, left) = walk(&ladder_of_three(), Some(10_000));
        assert_eq!(award, Award { prize: Some(prize(10_000, "£100")), downgraded_from: None });
        assert_eq!(asked, [10_000]);
        assert_eq!(left, Some(0));
        let (unlimited, ..) = walk(&ladder_of_three(), None);
        assert_eq!(unlimited.prize, Some(prize(10_000, "£100")));
    }

    #[test]
    fn the_largest_lower_prize_that_fits_in_order() {
        let (award, asked, left) = walk(&ladder_of_three(), Some(4_000));
        assert_eq!(
            award,
            Award { prize: Some(prize(1_000, "£10")), downgraded_from: Some(prize(10_000, "£100")) }
        );
        assert_eq!(asked, [10_000, 5_000, 1_000], "largest first, stopping at the first that fits");
        assert_eq!(left, Some(3_000));
    }

    #[test]
    fn none_fits_gives_the_games_no_prize_and_remembers_the_drawn_one() {
        let mut draw = ladder_of_three();
        let (award, asked, _) = walk(&draw, Some(999));
        assert_eq!(award, Award { prize: None, downgraded_from: Some(prize(10_000, "£100")) });
        assert_eq!(asked, [10_000, 5_000, 1_000]);
        draw.none = Some(prize(0, "X"));
        let (award, ..) = walk(&draw, Some(999));
        assert_eq!(award, Award { prize: Some(prize(0, "X")), downgraded_from: Some(prize(10_000, "£100")) });
    }

    #[test]
    fn a_free_prize_always_fits_without_asking() {
        let free = PrizeDraw { drawn: Some(prize(0, "X")), lower: vec![], none: None };
        let (award, asked, _) = walk(&free, Some(0));
        assert_eq!(award, Award { prize: Some(prize(0, "X")), downgraded_from: None });
        assert!(asked.is_empty(), "a free prize never touches the budget");
        let free_rung = PrizeDraw { lower: vec![prize(0, "badge")], ..ladder_of_three() };
        let (award, asked, _) = walk(&free_rung, Some(0));
        assert_eq!(award.prize, Some(prize(0, "badge")));
        assert_eq!(award.downgraded_from, Some(prize(10_000, "£100")));
        assert_eq!(asked, [10_000]);
    }

    #[test]
    fn an_unanswered_rung_did_not_fit() {
        let draw = ladder_of_three();
        let mut ladder = Ladder::new(&draw);
        assert_eq!(ladder.next_cost(), Some(10_000));
        assert_eq!(ladder.next_cost(), Some(5_000), "no answer for £100: it did not fit");
        ladder.paid(true);
        assert_eq!(ladder.next_cost(), None);
        ladder.paid(true);
        assert_eq!(ladder.award().prize, Some(prize(5_000, "£50")));
    }

    #[test]
    fn pay_binds_the_amount_twice() {
        assert_eq!(pay_args(7, 250), [Arg::Int(Some(250)), Arg::Int(Some(7)), Arg::Int(Some(250))]);
        assert_eq!(PAY.matches('?').count(), 3);
    }
}
