//! Home, the game pages (a Draw button; prize-pool's two buttons; the character form) and the
//! draw pages.

use super::{Footer, error_page, money, not_found_page, render};
use crate::frontend::Frontend;
use crate::frontend::draws::{self, DrawError, DrawRequest, store_error};
use crate::frontend::games::{GameInput, impl_of, parse_input};
use crate::frontend::prize_pool;
use crate::frontend::view::{result_lines, rfc3339};
use crate::server::{ApiError, RequestId};
use crate::store::{Campaign, DrawFilter, StoredDraw, StoredSequence};
use askama::Template;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use prizegen_domain::fairness::ClientSeed;
use prizegen_domain::games::character::{ABILITIES, CLASSES, RACES};
use prizegen_domain::games::{Game, Impl};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

struct GameLink {
    slug: &'static str,
    title: &'static str,
    blurb: &'static str,
}

struct CampaignView {
    slug: String,
    name: String,
    venue: String,
    date: String,
    game: String,
    stock: String,
}

impl From<Campaign> for CampaignView {
    fn from(c: Campaign) -> Self {
        let stock = match c.budget_pence {
            None => "no limit".to_owned(),
            Some(budget) => format!("{} of {}", money(c.stock_left()), money(Some(budget))),
        };
        Self { slug: c.slug, name: c.name, venue: c.venue, date: c.date, game: c.game, stock }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    games: Vec<GameLink>,
    campaigns: Vec<CampaignView>,
    footer: Footer,
}

pub async fn home(State(front): State<Arc<Frontend>>) -> Response {
    let campaigns = match front.store.campaigns().await {
        Ok(all) => all.into_iter().filter(|c| c.active).map(Into::into).collect(),
        Err(e) => return error_page(&front, store_error(&e)),
    };
    let games = Game::ALL
        .into_iter()
        .map(|game| GameLink { slug: game.slug(), title: game.title(), blurb: blurb(game) })
        .collect();
    render(StatusCode::OK, &HomePage { games, campaigns, footer: Footer::new(&front, None) })
}

fn blurb(game: Game) -> &'static str {
    match game {
        Game::AccountPrize => "draw an account number and see what it wins",
        Game::PrizePool => "generate a sequence, then send it to the prize pool — once",
        Game::SpyMission => "receive a dossier and your mission",
        Game::Attack => "roll for an attack: missed, hit or crit",
        Game::Character => "make a role-playing character from your choices and eight dice",
    }
}

fn rules_text(game: Game) -> &'static str {
    match game {
        Game::AccountPrize => {
            "An account number is letters then digits. A first letter 'a' wins £50, or £100 with a 25% \
             chance; otherwise a 4 among the digits wins £10 (the v2 rules are stingier: the 'a' needs \
             a 4 as well, and a 4 alone wins nothing)."
        }
        Game::PrizePool => {
            "A sequence has 20 characters, each a digit or a letter with equal chance. Positions 1, 3 and \
             8 decide: a digit first wins tier 1, a digit in the third place as well tier 2, and in the \
             eighth too tier 3. A sequence can be sent to the prize pool once."
        }
        Game::SpyMission => {
            "Six numbers and six letters make your dossier; the first number picks the task and the first \
             letter the target."
        }
        Game::Attack => {
            "A roll of 0 misses; a roll of 2 with a power above 5 is a critical hit; anything else hits. \
             Damage is the roll times the power."
        }
        Game::Character => {
            "Eight dice are rolled and the two lowest dropped; your best-ranked ability gets the highest \
             of the six left, and so on. Names are unique."
        }
    }
}

/// A draw as the page shows it.
struct DrawView {
    id: String,
    lines: Vec<(String, String)>,
    abilities: Vec<(String, u64)>,
    has_prizes: bool,
    won: bool,
    prize_line: String,
    downgrade: Option<String>,
    seed_hash: String,
    server_seed: Option<String>,
    client_seed: String,
    nonce: u64,
}

impl DrawView {
    fn of(draw: StoredDraw, game: Game) -> Self {
        let result: Value = serde_json::from_str(&draw.result_json).unwrap_or(Value::Null);
        let abilities = ABILITIES
            .iter()
            .filter_map(|a| Some(((*a).to_owned(), result.get("abilities")?.get(a)?.as_u64()?)))
            .collect();
        let lines = result_lines(&draw.result_json)
            .into_iter()
            .filter(|(label, _)| label != "Abilities" && label != "Ranks")
            .collect();
        let prize_line = match &draw.prize {
            Some(p) if p.amount_pence.0 > 0 => format!("You won {}!", p.label),
            Some(p) => format!("No prize ({}).", p.label),
            None => "No prize this time.".to_owned(),
        };
        let downgrade = draw.downgraded_from.as_ref().map(|from| {
            let awarded = draw.prize.as_ref().map_or_else(|| "no prize".to_owned(), |p| p.label.clone());
            format!(
                "The {} drawn no longer fits this campaign's budget, so the largest prize that fits was awarded: {awarded}.",
                from.label
            )
        });
        Self {
            won: draw.prize.as_ref().is_some_and(|p| p.amount_pence.0 > 0),
            has_prizes: matches!(game, Game::AccountPrize | Game::PrizePool),
            prize_line,
            downgrade,
            lines,
            abilities,
            id: draw.id,
            seed_hash: draw.seed_hash,
            server_seed: draw.server_seed,
            client_seed: draw.client_seed,
            nonce: draw.nonce,
        }
    }
}

struct RecentRow {
    id: String,
    when: String,
    summary: String,
    prize: String,
}

/// The character form, refilled after an error.
#[derive(Default)]
struct CharacterForm {
    name: String,
    races: Vec<(String, bool)>,
    classes: Vec<(String, bool)>,
    ranks: Vec<(String, Vec<(u8, bool)>)>,
    errors: BTreeMap<String, String>,
}

impl CharacterForm {
    fn new(values: &HashMap<String, String>, errors: BTreeMap<String, String>) -> Self {
        let chosen = |name: &str| values.get(name).map(String::as_str).unwrap_or_default();
        let options =
            |list: &[&str], picked: &str| list.iter().map(|o| ((*o).to_owned(), *o == picked)).collect();
        let ranks = ABILITIES
            .iter()
            .enumerate()
            .map(|(i, ability)| {
                let picked = values
                    .get(&format!("rank_{ability}"))
                    .and_then(|r| r.parse().ok())
                    .unwrap_or(i as u8 + 1);
                ((*ability).to_owned(), (1..=6).map(|n| (n, n == picked)).collect())
            })
            .collect();
        Self {
            name: chosen("name").to_owned(),
            races: options(&RACES, chosen("race")),
            classes: options(&CLASSES, chosen("class")),
            ranks,
            errors,
        }
    }
}

#[derive(Template)]
#[template(path = "play.html")]
struct PlayPage {
    slug: &'static str,
    title: &'static str,
    rules: &'static str,
    campaign: CampaignView,
    draw: Option<DrawView>,
    error: Option<String>,
    client_seed: String,
    form_key: String,
    sequence: Option<StoredSequence>,
    character: CharacterForm,
    odds: Vec<(String, String)>,
    odds_note: String,
    recent: Vec<RecentRow>,
    footer: Footer,
}

/// What a game page shows besides the game itself.
#[derive(Default)]
struct PageState {
    campaign: Option<String>,
    draw: Option<StoredDraw>,
    error: Option<ApiError>,
    client_seed: String,
    sequence: Option<StoredSequence>,
    character: Option<CharacterForm>,
}

#[derive(Deserialize)]
pub struct PageQuery {
    campaign: Option<String>,
    sequence: Option<String>,
}

pub async fn play_page(
    State(front): State<Arc<Frontend>>,
    Path(game): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let Ok(game) = game.parse::<Game>() else { return not_found_page(&front, "There is no such game.") };
    let sequence = match query.sequence {
        Some(sequence) => match front.store.sequence(&sequence).await {
            Ok(found) => found,
            Err(e) => return error_page(&front, store_error(&e)),
        },
        None => None,
    };
    let campaign = query.campaign.or_else(|| sequence.as_ref().map(|s| s.campaign.clone()));
    game_page(&front, game, PageState { campaign, sequence, ..PageState::default() }).await
}

pub async fn draw_page(State(front): State<Arc<Frontend>>, Path(id): Path<String>) -> Response {
    let draw = match front.store.draw(&id).await {
        Ok(Some(draw)) => draw,
        Ok(None) => return not_found_page(&front, "There is no such draw."),
        Err(e) => return error_page(&front, store_error(&e)),
    };
    let Ok(game) = draw.game.parse::<Game>() else { return not_found_page(&front, "There is no such game.") };
    game_page(
        &front,
        game,
        PageState { campaign: Some(draw.campaign.clone()), draw: Some(draw), ..PageState::default() },
    )
    .await
}

/// The Draw button's form, and the character form's fields.
pub async fn play(
    State(front): State<Arc<Frontend>>,
    Extension(request_id): Extension<RequestId>,
    Path(game): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Ok(game) = game.parse::<Game>() else { return not_found_page(&front, "There is no such game.") };
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let campaign = form.get("campaign").filter(|c| !c.is_empty()).cloned();
    let state = |error: ApiError, character: Option<CharacterForm>| PageState {
        campaign: campaign.clone(),
        error: Some(error),
        client_seed: field("client_seed"),
        character,
        ..PageState::default()
    };
    let client_seed = match ClientSeed::parse(field("client_seed")) {
        Ok(seed) => seed,
        Err(e) => {
            return game_page(
                &front,
                game,
                state(ApiError::invalid("invalid_client_seed", e.to_string()), None),
            )
            .await;
        }
    };
    let input = match game {
        Game::Character => {
            let ranks: serde_json::Map<String, Value> = ABILITIES
                .iter()
                .map(|a| ((*a).to_owned(), json!(field(&format!("rank_{a}")).parse::<i64>().unwrap_or(0))))
                .collect();
            let input = json!({"name": field("name"), "race": field("race"), "class": field("class"), "ranks": ranks});
            parse_input(game, Some(&input))
        }
        _ => Ok(GameInput::None),
    };
    let input = match input {
        Ok(input) => input,
        Err(fields) => {
            let errors = fields.iter().map(|f| (f.field.clone(), f.message.clone())).collect();
            let error = ApiError::from(DrawError::InvalidInput(fields));
            return game_page(&front, game, state(error, Some(CharacterForm::new(&form, errors)))).await;
        }
    };
    let idempotency_key = form.get("idempotency_key").filter(|k| (1..=255).contains(&k.len())).cloned();
    let request = DrawRequest { game, campaign: campaign.clone(), client_seed, input, idempotency_key };
    match draws::create(&front, request, &request_id).await {
        Ok(created) => Redirect::to(&format!("/draws/{}", created.draw.id)).into_response(),
        Err(e) => {
            let name_taken = matches!(e, DrawError::NameTaken(_));
            let error = ApiError::from(e);
            let mut errors = BTreeMap::new();
            if name_taken {
                errors.insert("name".to_owned(), error.message.clone());
            }
            let character = (game == Game::Character).then(|| CharacterForm::new(&form, errors));
            game_page(&front, game, state(error, character)).await
        }
    }
}

/// prize-pool step 1: "Generate Random Sequence".
pub async fn generate_sequence(
    State(front): State<Arc<Frontend>>,
    Extension(request_id): Extension<RequestId>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let campaign = form.get("campaign").filter(|c| !c.is_empty()).cloned();
    let client_seed = form.get("client_seed").cloned().unwrap_or_default();
    let generated = match ClientSeed::parse(client_seed.clone()) {
        Ok(seed) => {
            prize_pool::generate(&front, campaign.clone(), seed, &request_id).await.map_err(ApiError::from)
        }
        Err(e) => Err(ApiError::invalid("invalid_client_seed", e.to_string())),
    };
    match generated {
        Ok(sequence) => Redirect::to(&format!(
            "/play/prize-pool?campaign={}&sequence={}",
            sequence.campaign, sequence.sequence
        ))
        .into_response(),
        Err(error) => {
            game_page(
                &front,
                Game::PrizePool,
                PageState { campaign, error: Some(error), client_seed, ..PageState::default() },
            )
            .await
        }
    }
}

/// prize-pool step 2: "Send to the Prize Pool".
pub async fn claim_sequence(
    State(front): State<Arc<Frontend>>,
    Extension(request_id): Extension<RequestId>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let sequence = form.get("sequence").cloned().unwrap_or_default();
    match prize_pool::claim(&front, &sequence, &request_id).await {
        Ok(draw) => Redirect::to(&format!("/draws/{}", draw.id)).into_response(),
        Err(e) => {
            let stored = front.store.sequence(&sequence).await.ok().flatten();
            let state = PageState {
                campaign: stored.as_ref().map(|s| s.campaign.clone()),
                sequence: stored,
                error: Some(ApiError::from(e)),
                ..PageState::default()
            };
            game_page(&front, Game::PrizePool, state).await
        }
    }
}

async fn game_page(front: &Frontend, game: Game, state: PageState) -> Response {
    let slug = state.campaign.clone().unwrap_or_else(|| game.slug().to_owned());
    let campaign = match front.store.campaign(&slug).await {
        Ok(Some(campaign)) if campaign.game == game.slug() => campaign,
        Ok(_) => return not_found_page(front, &format!("There is no {game} campaign {slug:?}.")),
        Err(e) => return error_page(front, store_error(&e)),
    };
    let filter = DrawFilter { game: Some(game), campaign: Some(slug), limit: 10 };
    let recent = match front.store.recent_draws(filter).await {
        Ok(recent) => recent,
        Err(e) => return error_page(front, store_error(&e)),
    };
    let footer = Footer::new(front, state.draw.as_ref().or(recent.first()));
    let (odds, odds_note) = odds(front, game).await;
    let rows = recent
        .into_iter()
        .map(|d| RecentRow {
            when: rfc3339(d.created_at_ms).get(..19).unwrap_or_default().replace('T', " "),
            summary: result_lines(&d.result_json).into_iter().next().map(|(_, v)| v).unwrap_or_default(),
            prize: d.prize.map_or_else(|| "—".to_owned(), |p| p.label),
            id: d.id,
        })
        .collect();
    let status = state.error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = PlayPage {
        slug: game.slug(),
        title: game.title(),
        rules: rules_text(game),
        campaign: campaign.into(),
        draw: state.draw.map(|d| DrawView::of(d, game)),
        error: state.error.map(|e| e.message),
        client_seed: state.client_seed,
        form_key: uuid::Uuid::new_v4().simple().to_string(),
        sequence: state.sequence,
        character: state.character.unwrap_or_else(|| CharacterForm::new(&HashMap::new(), BTreeMap::new())),
        odds,
        odds_note,
        recent: rows,
        footer,
    };
    render(status, &page)
}

/// The prize odds with the numbers and rules versions serving now (asked briefly; v1 assumed
/// when a service does not answer in time).
async fn odds(front: &Frontend, game: Game) -> (Vec<(String, String)>, String) {
    if !matches!(game, Game::AccountPrize | Game::PrizePool) {
        return (Vec::new(), String::new());
    }
    let probe = Duration::from_millis(300);
    let request_id = RequestId::generate();
    let (numbers, rules) = tokio::join!(
        front.deps.numbers.served_by_within(&request_id, probe),
        front.deps.rules.served_by_within(&request_id, probe)
    );
    let numbers = impl_of(numbers.ok().as_ref());
    let rules = impl_of(rules.ok().as_ref());
    let note = match (numbers, rules) {
        (Some(n), Some(r)) => format!("Exact odds with numbers {n} and rules {r}, the versions serving now."),
        _ => "Exact odds assuming v1 services (a service did not answer just now).".to_owned(),
    };
    let lines = game
        .odds(numbers.unwrap_or(Impl::V1), rules.unwrap_or(Impl::V1))
        .into_iter()
        .map(|line| {
            let prize = match line.prize {
                Some(p) if p.amount_pence.0 > 0 => p.label,
                Some(p) => format!("no prize ({})", p.label),
                None => "no prize".to_owned(),
            };
            let chance = if line.probability > 0.0 {
                format!("1 in {:.1} ({:.2}%)", 1.0 / line.probability, line.probability * 100.0)
            } else {
                "never".to_owned()
            };
            (prize, chance)
        })
        .collect();
    (lines, note)
}
