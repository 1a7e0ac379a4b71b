//! The pages' static files, built into the binary and served under names that carry a hash of
//! their content: the one stylesheet (`static/style.css`) as `/static/style.<hash>.css`, and the
//! in-browser verifier (`static/verify.js`, an ES module) as `/static/verify.<hash>.js`. Browsers
//! may keep them for a year: a changed file has a new name, which the pages link as soon as they
//! are served by the new binary. Keeping them files (no inline `<style>` or `<script>`) lets the
//! pages' CSP say `style-src 'self'` and `script-src 'self'`.

use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// The stylesheet, as written.
pub const STYLESHEET: &str = include_str!("../../../static/style.css");

/// The verifier module, as written.
pub const VERIFIER: &str = include_str!("../../../static/verify.js");

/// The live page's module, as written.
pub const LIVE: &str = include_str!("../../../static/live.js");

/// One static file: its name's stem and extension, its media type and its content.
struct Asset {
    stem: &'static str,
    extension: &'static str,
    content_type: &'static str,
    content: &'static str,
}

/// Every static file the pages use.
const ASSETS: [Asset; 3] = [
    Asset { stem: "style", extension: "css", content_type: "text/css; charset=utf-8", content: STYLESHEET },
    Asset {
        stem: "verify",
        extension: "js",
        content_type: "text/javascript; charset=utf-8",
        content: VERIFIER,
    },
    Asset { stem: "live", extension: "js", content_type: "text/javascript; charset=utf-8", content: LIVE },
];

/// `/static/<stem>.<the first 16 hex digits of its SHA-256>.<extension>` of each of [`ASSETS`].
static HREFS: LazyLock<[String; 3]> = LazyLock::new(|| {
    ASSETS.each_ref().map(|a| {
        let hash = hex::encode(Sha256::digest(a.content));
        format!("/static/{}.{}.{}", a.stem, &hash[..16], a.extension)
    })
});

/// Where every page links the stylesheet from (`base.html` calls it).
pub fn stylesheet_href() -> &'static str {
    &HREFS[0]
}

/// Where the `/verify` page loads the verifier module from (`verify.html` calls it).
pub fn verifier_src() -> &'static str {
    &HREFS[1]
}

/// Where the `/live` page loads its module from (`live.html` calls it).
pub fn live_src() -> &'static str {
    &HREFS[2]
}

/// A year: the longest a cache is asked to keep anything.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `GET /static/{file}`: a static file under its current name. Any other name is a 404 that no
/// cache keeps: during a rolling update a page from one version may ask a replica of the other
/// for its files, and that replica must not answer with different content under a name cached
/// for a year (the next page load asks again).
pub async fn file(Path(file): Path<String>) -> Response {
    let found = HREFS.iter().position(|href| href.strip_prefix("/static/") == Some(file.as_str()));
    let Some(asset) = found.map(|i| &ASSETS[i]) else {
        let headers = [(header::CACHE_CONTROL, "no-store"), (header::X_CONTENT_TYPE_OPTIONS, "nosniff")];
        return (StatusCode::NOT_FOUND, headers, "There is no such file.\n").into_response();
    };
    let headers = [
        (header::CONTENT_TYPE, asset.content_type),
        (header::CACHE_CONTROL, IMMUTABLE),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (headers, asset.content).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn get(name: &str) -> (StatusCode, http::HeaderMap, String) {
        let response = file(Path(name.to_owned())).await;
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
    }

    #[tokio::test]
    async fn the_stylesheet_is_css_kept_for_a_year_under_its_hash() {
        let href = stylesheet_href();
        let name = href.strip_prefix("/static/").unwrap_or_default();
        let hash = name.strip_prefix("style.").and_then(|n| n.strip_suffix(".css")).unwrap_or_default();
        assert!(hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()), "{href}");
        let (status, headers, body) = get(name).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        assert_eq!(body, STYLESHEET);
        assert!(body.contains(".result-card"), "the stylesheet itself");
    }

    #[tokio::test]
    async fn the_verifier_is_a_script_kept_for_a_year_under_its_hash() {
        let src = verifier_src();
        let name = src.strip_prefix("/static/").unwrap_or_default();
        let hash = name.strip_prefix("verify.").and_then(|n| n.strip_suffix(".js")).unwrap_or_default();
        assert!(hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()), "{src}");
        assert_eq!(hash, &hex::encode(Sha256::digest(VERIFIER))[..16]);
        let (status, headers, body) = get(name).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(body, VERIFIER);
        assert!(body.contains("export async function verify("), "the module itself");
    }

    /// The modules write values as text and style nothing inline (the CSP refuses inline
    /// styles; HTML built from a draw's data would be a way in for a script).
    #[test]
    fn the_modules_write_text_not_html() {
        for (name, module) in [("verify.js", VERIFIER), ("live.js", LIVE)] {
            for banned in
                ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", ".style.", "eval("]
            {
                assert!(!module.contains(banned), "{name} uses {banned}");
            }
            assert!(module.contains("textContent"), "{name}");
        }
    }

    #[tokio::test]
    async fn another_name_is_not_found_and_not_cached() {
        for name in [
            "style.css",
            "style.0000000000000000.css",
            "verify.js",
            "verify.0000000000000000.js",
            "../Cargo.toml",
        ] {
            let (status, headers, _) = get(name).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{name}");
            assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{name}");
        }
    }

    /// WCAG 2 relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0)) / 255.0;
            if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    /// Every "#fg on … #bg ratio" pair listed in the stylesheet's header comment: the ratio is
    /// right, passes AA (4.5:1), and both colours are ones the stylesheet uses.
    #[test]
    fn the_listed_colour_pairs_are_computed_right_and_pass_aa() {
        let comment = STYLESHEET.split("*/").next().unwrap_or_default();
        let rules = STYLESHEET.split_once("*/").map(|(_, rules)| rules).unwrap_or_default();
        let mut pairs = 0;
        for line in comment.lines().filter(|l| l.contains(" on ") && !l.contains("3:1")) {
            // Each half of a line is "<name> #fg on [<what>] #bg <ratio>".
            let words: Vec<&str> = line.split_whitespace().collect();
            let colour = |w: &str| w.len() == 7 && w.starts_with('#');
            for (i, _) in
                words.iter().enumerate().filter(|(i, w)| **w == "on" && *i > 0 && colour(words[i - 1]))
            {
                let fg = words[i - 1];
                let bg_at = i + words[i + 1..].iter().position(|w| w.starts_with('#')).unwrap_or(0) + 1;
                let (bg, listed) = (words[bg_at], words[bg_at + 1]);
                let (hi, lo) = {
                    let (a, b) = (luminance(fg), luminance(bg));
                    (a.max(b), a.min(b))
                };
                let ratio = (hi + 0.05) / (lo + 0.05);
                assert_eq!(format!("{ratio:.2}"), listed, "{fg} on {bg}");
                assert!(ratio >= 4.5, "{fg} on {bg}: {ratio:.2}");
                for colour in [fg, bg] {
                    assert!(rules.contains(colour), "{colour} is listed but not used");
                }
                pairs += 1;
            }
        }
        assert!(pairs >= 30, "the comment lists the pairs: found {pairs}");
    }
}
