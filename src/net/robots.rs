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
    /// RFC 9309 §2.3.1.4: an unreachable robots.txt (5xx, network) means "disallow everything".
    disallow_all: bool,
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
        }
    }

    /// Parses a robots.txt for the product token `agent` (e.g. `centricity`).
    pub fn parse(text: &str, agent: &str) -> Self {
        let agent = agent.to_ascii_lowercase();
        let mut groups: Vec<Group> = Vec::new();
        let mut in_agents = false;
        for line in text.lines() {
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
                        group.agents.push(value.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    // An empty Disallow allows everything: no rule.
                    if let (Some(group), false) = (groups.last_mut(), value.is_empty()) {
                        group.rules.push((key == "allow", value.to_string()));
                    }
                }
                _ => in_agents = false,
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
            rest = &rest[at + part.len()..];
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
}
