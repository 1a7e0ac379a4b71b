//! The batch route of services 2–4 (`contract/batch.rs`): each item is dispatched, in this
//! process, to the same router that serves the single calls, so an item's answer is the single
//! call's answer by construction, errors included.

use super::{ApiError, ApiJson, RequestId};
use crate::contract::batch::{self, BatchAnswer, BatchItem, BatchRequest, ItemAnswer};
use crate::trace::{Kind, Span, TraceContext};
use axum::Extension;
use axum::Router;
use axum::body::Body;
use http::{Method, Request, header};
use serde_json::value::RawValue;
use tower::ServiceExt;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder};
use utoipa::{PartialSchema, ToSchema};

/// An item's answer body may be at most this long (the contract's answers are a few hundred
/// bytes).
const ITEM_ANSWER_LIMIT: usize = 64 * 1024;

/// Adds `POST /v1/<service>/batch` to `contract` (the service's single-call routes with their
/// fallback) and describes it in `doc`.
pub fn add(contract: Router, service: &'static str, doc: &mut OpenApi) -> Router {
    describe(doc, service);
    let single = contract.clone();
    contract.route(
        &batch::path(service),
        axum::routing::post(
            move |Extension(id): Extension<RequestId>, ApiJson(request): ApiJson<BatchRequest>| {
                answer(single.clone(), service, id.trace(), request)
            },
        ),
    )
}

async fn answer(
    single: Router,
    service: &'static str,
    batch: Option<TraceContext>,
    request: BatchRequest,
) -> Result<axum::Json<BatchAnswer>, ApiError> {
    if request.items.len() > batch::MAX_ITEMS {
        let message =
            format!("a batch carries at most {} items, not {}", batch::MAX_ITEMS, request.items.len());
        return Err(ApiError::invalid("invalid_field", message).on_field("items"));
    }
    let mut items = Vec::with_capacity(request.items.len());
    for item in request.items {
        items.push(one(&single, service, batch, item).await);
    }
    Ok(axum::Json(BatchAnswer { items }))
}

/// One item, dispatched to the single-call router. Anything that is not one of this service's
/// calls is that router's 404, as it would be alone; a batch inside a batch is one too, since
/// that router has no batch route.
async fn one(
    single: &Router,
    service: &'static str,
    batch: Option<TraceContext>,
    item: BatchItem,
) -> ItemAnswer {
    use axum::response::IntoResponse;
    let BatchItem { path, request_id, traceparent, body } = item;
    // The item's span: the child of its call's span in the draw's trace, linked to the batch.
    let parent = traceparent.as_deref().and_then(TraceContext::parse);
    let mut span = Span::start(service, || format!("POST {path}"), Kind::Server, parent);
    let body: Box<str> = body.into();
    let mut request = Request::builder().method(Method::POST).uri(&path);
    request = request.header(header::CONTENT_TYPE, "application/json");
    if let Some(id) = &request_id {
        request = request.header(&super::identity::REQUEST_ID, id.as_str());
    }
    let response = match request.body(Body::from(String::from(body))) {
        Ok(request) => {
            let Ok(response) = single.clone().oneshot(request).await;
            response
        }
        Err(_) => ApiError::not_found("not_found", format!("{path:?} is not a path")).into_response(),
    };
    let status = response.status().as_u16();
    if span.is_recording() {
        if let Some(batch) = batch {
            span.link(batch);
        }
        span.set("http.route", path.as_str());
        span.set("http.response.status_code", i64::from(status));
        span.set("prizegen.request_id", request_id.as_deref().unwrap_or("-"));
        span.set("prizegen.batch_item", true);
        if status >= 500 {
            span.fail(format!("answered {status}"));
        }
    }
    span.end();
    let bytes = axum::body::to_bytes(response.into_body(), ITEM_ANSWER_LIMIT).await.unwrap_or_default();
    tracing::debug!(request_id = request_id.as_deref().unwrap_or("-"), %path, status, "batch item");
    let text = String::from_utf8(bytes.to_vec()).unwrap_or_default();
    match RawValue::from_string(text) {
        Ok(body) => ItemAnswer { status, body },
        // Every answer of the contract is JSON; one that is not is passed on as a 500 with an
        // empty object, which the caller reads as a failing service.
        Err(_) => ItemAnswer { status: 500, body: empty_object() },
    }
}

fn empty_object() -> Box<RawValue> {
    RawValue::from_string("{}".to_owned()).expect("{} is JSON")
}

/// The batch operation in the service's document.
fn describe(doc: &mut OpenApi, service: &str) {
    let components = doc.components.get_or_insert_with(Default::default);
    let mut schemas = Vec::new();
    BatchRequest::schemas(&mut schemas);
    BatchAnswer::schemas(&mut schemas);
    schemas.push((BatchRequest::name().into_owned(), BatchRequest::schema()));
    schemas.push((BatchAnswer::name().into_owned(), BatchAnswer::schema()));
    for (name, schema) in schemas {
        components.schemas.entry(name).or_insert(schema);
    }
    let json = |name: std::borrow::Cow<'static, str>| {
        ContentBuilder::new().schema(Some(Ref::from_schema_name(name))).build()
    };
    let operation = OperationBuilder::new()
        .operation_id(Some(format!("{service}_batch")))
        .summary(Some("Many calls of this service in one request"))
        .description(Some(
            "Each item is a call this service serves alone (its path and body); its answer is \
             what that call would answer, status and body, in the items' order. Instances from \
             before this route answer 404; callers then send the items one by one. See \
             docs/contract.md.",
        ))
        .request_body(Some(
            RequestBodyBuilder::new()
                .content("application/json", json(BatchRequest::name()))
                .required(Some(utoipa::openapi::Required::True))
                .build(),
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("One answer per item, in order")
                .content("application/json", json(BatchAnswer::name())),
        )
        .build();
    doc.paths.paths.insert(batch::path(service), PathItem::new(HttpMethod::Post, operation));
}

#[cfg(test)]
mod tests {
    use crate::app;
    use axum::body::Body;
    use http::{Request, StatusCode};
    use prizegen_domain::fairness::Service;
    use prizegen_domain::games::Impl;
    use serde_json::{Value, json};
    use tower::ServiceExt;

    /// POSTs `body` to `path` of `router` (a whole service: common routes and middleware too).
    async fn post(router: &axum::Router, path: &str, body: &Value) -> (StatusCode, Value) {
        let request = Request::post(path)
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .expect("a request");
        let response = router.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("a body");
        (status, serde_json::from_slice(&bytes).expect("a JSON answer"))
    }

    fn random_key() -> String {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("randomness");
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn random_ranks() -> Value {
        let mut ranks: Vec<u8> = (1..=6).collect();
        for i in (1..ranks.len()).rev() {
            let mut byte = [0u8; 1];
            getrandom::fill(&mut byte).expect("randomness");
            ranks.swap(i, usize::from(byte[0]) % (i + 1));
        }
        let names = ["strength", "dexterity", "constitution", "intelligence", "wisdom", "charisma"];
        names.iter().zip(ranks).map(|(name, rank)| ((*name).to_owned(), json!(rank))).collect()
    }

    /// Calls of every game of `service`, with random keys; rules calls are made of what real
    /// letters and numbers of `imp` answered. Some are wrong on purpose.
    async fn calls(service: Service, imp: Impl, count: usize) -> Vec<(String, Value)> {
        let letters = app::generator(Service::Letters, imp, None, true).expect("letters").router;
        let numbers = app::generator(Service::Numbers, imp, None, true).expect("numbers").router;
        let mut calls = Vec::new();
        for i in 0..count {
            let game = ["account-prize", "prize-pool", "spy-mission", "attack", "character"][i % 5];
            let key = || json!({"key": random_key()});
            match service {
                Service::Letters if game == "attack" => continue,
                Service::Letters | Service::Numbers => {
                    calls.push((format!("/v1/{service}/{game}"), key()));
                }
                Service::Rules => {
                    let mut body = json!({"key": random_key()});
                    let (_, n) = post(&numbers, &format!("/v1/numbers/{game}"), &key()).await;
                    body["numbers"] = n;
                    if game != "attack" {
                        let (_, l) = post(&letters, &format!("/v1/letters/{game}"), &key()).await;
                        body["letters"] = l;
                    }
                    if game == "character" {
                        body["ranks"] = random_ranks();
                    }
                    if game == "prize-pool" && i % 2 == 0 {
                        let rules = app::generator(Service::Rules, imp, None, true).expect("rules").router;
                        let (_, composed) = post(&rules, "/v1/rules/prize-pool", &body).await;
                        calls.push((
                            "/v1/rules/prize-pool/claim".to_owned(),
                            json!({"sequence": composed["sequence"]}),
                        ));
                    }
                    calls.push((format!("/v1/rules/{game}"), body));
                }
            }
        }
        // Wrong calls: a bad key, an unknown game, another service's call, a body that is not
        // an object.
        let game = if service == Service::Letters { "account-prize" } else { "attack" };
        calls.push((format!("/v1/{service}/{game}"), json!({"key": "not hex"})));
        calls.push((format!("/v1/{service}/no-such-game"), json!({})));
        let other = if service == Service::Numbers { "letters" } else { "numbers" };
        calls.push((format!("/v1/{other}/account-prize"), json!({})));
        calls.push((format!("/v1/{service}/{game}"), json!([1, 2])));
        calls
    }

    /// A batch of N calls answers exactly what the N single calls answer, item by item, for
    /// every service, game and implementation, over random keys — errors included.
    #[tokio::test]
    async fn a_batch_answers_what_its_calls_answer_alone() {
        for imp in [Impl::V1, Impl::V2] {
            for service in Service::ALL {
                let router = app::generator(service, imp, None, true).expect("a service").router;
                for round in 0..4 {
                    let calls = calls(service, imp, 10 + round * 15).await;
                    let items: Vec<Value> =
                        calls.iter().map(|(path, body)| json!({"path": path, "body": body})).collect();
                    let (status, answer) =
                        post(&router, &format!("/v1/{service}/batch"), &json!({"items": items})).await;
                    assert_eq!(status, StatusCode::OK, "{service} {imp}: {answer}");
                    let answers = answer["items"].as_array().expect("items");
                    assert_eq!(answers.len(), calls.len());
                    let mut errors = 0;
                    for ((path, body), batched) in calls.iter().zip(answers) {
                        let (status, alone) = post(&router, path, body).await;
                        assert_eq!(
                            batched["status"],
                            status.as_u16(),
                            "{service} {imp} {path} {body}: {batched}"
                        );
                        assert_eq!(batched["body"], alone, "{service} {imp} {path} {body}");
                        errors += usize::from(!status.is_success());
                    }
                    assert_eq!(errors, 4, "the four wrong calls, and only they, are errors");
                }
            }
        }
    }

    #[tokio::test]
    async fn a_batch_is_bounded_and_an_old_instance_has_no_batch_route() {
        let router = app::generator(Service::Numbers, Impl::V1, None, true).expect("numbers").router;
        let item = json!({"path": "/v1/numbers/attack", "body": {}});
        let too_many = json!({"items": vec![item; crate::contract::batch::MAX_ITEMS + 1]});
        let (status, body) = post(&router, "/v1/numbers/batch", &too_many).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["field"], "items");

        // A batch inside a batch is not a call of the service.
        let nested = json!({"items": [{"path": "/v1/numbers/batch", "body": {"items": []}}]});
        let (status, body) = post(&router, "/v1/numbers/batch", &nested).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["items"][0]["status"], 404, "{body}");

        let old = app::generator(Service::Numbers, Impl::V1, None, false).expect("numbers").router;
        let (status, body) = post(&old, "/v1/numbers/batch", &json!({"items": []})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["error"]["code"], "not_found");
    }
}
