//! The dashboard's page frame and its answers in each format: HTML in the report's look,
//! JSON, and CSV through the one safe writer. Text from the store is outside text: it goes
//! through the report's sanitizer ([`Text`]) into every page.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, PreEscaped, Render, html};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use crate::report::Sheet;
use crate::report::html::page_start;
use crate::report::sanitize::html as esc;

/// The dashboard's additions to the report's style: the bar of links at the top.
const STYLE: &str = "
nav.top{display:flex;gap:1.2rem;align-items:baseline;border-bottom:1px solid #e3e7ef;padding-bottom:.5rem;margin-bottom:1rem}
nav.top b{margin-right:auto}nav.top a{color:#1d2433}.formats{font-size:.85em;color:#5b6478}
.baseline{background:#eef6f1}.bar{width:6rem}td{white-space:nowrap}td:first-child,#action-plan td{white-space:normal}
th{white-space:normal;vertical-align:bottom;font-size:.9em}.wide{overflow-x:auto}
.spark{font-family:'DejaVu Sans Mono',monospace;letter-spacing:-1px}
";

/// Outside text, escaped by the report's sanitizer wherever a template shows it.
pub struct Text<'a>(pub &'a str);

impl Render for Text<'_> {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str(&esc(self.0));
    }
}

/// A name as one path segment of a link (`/audit/Signal%20%26%20Co`).
pub fn segment(name: &str) -> String {
    utf8_percent_encode(name, NON_ALPHANUMERIC).to_string()
}

/// A whole page: the report's head (its CSP and style) with `extra_style`, the top bar with
/// links to this view's JSON and CSV, then `body`. `path` is the view's own, with the query
/// that narrows it (`/portfolio/Agency?sector=energy`), so the data is what the page shows.
pub fn page(title: &str, extra_style: &str, path: &str, body: Markup) -> String {
    let joiner = if path.contains('?') { '&' } else { '?' };
    let head = page_start(&esc(title), &format!("{STYLE}{extra_style}"));
    let frame = html! {
        (PreEscaped(head))
        nav.top {
            b { a href="/" { "centricity" } }
            span.formats {
                "This view as " a href=(format!("{path}{joiner}format=json")) { "JSON" }
                " or " a href=(format!("{path}{joiner}format=csv")) { "CSV" }
            }
        }
        (body)
    };
    format!("{}</body></html>\n", frame.into_string())
}

/// The formats a view is given in (`?format=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Json,
    Csv,
}

impl Format {
    /// `?format=`: none is the page.
    fn from_query(format: Option<&str>) -> Option<Format> {
        match format {
            None | Some("html") => Some(Format::Html),
            Some("json") => Some(Format::Json),
            Some("csv") => Some(Format::Csv),
            Some(_) => None,
        }
    }
}

/// Every view takes its format from the query string; one it is not given in is a 400 page.
impl<S: Send + Sync> FromRequestParts<S> for Format {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        #[derive(Deserialize)]
        struct Wanted {
            format: Option<String>,
        }
        Query::<Wanted>::try_from_uri(&parts.uri)
            .ok()
            .and_then(|Query(wanted)| Format::from_query(wanted.format.as_deref()))
            .ok_or_else(bad_format)
    }
}

/// The answer to a `?format=` no view is given in.
fn bad_format() -> Response {
    message_page(
        StatusCode::BAD_REQUEST,
        "Unknown format",
        "A view is given as ?format=html, json or csv.",
    )
}

/// A view's answer in `format`; only the chosen rendering is made.
pub fn answer(
    format: Format,
    html: impl FnOnce() -> String,
    json: impl FnOnce() -> Vec<u8>,
    csv: impl FnOnce() -> Vec<u8>,
) -> Response {
    match format {
        Format::Html => typed("text/html; charset=utf-8", html().into_bytes()),
        Format::Json => typed("application/json", json()),
        Format::Csv => typed("text/csv; charset=utf-8", csv()),
    }
}

/// A CSV written row by row through the one safe writer (no byte-order mark: a program reads it).
pub fn sheet(write: impl FnOnce(&mut Sheet)) -> Vec<u8> {
    let mut sheet = Sheet::new(false);
    write(&mut sheet);
    sheet.into_bytes()
}

pub fn typed(content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A page that only says something: not found, sign in, the store failed.
pub fn message_page(status: StatusCode, title: &str, message: &str) -> Response {
    let page = page(
        title,
        "",
        "/",
        html! { h1 { (Text(title)) } p { (Text(message)) } },
    );
    (status, typed("text/html; charset=utf-8", page.into_bytes())).into_response()
}

/// One decimal, or a dash when there is nothing to show.
pub fn figure(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |v| format!("{v:.1}"))
}

/// A share as a whole percentage, or a dash.
pub fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".into(), |s| format!("{:.0}%", s * 100.0))
}
