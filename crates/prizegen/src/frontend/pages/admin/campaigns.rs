//! The operator's admin pages: sign in with the operator token, then create, edit and delete
//! campaigns. Every form carries a CSRF token; see `frontend/session.rs`.

use super::{Footer, error_page, money, render};
use crate::frontend::Frontend;
use crate::frontend::campaigns::{CampaignInput, is_default};
use crate::frontend::draws::store_error;
use crate::frontend::session::{
    SESSION_COOKIE, SESSION_SECONDS, SIGN_IN_COOKIE, Session, cookie, random_hex, set_cookie,
};
use crate::server::ApiError;
use crate::store::now_ms;
use crate::store::{Campaign, CampaignFields, CampaignWrite};
use askama::Template;
use axum::Router;
use axum::extract::{Form, FromRequestParts, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::{HeaderMap, StatusCode, header, request::Parts};
use prizegen_domain::games::Game;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub fn routes() -> Router<Arc<Frontend>> {
    Router::new()
        .route("/admin", get(campaigns_page))
        .route("/admin/sign-in", get(sign_in_page).post(sign_in))
        .route("/admin/sign-out", post(sign_out))
        .route("/admin/campaigns", post(create))
        .route("/admin/campaigns/{slug}", get(campaign_page).post(update))
        .route("/admin/campaigns/{slug}/delete", post(delete))
}

fn now_s() -> i64 {
    now_ms() / 1000
}

/// A signed-in operator; anyone else is sent to the sign-in page.
struct Admin(Session);

impl FromRequestParts<Arc<Frontend>> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, front: &Arc<Frontend>) -> Result<Self, Self::Rejection> {
        cookie(&parts.headers, SESSION_COOKIE)
            .and_then(|value| front.sessions.check(value, now_s()))
            .map(Admin)
            .ok_or_else(|| Redirect::to("/admin/sign-in").into_response())
    }
}

/// The answer to a form whose CSRF token is missing or wrong.
fn forbidden(front: &Frontend) -> Response {
    error_page(
        front,
        ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "This form has expired or did not come from this site. Reload the page and try again.",
        ),
    )
}

fn csrf_ok(front: &Frontend, admin: &Admin, form: &HashMap<String, String>) -> bool {
    front.sessions.check_csrf(&admin.0, form.get("csrf").map(String::as_str).unwrap_or_default())
}

#[derive(Template)]
#[template(path = "admin_sign_in.html")]
struct SignInPage {
    csrf: String,
    error: Option<String>,
    footer: Footer,
}

async fn sign_in_page(State(front): State<Arc<Frontend>>, headers: HeaderMap) -> Response {
    let token = cookie(&headers, SIGN_IN_COOKIE).map_or_else(random_hex, str::to_owned);
    let page = SignInPage { csrf: token.clone(), error: None, footer: Footer::new(&front, None) };
    let mut response = render(StatusCode::OK, &page);
    append_cookie(&mut response, &set_cookie(SIGN_IN_COOKIE, &token, 3600));
    response
}

async fn sign_in(
    State(front): State<Arc<Frontend>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let presented = form.get("csrf").map(String::as_str).unwrap_or_default();
    if presented.is_empty() || cookie(&headers, SIGN_IN_COOKIE) != Some(presented) {
        return forbidden(&front);
    }
    let token = form.get("token").map(|t| t.trim()).unwrap_or_default();
    let session = front.operator.accepts(token).then(|| front.sessions.issue(now_s())).flatten();
    let Some(session) = session else {
        let error = Some("That is not the operator token.".to_owned());
        let page = SignInPage { csrf: presented.to_owned(), error, footer: Footer::new(&front, None) };
        return render(StatusCode::UNAUTHORIZED, &page);
    };
    tracing::info!("operator signed in to the admin pages");
    let mut response = Redirect::to("/admin").into_response();
    append_cookie(&mut response, &set_cookie(SESSION_COOKIE, &session, SESSION_SECONDS));
    append_cookie(&mut response, &set_cookie(SIGN_IN_COOKIE, "", 0));
    response
}

async fn sign_out(
    admin: Admin,
    State(front): State<Arc<Frontend>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !csrf_ok(&front, &admin, &form) {
        return forbidden(&front);
    }
    let mut response = Redirect::to("/admin/sign-in").into_response();
    append_cookie(&mut response, &set_cookie(SESSION_COOKIE, "", 0));
    response
}

fn append_cookie(response: &mut Response, value: &str) {
    if let Ok(value) = header::HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// The campaign form, refilled after an error.
struct FormView {
    action: String,
    new: bool,
    slug: String,
    name: String,
    venue: String,
    date: String,
    games: Vec<(String, bool)>,
    budget_pence: String,
    active: bool,
    errors: BTreeMap<String, String>,
}

impl FormView {
    fn games(picked: &str) -> Vec<(String, bool)> {
        Game::ALL.iter().map(|g| (g.slug().to_owned(), g.slug() == picked)).collect()
    }

    fn blank() -> Self {
        let today = time::OffsetDateTime::now_utc().date().to_string();
        Self {
            action: "/admin/campaigns".into(),
            new: true,
            slug: String::new(),
            name: String::new(),
            venue: String::new(),
            date: today,
            games: Self::games(Game::AccountPrize.slug()),
            budget_pence: String::new(),
            active: true,
            errors: BTreeMap::new(),
        }
    }

    fn of(campaign: &Campaign) -> Self {
        Self {
            action: format!("/admin/campaigns/{}", campaign.slug),
            new: false,
            slug: campaign.slug.clone(),
            name: campaign.name.clone(),
            venue: campaign.venue.clone(),
            date: campaign.date.clone(),
            games: Self::games(&campaign.game),
            budget_pence: campaign.budget_pence.map(|b| b.to_string()).unwrap_or_default(),
            active: campaign.active,
            errors: BTreeMap::new(),
        }
    }

    fn from_form(
        form: &HashMap<String, String>,
        slug: Option<&str>,
        errors: BTreeMap<String, String>,
    ) -> Self {
        let get = |name: &str| form.get(name).cloned().unwrap_or_default();
        let slug = slug.map_or_else(|| get("slug"), str::to_owned);
        Self {
            action: if form.contains_key("slug") {
                "/admin/campaigns".into()
            } else {
                format!("/admin/campaigns/{slug}")
            },
            new: form.contains_key("slug"),
            slug,
            name: get("name"),
            venue: get("venue"),
            date: get("date"),
            games: Self::games(&get("game")),
            budget_pence: get("budget_pence"),
            active: form.get("active").is_some(),
            errors,
        }
    }
}

/// The form's fields, checked like the API's.
fn parse_form(
    form: &HashMap<String, String>,
    slug: Option<&str>,
) -> Result<CampaignFields, BTreeMap<String, String>> {
    let get = |name: &str| form.get(name).cloned().unwrap_or_default();
    let budget = get("budget_pence");
    let budget_pence = match budget.trim() {
        "" => Ok(None),
        text => text.parse::<i64>().map(Some).map_err(|_| "a whole number of pence, or empty for no limit"),
    };
    let input = CampaignInput {
        slug: slug.is_none().then(|| get("slug")),
        name: get("name"),
        venue: get("venue"),
        date: get("date"),
        game: get("game"),
        budget_pence: budget_pence.unwrap_or(None),
        active: Some(form.contains_key("active")),
    };
    let mut errors: BTreeMap<String, String> = match input.parse(slug) {
        Ok(fields) if budget_pence.is_ok() => return Ok(fields),
        Ok(_) => BTreeMap::new(),
        Err(fields) => fields.into_iter().map(|f| (f.field, f.message)).collect(),
    };
    if let Err(message) = budget_pence {
        errors.insert("budget_pence".into(), message.into());
    }
    Err(errors)
}

struct CampaignRow {
    slug: String,
    name: String,
    venue: String,
    date: String,
    game: String,
    budget: String,
    spent: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "admin_campaigns.html")]
struct CampaignsPage {
    campaigns: Vec<CampaignRow>,
    form: FormView,
    csrf: String,
    error: Option<String>,
    notice: Option<String>,
    footer: Footer,
}

async fn list_page(
    front: &Frontend,
    admin: &Admin,
    form: FormView,
    error: Option<String>,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let campaigns = match front.store.campaigns().await {
        Ok(campaigns) => campaigns,
        Err(e) => return error_page(front, store_error(&e)),
    };
    let campaigns = campaigns
        .into_iter()
        .map(|c| CampaignRow {
            budget: money(c.budget_pence),
            spent: money(Some(c.spent_pence)),
            slug: c.slug,
            name: c.name,
            venue: c.venue,
            date: c.date,
            game: c.game,
            active: c.active,
        })
        .collect();
    let page = CampaignsPage {
        campaigns,
        form,
        csrf: front.sessions.csrf(&admin.0),
        error,
        notice,
        footer: Footer::new(front, None),
    };
    render(status, &page)
}

async fn campaigns_page(admin: Admin, State(front): State<Arc<Frontend>>) -> Response {
    list_page(&front, &admin, FormView::blank(), None, None, StatusCode::OK).await
}

async fn create(
    admin: Admin,
    State(front): State<Arc<Frontend>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !csrf_ok(&front, &admin, &form) {
        return forbidden(&front);
    }
    let refill = |errors| FormView::from_form(&form, None, errors);
    let fields = match parse_form(&form, None) {
        Ok(fields) => fields,
        Err(errors) => {
            let message = Some("Some fields need attention.".to_owned());
            return list_page(
                &front,
                &admin,
                refill(errors),
                message,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let slug = fields.slug.clone();
    match front.store.create_campaign(fields).await {
        Ok(CampaignWrite::Done(_)) => {
            list_page(
                &front,
                &admin,
                FormView::blank(),
                None,
                Some(format!("Campaign {slug} created.")),
                StatusCode::OK,
            )
            .await
        }
        Ok(CampaignWrite::SlugTaken) => {
            let errors = BTreeMap::from([("slug".to_owned(), format!("{slug} is taken"))]);
            list_page(
                &front,
                &admin,
                refill(errors),
                Some("That slug is taken.".into()),
                None,
                StatusCode::CONFLICT,
            )
            .await
        }
        Ok(other) => error_page(
            &front,
            ApiError::internal(&crate::store::StoreError::unexpected(format!("{other:?}"))),
        ),
        Err(e) => error_page(&front, store_error(&e)),
    }
}

#[derive(Template)]
#[template(path = "admin_campaign.html")]
struct CampaignPage {
    form: FormView,
    spent: String,
    csrf: String,
    error: Option<String>,
    footer: Footer,
}

async fn edit_page(
    front: &Frontend,
    admin: &Admin,
    slug: &str,
    form: Option<FormView>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let campaign = match front.store.campaign(slug).await {
        Ok(Some(campaign)) => campaign,
        Ok(None) => return super::not_found_page(front, "There is no such campaign."),
        Err(e) => return error_page(front, store_error(&e)),
    };
    let page = CampaignPage {
        form: form.unwrap_or_else(|| FormView::of(&campaign)),
        spent: money(Some(campaign.spent_pence)),
        csrf: front.sessions.csrf(&admin.0),
        error,
        footer: Footer::new(front, None),
    };
    render(status, &page)
}

async fn campaign_page(
    admin: Admin,
    State(front): State<Arc<Frontend>>,
    Path(slug): Path<String>,
) -> Response {
    edit_page(&front, &admin, &slug, None, None, StatusCode::OK).await
}

async fn update(
    admin: Admin,
    State(front): State<Arc<Frontend>>,
    Path(slug): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !csrf_ok(&front, &admin, &form) {
        return forbidden(&front);
    }
    let refill = |errors| Some(FormView::from_form(&form, Some(&slug), errors));
    let fields = match parse_form(&form, Some(&slug)) {
        Ok(fields) => fields,
        Err(errors) => {
            let message = Some("Some fields need attention.".to_owned());
            return edit_page(
                &front,
                &admin,
                &slug,
                refill(errors),
                message,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let message = match front.store.update_campaign(&slug, fields).await {
        Ok(CampaignWrite::Done(_)) => {
            let notice = Some(format!("Campaign {slug} saved."));
            return list_page(&front, &admin, FormView::blank(), None, notice, StatusCode::OK).await;
        }
        Ok(CampaignWrite::NotFound) => return super::not_found_page(&front, "There is no such campaign."),
        Ok(CampaignWrite::BudgetBelowSpent { spent_pence }) => {
            format!(
                "The campaign has already awarded {}; the budget cannot be lower.",
                money(Some(spent_pence))
            )
        }
        Ok(CampaignWrite::HasDraws) => "The campaign has draws, so its game cannot change.".to_owned(),
        Ok(other) => format!("unexpected: {other:?}"),
        Err(e) => return error_page(&front, store_error(&e)),
    };
    edit_page(&front, &admin, &slug, refill(BTreeMap::new()), Some(message), StatusCode::CONFLICT).await
}

async fn delete(
    admin: Admin,
    State(front): State<Arc<Frontend>>,
    Path(slug): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !csrf_ok(&front, &admin, &form) {
        return forbidden(&front);
    }
    let message = if is_default(&slug) {
        "A game's default campaign cannot be deleted.".to_owned()
    } else {
        match front.store.delete_campaign(&slug).await {
            Ok(CampaignWrite::Deleted) => {
                let notice = Some(format!("Campaign {slug} deleted."));
                return list_page(&front, &admin, FormView::blank(), None, notice, StatusCode::OK).await;
            }
            Ok(CampaignWrite::NotFound) => {
                return super::not_found_page(&front, "There is no such campaign.");
            }
            Ok(CampaignWrite::HasDraws) => {
                "The campaign has draws; make it inactive instead of deleting it.".to_owned()
            }
            Ok(other) => format!("unexpected: {other:?}"),
            Err(e) => return error_page(&front, store_error(&e)),
        }
    };
    edit_page(&front, &admin, &slug, None, Some(message), StatusCode::CONFLICT).await
}
