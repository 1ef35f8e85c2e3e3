//! robots.txt (RFC 9309): the group for our product token or `*`, longest
//! matching rule wins, `Allow` wins a tie, `*` and `$` wildcards.

/// One `User-agent` group: the agents it names and its (allow, pattern) rules.
#[derive(Debug, Default)]
struct Group {
    agents: Vec<String>,
    rules: Vec<(bool, String)>,
}

/// The rules that apply to us on one host.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Robots {
    rules: Vec<(bool, String)>,
    /// RFC 9309 §2.3.1.4: an unreachable robots.txt (5xx) means "disallow everything".
    disallow_all: bool,
    /// The status of a robots.txt that could not be read, for the reason shown.
    unreachable_status: Option<u16>,
}

impl Robots {
    /// Nothing is disallowed (robots.txt absent: 4xx).
    pub fn allow_all() -> Self {
        Self::default()
    }

    /// Everything is disallowed (robots.txt unreachable).
    pub fn disallow_all() -> Self {
        Self {
            rules: Vec::new(),
            disallow_all: true,
            unreachable_status: None,
        }
    }

    /// Everything is disallowed: the robots.txt answered `status` (5xx).
    pub fn unreachable(status: u16) -> Self {
        Self {
            unreachable_status: Some(status),
            ..Self::disallow_all()
        }
    }

    /// Why `url` may not be fetched, in words: what the robots.txt said, or that it could not
    /// be read (so nobody takes a server error for the site's wish).
    pub fn why_disallowed(&self, url: &url::Url) -> String {
        match self.unreachable_status {
            Some(status) => format!(
                "not fetched: the site's robots.txt answered HTTP {status}, which RFC 9309 treats as disallowing everything: {url}"
            ),
            None => format!("disallowed by robots.txt: {url}"),
        }
    }

    /// Parses a robots.txt for the product token `agent` (e.g. `centricity`), as RFC 9309
    /// says: a group is one or more `user-agent` lines and the rules after them; lines that are
    /// neither (`sitemap`, unknown keys, comments, blank lines) neither start nor end a group;
    /// rules outside any group are ignored; the first 500 KiB are read.
    pub fn parse(text: &str, agent: &str) -> Self {
        let agent = agent.to_ascii_lowercase();
        let text = crate::text::prefix(text, MAX_BYTES);
        let mut groups: Vec<Group> = Vec::new();
        let mut in_agents = false;
        for line in text.split(['\n', '\r']) {
            let line = line.split('#').next().unwrap_or_default().trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            match key.as_str() {
                "user-agent" => {
                    if !in_agents {
                        groups.push(Group::default());
                    }
                    in_agents = true;
                    if let Some(group) = groups.last_mut() {
                        group.agents.push(product_token(value));
                    }
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    // An empty Disallow allows everything: no rule.
                    if let (Some(group), false) = (groups.last_mut(), value.is_empty()) {
                        group.rules.push((key == "allow", percent_encode(value)));
                    }
                }
                _ => {}
            }
        }
        // Our own groups if any name us, else the `*` groups (RFC 9309 §2.2.1), merged.
        let names = |g: &Group, name: &str| g.agents.iter().any(|a| a == name);
        let ours = if groups.iter().any(|g| names(g, &agent)) {
            agent.as_str()
        } else {
            "*"
        };
        let rules = groups
            .iter()
            .filter(|g| names(g, ours))
            .flat_map(|g| g.rules.clone())
            .collect();
        Self {
            rules,
            disallow_all: false,
            unreachable_status: None,
        }
    }

    /// Whether `path` (path and query) may be fetched.
    pub fn allows(&self, path: &str) -> bool {
        if self.disallow_all {
            return path == "/robots.txt";
        }
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if matches(pattern, path) {
                let len = pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// RFC 9309 §2.5: at least 500 KiB must be parsed; what follows is ignored.
pub const MAX_BYTES: usize = 500 * 1024;

/// The product token a `user-agent` line names: its leading letters, `_` and `-`, lower-cased
/// (`Foo Bar` and `FooBot/2.1` name `foo` and `foobot`, as Google's parser reads them), or `*`.
fn product_token(value: &str) -> String {
    if value.starts_with('*') {
        return "*".into();
    }
    value
        .chars()
        .take_while(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '-'))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// A rule as URLs are written: octets outside US-ASCII percent-encoded, existing escapes
/// upper-cased (`/foo/bar/ツ` is `/foo/bar/%E3%83%84`), so it compares with a URL's path.
fn percent_encode(pattern: &str) -> String {
    let bytes = pattern.as_bytes();
    let mut out = String::with_capacity(pattern.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%'
            && bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
        {
            out.push('%');
            out.push(char::from(bytes[i + 1]).to_ascii_uppercase());
            out.push(char::from(bytes[i + 2]).to_ascii_uppercase());
            i += 3;
            continue;
        }
        if b.is_ascii() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
        i += 1;
    }
    out
}

/// Prefix match with `*` (any run) and a trailing `$` (end of path).
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = path;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 && anchored {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else {
                return false;
            };
            rest = rest.get(at + part.len()..).unwrap_or_default();
        }
    }
    !anchored || rest.is_empty() || (parts.len() > 1 && parts.last() == Some(&""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &str = "\
User-agent: *
Disallow: /private/
Allow: /private/open
Disallow: /*.pdf$

User-agent: BadBot
Disallow: /

User-agent: centricity
User-agent: other
Disallow: /review/secret
";

    #[test]
    fn our_group_wins_over_the_star_group() {
        let robots = Robots::parse(TXT, "centricity");
        assert!(!robots.allows("/review/secret-company"));
        // Our group says nothing about /private/: the * group does not apply to us.
        assert!(robots.allows("/private/x"));
    }

    #[test]
    fn star_group_with_longest_match_and_wildcards() {
        let robots = Robots::parse(TXT, "someone-else");
        // (path, allowed)
        for (path, allowed) in [
            ("/", true),
            ("/private/", false),
            ("/private/open/page", true),
            ("/doc.pdf", false),
            ("/doc.pdf?x=1", true),
            ("/public", true),
        ] {
            assert_eq!(robots.allows(path), allowed, "{path}");
        }
        assert!(!Robots::parse(TXT, "badbot").allows("/anything"));
    }

    #[test]
    fn missing_and_unreachable() {
        assert!(Robots::allow_all().allows("/x"));
        assert!(!Robots::disallow_all().allows("/x"));
        assert!(Robots::parse("", "centricity").allows("/x"));
        assert!(Robots::parse("User-agent: *\nDisallow:\n", "centricity").allows("/x"));
    }

    /// Cases of Google's public robots.txt conformance suite (google/robotstxt,
    /// `robots_test.cc`, Apache-2.0), the RFC 9309 part, restated as (robots.txt, agent, path,
    /// allowed). Google-only extensions (a missing colon, `index.html` as `/`, cut long lines)
    /// are left out: we follow the RFC there.
    #[test]
    fn googles_rfc_9309_conformance_cases() {
        let groups = "allow: /foo/bar/\n\nuser-agent: FooBot\ndisallow: /\nallow: /x/\nuser-agent: BarBot\ndisallow: /\nallow: /y/\n\n\nallow: /w/\nuser-agent: BazBot\n\nuser-agent: FooBot\nallow: /z/\ndisallow: /\n";
        let fish = |rule: &str| format!("user-agent: FooBot\ndisallow: /\nallow: {rule}\n");
        let cases: Vec<(String, &str, &str, bool)> = vec![
            ("user-agent: FooBot\ndisallow: /\n".into(), "FooBot", "/x/y", false),
            ("foo: FooBot\nbar: /\n".into(), "FooBot", "/x/y", true),
            (groups.into(), "FooBot", "/x/b", true),
            (groups.into(), "FooBot", "/z/d", true),
            (groups.into(), "FooBot", "/y/c", false),
            (groups.into(), "BarBot", "/y/c", true),
            (groups.into(), "BarBot", "/w/a", true),
            (groups.into(), "BarBot", "/z/d", false),
            (groups.into(), "BazBot", "/z/d", true),
            (groups.into(), "FooBot", "/foo/bar/", false),
            (groups.into(), "BarBot", "/foo/bar/", false),
            (groups.into(), "BazBot", "/foo/bar/", false),
            ("USER-AGENT: FooBot\nALLOW: /x/\nDISALLOW: /\n".into(), "FooBot", "/x/y", true),
            ("uSeR-aGeNt: FooBot\nAlLoW: /x/\ndIsAlLoW: /\n".into(), "FooBot", "/a/b", false),
            ("User-Agent: FOO BAR\nAllow: /x/\nDisallow: /\n".into(), "foo", "/x/y", true),
            ("User-Agent: FoO bAr\nAllow: /x/\nDisallow: /\n".into(), "Foo", "/a/b", false),
            ("user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n".into(), "FooBot", "/x/y", false),
            ("user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n".into(), "BarBot", "/x/y", true),
            ("user-agent: FooBot\nallow: /\nuser-agent: BarBot\ndisallow: /\n".into(), "QuxBot", "/x/y", true),
            ("user-agent: FooBot\ndisallow: /x/\n".into(), "FooBot", "/x/y", false),
            ("user-agent: FooBot\ndisallow: /X/\n".into(), "FooBot", "/x/y", true),
            ("user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/\n".into(), "FooBot", "/x/page.html", false),
            ("user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n".into(), "FooBot", "/x/page.html", true),
            ("user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n".into(), "FooBot", "/x/", false),
            ("user-agent: FooBot\ndisallow: \nallow: \n".into(), "FooBot", "/x/page.html", true),
            ("user-agent: FooBot\ndisallow: /\nallow: /\n".into(), "FooBot", "/x/page.html", true),
            ("user-agent: FooBot\ndisallow: /x\nallow: /x/\n".into(), "FooBot", "/x", false),
            ("user-agent: FooBot\ndisallow: /x\nallow: /x/\n".into(), "FooBot", "/x/", true),
            ("user-agent: FooBot\nallow: /page\ndisallow: /*.html\n".into(), "FooBot", "/page.html", false),
            ("user-agent: FooBot\nallow: /page\ndisallow: /*.html\n".into(), "FooBot", "/page", true),
            ("user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n".into(), "FooBot", "/x/page.html", true),
            ("user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n".into(), "FooBot", "/x/y.html", false),
            ("User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n".into(), "FooBot", "/x/page", true),
            ("User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n".into(), "FooBot", "/y/page", false),
            ("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar?qux=taz&baz=http://foo.bar?tar&par\n".into(), "FooBot", "/foo/bar?qux=taz&baz=http://foo.bar?tar&par", true),
            ("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/ツ\n".into(), "FooBot", "/foo/bar/%E3%83%84", true),
            ("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/ツ\n".into(), "FooBot", "/foo/bar/ツ", false),
            ("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%E3%83%84\n".into(), "FooBot", "/foo/bar/%E3%83%84", true),
            ("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n".into(), "FooBot", "/foo/bar/baz", false),
            ("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n".into(), "FooBot", "/foo/bar/%62%61%7A", true),
            ("User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n".into(), "FooBot", "/foo/bar/quz", false),
            ("User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n".into(), "FooBot", "/foo//quz", true),
            ("User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n".into(), "FooBot", "/foo/bar", false),
            ("User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n".into(), "FooBot", "/foo/bar/baz", true),
            ("User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n".into(), "FooBot", "/foo/bar", true),
            ("User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n".into(), "FooBot", "/foo/quz", false),
            (fish("/fish"), "FooBot", "/fish.html?id=anything", true),
            (fish("/fish"), "FooBot", "/catfish", false),
            (fish("/fish"), "FooBot", "/?id=fish", false),
            (fish("/fish*"), "FooBot", "/fishheads/yummy.html", true),
            (fish("/fish/"), "FooBot", "/fish", false),
            (fish("/*.php"), "FooBot", "/index?f=filename.php/", true),
            (fish("/*.php"), "FooBot", "/windows.PHP", false),
            (fish("/*.php$"), "FooBot", "/folder/filename.php", true),
            (fish("/*.php$"), "FooBot", "/filename.php?parameters", false),
            (fish("/*.php$"), "FooBot", "/filename.php5", false),
            (fish("/fish*.php"), "FooBot", "/fishheads/catfish.php?parameters", true),
            ("user-agent: FooBot\nallow: /p\ndisallow: /\n".into(), "FooBot", "/page", true),
            ("user-agent: FooBot\nallow: /folder\ndisallow: /folder\n".into(), "FooBot", "/folder/page", true),
            ("user-agent: FooBot\nallow: /$\ndisallow: /\n".into(), "FooBot", "/", true),
            ("user-agent: FooBot\nallow: /$\ndisallow: /\n".into(), "FooBot", "/page.html", false),
            // Line endings: CR alone, CRLF, LF.
            ("User-Agent: foo\rAllow: /some/path\rUser-Agent: FooBot\r\r\rDisallow: /\r".into(), "FooBot", "/x", false),
            ("User-Agent: foo\r\nAllow: /some/path\r\nUser-Agent: FooBot\r\n\r\nDisallow: /\r\n".into(), "FooBot", "/x", false),
            // Lines that are not group lines do not end a group (the reported `Sitemap:` case).
            ("User-agent: other\nSitemap: https://x.test/s.xml\nUser-agent: FooBot\nDisallow: /\n".into(), "FooBot", "/page", false),
        ];
        let total = cases.len();
        let failed: Vec<String> = cases
            .into_iter()
            .filter(|(txt, agent, path, allowed)| {
                Robots::parse(txt, agent).allows(path) != *allowed
            })
            .map(|(txt, agent, path, allowed)| {
                format!("{agent} {path} should be allowed={allowed} by {txt:?}")
            })
            .collect();
        assert!(
            failed.is_empty(),
            "{} of {total} disagree:\n{}",
            failed.len(),
            failed.join("\n")
        );
    }

    #[test]
    fn the_first_500_kib_are_read_and_the_rest_ignored() {
        let mut text = "User-agent: *\nDisallow: /early\n".to_string();
        text.push_str(&"# padding\n".repeat(MAX_BYTES / 10));
        text.push_str("Disallow: /late\n");
        let robots = Robots::parse(&text, "centricity");
        assert!(!robots.allows("/early"));
        assert!(robots.allows("/late"));
    }
}
