//! Provider marks bundled into the binary: simple monochrome drawings in `currentColor`, so they
//! take the button's text colour (and its contrast). Not the providers' trademark artwork.

/// `(file name, SVG)` of every bundled mark.
const LOGOS: &[(&str, &str)] = &[
    ("apple.svg", include_str!("../../assets/logos/apple.svg")),
    ("auth0.svg", include_str!("../../assets/logos/auth0.svg")),
    (
        "discord.svg",
        include_str!("../../assets/logos/discord.svg"),
    ),
    (
        "facebook.svg",
        include_str!("../../assets/logos/facebook.svg"),
    ),
    ("github.svg", include_str!("../../assets/logos/github.svg")),
    ("gitlab.svg", include_str!("../../assets/logos/gitlab.svg")),
    ("google.svg", include_str!("../../assets/logos/google.svg")),
    (
        "keycloak.svg",
        include_str!("../../assets/logos/keycloak.svg"),
    ),
    (
        "linkedin.svg",
        include_str!("../../assets/logos/linkedin.svg"),
    ),
    (
        "microsoft-entra-id.svg",
        include_str!("../../assets/logos/microsoft-entra-id.svg"),
    ),
    ("okta.svg", include_str!("../../assets/logos/okta.svg")),
    ("slack.svg", include_str!("../../assets/logos/slack.svg")),
    (
        "spotify.svg",
        include_str!("../../assets/logos/spotify.svg"),
    ),
    ("twitch.svg", include_str!("../../assets/logos/twitch.svg")),
    (
        "twitter.svg",
        include_str!("../../assets/logos/twitter.svg"),
    ),
];

/// The bundled mark for a logo file name (`github.svg`) or, failing that, a provider id.
pub(crate) fn bundled(logo: Option<&str>, provider_id: &str) -> Option<&'static str> {
    let by_file = |file: &str| {
        LOGOS
            .iter()
            .find(|(name, _)| *name == file)
            .map(|(_, svg)| *svg)
    };
    logo.and_then(by_file)
        .or_else(|| by_file(&format!("{provider_id}.svg")))
        .map(str::trim_end)
}

/// A mark for a provider without a bundled one: its initial in a circle.
pub(crate) fn initial(name: &str) -> String {
    let letter = name
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="10.5" fill="none" stroke="currentColor" stroke-width="2"/><text x="12" y="16.2" text-anchor="middle" font-family="system-ui,sans-serif" font-size="12" font-weight="700" fill="currentColor">{}</text></svg>"#,
        super::escape(&letter)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_mark_is_a_decorative_svg() {
        for (name, svg) in LOGOS {
            assert!(svg.starts_with("<svg "), "{name}");
            assert!(svg.contains(r#"aria-hidden="true""#), "{name}");
            assert!(!svg.contains("<script"), "{name}");
        }
        assert!(bundled(Some("github.svg"), "x").is_some());
        assert!(bundled(None, "keycloak").is_some());
        assert!(bundled(Some("https://example.com/logo.png"), "unknown").is_none());
        assert!(initial("<b>").contains("B"));
    }
}
