//! Who may read what. A tokens file maps each token's SHA-256 (never the token) to the
//! portfolios it may read, `"*"` for all; a request carries its token as a bearer token or as
//! the password of HTTP basic auth (a browser's login box, no script). Tokens are compared by
//! digest in constant time and never logged.

use std::collections::BTreeSet;
use std::path::Path;

use base64::Engine as _;
use toml_span::value::ValueInner;
use toml_span::{DeserError, Span};

use crate::spanned::{InputError, parse_toml};

/// What a request may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everything, audits outside any portfolio included: no tokens file on loopback, or `"*"`.
    All,
    /// These portfolios and their audits' runs.
    Portfolios(BTreeSet<String>),
}

impl Scope {
    pub fn reads_portfolio(&self, portfolio: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Portfolios(names) => names.contains(portfolio),
        }
    }

    /// A run or an audit recorded for `portfolio` (`None`: outside any, for `"*"` only).
    pub fn reads(&self, portfolio: Option<&str>) -> bool {
        match portfolio {
            Some(name) => self.reads_portfolio(name),
            None => *self == Scope::All,
        }
    }
}

/// The tokens file, read.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    entries: Vec<([u8; 32], Scope)>,
}

/// The digest a token is known by.
fn digest(token: &str) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(token.as_bytes()).into()
}

/// The tokens file's line for `token`: what `serve hash-token` prints.
pub fn line_for(token: &str) -> String {
    let hex: String = digest(token).iter().map(|b| format!("{b:02x}")).collect();
    format!("\"sha256:{hex}\" = [\"portfolio name\"]   # or [\"*\"] for everything")
}

impl Tokens {
    /// Reads a tokens file; every problem is reported at its line and column.
    pub fn load(file: &Path) -> Result<Tokens, InputError> {
        let text = std::fs::read_to_string(file).map_err(|e| {
            InputError::whole_file(file, format!("cannot read the tokens file: {e}"))
        })?;
        Self::parse(&text, file)
    }

    pub fn parse(text: &str, file: &Path) -> Result<Tokens, InputError> {
        let mut root = parse_toml(text, file)?;
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        let problem = |message: String, span: Span| toml_span::Error {
            kind: toml_span::ErrorKind::Custom(message.into()),
            span,
            line_info: None,
        };
        let root_span = root.span;
        let tokens = match root.take() {
            ValueInner::Table(mut top) => {
                let key = top.keys().find(|k| k.name == "tokens").cloned();
                for other in top.keys().filter(|k| k.name != "tokens") {
                    problems.push(problem(
                        format!(
                            "unknown table `{}`: the file holds only [tokens]",
                            other.name
                        ),
                        other.span,
                    ));
                }
                key.and_then(|k| top.remove(&k))
            }
            _ => None,
        };
        match tokens.map(|mut t| (t.span, t.take())) {
            Some((_, ValueInner::Table(table))) => {
                for (key, mut value) in table {
                    let Some(hex) = key.name.strip_prefix("sha256:") else {
                        problems.push(problem(
                            "expected \"sha256:<64 hex digits>\": `centricity serve hash-token` prints the line".into(),
                            key.span,
                        ));
                        continue;
                    };
                    let Some(hash) = hex_digest(hex) else {
                        problems.push(problem("the digest is not 64 hex digits".into(), key.span));
                        continue;
                    };
                    let span = value.span;
                    match value.take() {
                        ValueInner::Array(names) => {
                            let mut portfolios = BTreeSet::new();
                            let mut all = false;
                            for mut name in names {
                                match name.take() {
                                    ValueInner::String(n) if n == "*" => all = true,
                                    ValueInner::String(n) => {
                                        portfolios.insert(n.into_owned());
                                    }
                                    _ => problems.push(problem(
                                        "expected a portfolio's name as a string".into(),
                                        name.span,
                                    )),
                                }
                            }
                            let scope = if all {
                                Scope::All
                            } else {
                                Scope::Portfolios(portfolios)
                            };
                            entries.push((hash, scope));
                        }
                        _ => problems.push(problem(
                            "expected a list of portfolio names, such as [\"utilities\"] or [\"*\"]".into(),
                            span,
                        )),
                    }
                }
            }
            Some((span, _)) => problems.push(problem("expected a [tokens] table".into(), span)),
            None => problems.push(problem(
                "the tokens file needs a [tokens] table".into(),
                root_span,
            )),
        }
        if problems.is_empty() {
            Ok(Tokens { entries })
        } else {
            Err(InputError::in_toml(
                file,
                text,
                DeserError { errors: problems },
            ))
        }
    }

    /// The scope of `token`, if it is one of the file's. Every entry is compared, each byte
    /// of each, so the time taken says nothing about which digest came close.
    pub fn scope_of(&self, token: &str) -> Option<&Scope> {
        let presented = digest(token);
        let mut found = None;
        for (known, scope) in &self.entries {
            let difference = known
                .iter()
                .zip(presented)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b));
            if difference == 0 && found.is_none() {
                found = Some(scope);
            }
        }
        found
    }
}

fn hex_digest(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let mut digest = [0u8; 32];
    for (byte, pair) in digest.iter_mut().zip(hex.as_bytes().chunks(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(digest)
}

/// The token a request's `Authorization` header carries: `Bearer <token>`, or `Basic` with the
/// token as the password (any user name).
pub fn presented(authorization: &str) -> Option<String> {
    let (scheme, credentials) = authorization.trim().split_once(' ')?;
    let credentials = credentials.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(credentials.to_string());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(credentials)
            .ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        return decoded
            .split_once(':')
            .map(|(_, password)| password.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Tokens {
        Tokens::parse(text, Path::new("tokens.toml")).unwrap()
    }

    #[test]
    fn a_token_reads_what_its_digest_is_mapped_to_and_nothing_else() {
        let line = line_for("s3cret-utilities");
        let all = line_for("s3cret-all").replace("[\"portfolio name\"]", "[\"*\"]");
        let file = format!(
            "[tokens]\n{}\n{all}\n",
            line.replace("\"portfolio name\"", "\"utilities\", \"banks\"")
        );
        let tokens = tokens(&file);
        let utilities = tokens.scope_of("s3cret-utilities").unwrap();
        assert!(utilities.reads_portfolio("banks") && !utilities.reads_portfolio("telecom"));
        assert!(
            !utilities.reads(None),
            "an audit outside any portfolio is for * only"
        );
        assert_eq!(tokens.scope_of("s3cret-all"), Some(&Scope::All));
        assert_eq!(tokens.scope_of("s3cret-utilitie"), None);
        assert_eq!(tokens.scope_of(""), None);
    }

    #[test]
    fn the_token_comes_as_a_bearer_or_as_basic_auths_password() {
        assert_eq!(presented("Bearer abc").as_deref(), Some("abc"));
        // "client:abc"
        assert_eq!(presented("Basic Y2xpZW50OmFiYw==").as_deref(), Some("abc"));
        assert_eq!(presented("Basic !!!"), None);
        assert_eq!(presented("Digest abc"), None);
    }

    #[test]
    fn a_bad_tokens_file_is_refused_at_its_place() {
        let err = Tokens::parse(
            "[tokens]\n\"sha256:abc\" = [\"x\"]\n\"plain\" = [\"x\"]\n",
            Path::new("tokens.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("tokens.toml:2:"), "{err}");
        assert!(err.contains("64 hex digits"), "{err}");
        assert!(err.contains("tokens.toml:3:"), "{err}");
    }
}
