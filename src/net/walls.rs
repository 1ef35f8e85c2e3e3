//! Bot walls recognised by their content: a challenge page is the same page
//! whether it came over HTTP or was saved to a file by a colleague, and it is
//! reported as `blocked` with its vendor, never read as "no rating".

/// A challenge page: whose, and the trace that gave it away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wall {
    pub vendor: &'static str,
    pub marker: &'static str,
}

impl std::fmt::Display for Wall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a bot-protection page of {} (\"{}\")",
            self.vendor, self.marker
        )
    }
}

/// (vendor, markers in lower case): each marker is specific to challenge pages, not to
/// sites that merely load the vendor's script.
const MARKERS: &[(&str, &[&str])] = &[
    (
        "Cloudflare",
        &[
            "cf-browser-verification",
            "cf_chl_opt",
            "challenges.cloudflare.com/cdn-cgi/challenge-platform",
            "<title>just a moment...</title>",
            "attention required! | cloudflare",
            "cf-error-details",
        ],
    ),
    (
        "AWS WAF",
        &[
            "awswafintegration",
            "aws-waf-token",
            "awswafcookiedomainlist",
        ],
    ),
    (
        "Akamai",
        &[
            "errors.edgesuite.net",
            "ak_bmsc",
            "_abck",
            "sec-if-cpt-container",
        ],
    ),
    ("Imperva", &["_incapsula_resource", "incapsula incident id"]),
    (
        "PerimeterX/HUMAN",
        &["px-captcha", "_pxcaptcha", "please verify you are a human"],
    ),
    (
        "DataDome",
        &["captcha-delivery.com", "geo.captcha-delivery.com"],
    ),
    (
        "a bot-protection service",
        &["pardon our interruption", "verifying your connection"],
    ),
];

/// Challenge pages are small: a full page that mentions a vendor in passing is not a wall.
const MAX_WALL_BYTES: usize = 256 * 1024;

/// The wall `body` is, if it is one.
pub fn recognise(body: &[u8]) -> Option<Wall> {
    if body.len() > MAX_WALL_BYTES {
        return None;
    }
    let text = String::from_utf8_lossy(body).to_ascii_lowercase();
    MARKERS.iter().find_map(|(vendor, markers)| {
        markers
            .iter()
            .find(|m| text.contains(*m))
            .map(|marker| Wall { vendor, marker })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_vendor_is_named_and_ordinary_pages_are_not_walls() {
        for (page, vendor) in [
            (
                "<html><title>Just a moment...</title><script>window._cf_chl_opt={}</script>",
                "Cloudflare",
            ),
            (
                "<script src=\"https://x.token.awswaf.com/challenge.js\"></script><script>AwsWafIntegration.getToken()</script>",
                "AWS WAF",
            ),
            (
                "<H1>Access Denied</H1>Reference&#32;#18&#46;1 https&#58;&#47;&#47;errors&#46;edgesuite&#46;net errors.edgesuite.net",
                "Akamai",
            ),
            (
                "<iframe src=\"/_Incapsula_Resource?SWUDNSAI=31\"></iframe>",
                "Imperva",
            ),
            ("<div id=\"px-captcha\"></div>", "PerimeterX/HUMAN"),
            (
                "<script src=\"https://ct.captcha-delivery.com/c.js\"></script>",
                "DataDome",
            ),
        ] {
            assert_eq!(
                recognise(page.as_bytes()).map(|w| w.vendor),
                Some(vendor),
                "{page}"
            );
        }
        assert!(
            recognise(b"<html><h1>Acme</h1><script src=\"/cdn-cgi/scripts/email.js\"></script>")
                .is_none()
        );
    }
}
