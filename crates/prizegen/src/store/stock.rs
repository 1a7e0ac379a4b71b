//! Prize stock: what a draw was drawn, what it may fall back to, and what it was awarded.

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Award {
    /// The prize paid.
    pub prize: Option<Prize>,
    /// What the rules drew, when the budget forced a lower prize.
    pub downgraded_from: Option<Prize>,
}
