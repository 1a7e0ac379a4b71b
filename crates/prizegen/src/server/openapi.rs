//! The rules every service's OpenAPI document follows, applied once to the whole document
//! rather than repeated on each handler: the answers any operation can give because of the
//! plumbing it runs on (a body that is not JSON, a request over time), the error schema they
//! carry, and the headers every answer has. What only one operation can answer (a 404 for an
//! unknown draw, a 409 for a taken slug) stays on its handler's `#[utoipa::path]`.

use super::error::ErrorResponse;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, OpenApi, Ref, RefOr, ResponseBuilder, Type, schema::ObjectBuilder,
};
use utoipa::{PartialSchema, ToSchema};

/// Completes `doc` by the rules above.
pub fn complete(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    let mut schemas = Vec::new();
    ErrorResponse::schemas(&mut schemas);
    schemas.push((ErrorResponse::name().into_owned(), ErrorResponse::schema()));
    for (name, schema) in schemas {
        components.schemas.entry(name).or_insert(schema);
    }
    for item in doc.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            complete_operation(operation);
        }
    }
}

fn complete_operation(operation: &mut Operation) {
    let takes_json = operation.request_body.as_ref().is_some_and(|body| match body {
        RefOr::T(body) => body.content.contains_key("application/json"),
        RefOr::Ref(_) => true,
    });
    let has_query = operation.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => p.parameter_in == ParameterIn::Query,
        RefOr::Ref(_) => false,
    });
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut add = |status: &str, description: &str| {
        operation.responses.responses.entry(status.to_owned()).or_insert_with(|| error(description));
    };
    if takes_json {
        add("400", "The body is not JSON (`invalid_json`).");
        add("415", "The body is not sent as `Content-Type: application/json` (`unsupported_media_type`).");
        add("422", "A field is invalid or missing (`invalid_field`); `error.field` names it.");
    }
    if has_query {
        add("400", "A query parameter cannot be read (`invalid_query`), or is not one of this operation's.");
    }
    if secured {
        add("401", "No operator token, or a wrong one (`unauthorized`).");
    }
    add(
        "503",
        "A dependency is unavailable or too slow (`dependency_unavailable`, `error.dependency` names \
         it), or the request took longer than its limit (`request_timeout`). Try again later.",
    );
    for (status, response) in operation.responses.responses.iter_mut() {
        if let RefOr::T(response) = response {
            if response.description.is_empty() {
                response.description = "The answer.".into();
            }
            // Every error answer has the error schema, also where a handler named only the status.
            let is_error = status.starts_with('4') || status.starts_with('5');
            if is_error && response.content.is_empty() {
                let content =
                    ContentBuilder::new().schema(Some(Ref::from_schema_name(ErrorResponse::name()))).build();
                response.content.insert("application/json".into(), content.into());
            }
            for (name, description) in HEADERS {
                let header = HeaderBuilder::new()
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                    .description(Some(*description))
                    .build();
                response.headers.entry((*name).into()).or_insert(RefOr::T(header));
            }
        }
    }
}

/// Headers every answer of every service carries.
const HEADERS: &[(&str, &str)] = &[
    ("x-served-by", "`<service>/<impl>@<instance>`: which instance and implementation answered."),
    (
        "x-request-id",
        "The request's id through all four services: the one sent (1–64 letters, digits, `.`, `_`, \
         `-`) or a new one.",
    ),
];

/// An error answer with the error schema.
fn error(description: &str) -> RefOr<utoipa::openapi::Response> {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name(ErrorResponse::name()))).build();
    ResponseBuilder::new().description(description).content("application/json", content).build().into()
}
