//! Provider marks bundled into the binary: simple monochrome drawings in `currentColor`, so they
//! take the button's text colour (and its contrast). Not the providers' trademark artwork.

/// `(file name, SVG)` of every bundled mark.
const LOGOS: &[(&str, &str)] = &[
    (
        "42-school.svg",
        include_str!("../../assets/logos/42-school.svg"),
    ),
    ("apple.svg", include_str!("../../assets/logos/apple.svg")),
    (
        "asgardeo.svg",
        include_str!("../../assets/logos/asgardeo.svg"),
    ),
    (
        "atlassian.svg",
        include_str!("../../assets/logos/atlassian.svg"),
    ),
    ("auth0.svg", include_str!("../../assets/logos/auth0.svg")),
    (
        "authentik.svg",
        include_str!("../../assets/logos/authentik.svg"),
    ),
    (
        "azure-ad-b2c.svg",
        include_str!("../../assets/logos/azure-ad-b2c.svg"),
    ),
    (
        "azure-ad.svg",
        include_str!("../../assets/logos/azure-ad.svg"),
    ),
    (
        "battlenet.svg",
        include_str!("../../assets/logos/battlenet.svg"),
    ),
    (
        "beyondidentity.svg",
        include_str!("../../assets/logos/beyondidentity.svg"),
    ),
    (
        "bitbucket.svg",
        include_str!("../../assets/logos/bitbucket.svg"),
    ),
    ("box.svg", include_str!("../../assets/logos/box.svg")),
    (
        "click-up.svg",
        include_str!("../../assets/logos/click-up.svg"),
    ),
    (
        "cognito.svg",
        include_str!("../../assets/logos/cognito.svg"),
    ),
    (
        "coinbase.svg",
        include_str!("../../assets/logos/coinbase.svg"),
    ),
    (
        "concept2.svg",
        include_str!("../../assets/logos/concept2.svg"),
    ),
    (
        "descope.svg",
        include_str!("../../assets/logos/descope.svg"),
    ),
    (
        "discord.svg",
        include_str!("../../assets/logos/discord.svg"),
    ),
    (
        "dribbble.svg",
        include_str!("../../assets/logos/dribbble.svg"),
    ),
    (
        "duende-identity-server6.svg",
        include_str!("../../assets/logos/duende-identity-server6.svg"),
    ),
    (
        "eventbrite.svg",
        include_str!("../../assets/logos/eventbrite.svg"),
    ),
    (
        "eveonline.svg",
        include_str!("../../assets/logos/eveonline.svg"),
    ),
    (
        "facebook.svg",
        include_str!("../../assets/logos/facebook.svg"),
    ),
    ("faceit.svg", include_str!("../../assets/logos/faceit.svg")),
    ("figma.svg", include_str!("../../assets/logos/figma.svg")),
    (
        "freshbooks.svg",
        include_str!("../../assets/logos/freshbooks.svg"),
    ),
    (
        "fusionauth.svg",
        include_str!("../../assets/logos/fusionauth.svg"),
    ),
    ("github.svg", include_str!("../../assets/logos/github.svg")),
    ("gitlab.svg", include_str!("../../assets/logos/gitlab.svg")),
    ("google.svg", include_str!("../../assets/logos/google.svg")),
    (
        "huggingface.svg",
        include_str!("../../assets/logos/huggingface.svg"),
    ),
    ("hydra.svg", include_str!("../../assets/logos/hydra.svg")),
    (
        "identity-server4.svg",
        include_str!("../../assets/logos/identity-server4.svg"),
    ),
    ("kakao.svg", include_str!("../../assets/logos/kakao.svg")),
    (
        "keycloak.svg",
        include_str!("../../assets/logos/keycloak.svg"),
    ),
    ("kinde.svg", include_str!("../../assets/logos/kinde.svg")),
    (
        "linkedin.svg",
        include_str!("../../assets/logos/linkedin.svg"),
    ),
    ("logto.svg", include_str!("../../assets/logos/logto.svg")),
    (
        "mailchimp.svg",
        include_str!("../../assets/logos/mailchimp.svg"),
    ),
    ("mailru.svg", include_str!("../../assets/logos/mailru.svg")),
    (
        "mastodon.svg",
        include_str!("../../assets/logos/mastodon.svg"),
    ),
    (
        "mattermost.svg",
        include_str!("../../assets/logos/mattermost.svg"),
    ),
    ("medium.svg", include_str!("../../assets/logos/medium.svg")),
    (
        "microsoft-entra-id.svg",
        include_str!("../../assets/logos/microsoft-entra-id.svg"),
    ),
    ("naver.svg", include_str!("../../assets/logos/naver.svg")),
    (
        "netlify.svg",
        include_str!("../../assets/logos/netlify.svg"),
    ),
    ("okta.svg", include_str!("../../assets/logos/okta.svg")),
    (
        "onelogin.svg",
        include_str!("../../assets/logos/onelogin.svg"),
    ),
    ("osso.svg", include_str!("../../assets/logos/osso.svg")),
    ("osu.svg", include_str!("../../assets/logos/osu.svg")),
    (
        "passage.svg",
        include_str!("../../assets/logos/passage.svg"),
    ),
    (
        "patreon.svg",
        include_str!("../../assets/logos/patreon.svg"),
    ),
    (
        "ping-id.svg",
        include_str!("../../assets/logos/ping-id.svg"),
    ),
    (
        "pinterest.svg",
        include_str!("../../assets/logos/pinterest.svg"),
    ),
    (
        "pipedrive.svg",
        include_str!("../../assets/logos/pipedrive.svg"),
    ),
    ("reddit.svg", include_str!("../../assets/logos/reddit.svg")),
    ("roblox.svg", include_str!("../../assets/logos/roblox.svg")),
    (
        "salesforce.svg",
        include_str!("../../assets/logos/salesforce.svg"),
    ),
    (
        "simplelogin.svg",
        include_str!("../../assets/logos/simplelogin.svg"),
    ),
    ("slack.svg", include_str!("../../assets/logos/slack.svg")),
    (
        "spotify.svg",
        include_str!("../../assets/logos/spotify.svg"),
    ),
    ("strava.svg", include_str!("../../assets/logos/strava.svg")),
    (
        "threads.svg",
        include_str!("../../assets/logos/threads.svg"),
    ),
    ("twitch.svg", include_str!("../../assets/logos/twitch.svg")),
    (
        "twitter.svg",
        include_str!("../../assets/logos/twitter.svg"),
    ),
    ("vipps.svg", include_str!("../../assets/logos/vipps.svg")),
    ("webex.svg", include_str!("../../assets/logos/webex.svg")),
    (
        "wikimedia.svg",
        include_str!("../../assets/logos/wikimedia.svg"),
    ),
    (
        "wordpress.svg",
        include_str!("../../assets/logos/wordpress.svg"),
    ),
    ("workos.svg", include_str!("../../assets/logos/workos.svg")),
    ("yandex.svg", include_str!("../../assets/logos/yandex.svg")),
    (
        "zitadel.svg",
        include_str!("../../assets/logos/zitadel.svg"),
    ),
    ("zoho.svg", include_str!("../../assets/logos/zoho.svg")),
    ("zoom.svg", include_str!("../../assets/logos/zoom.svg")),
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

    #[test]
    fn every_file_of_the_logo_directory_is_bundled_and_nothing_else() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/logos");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("assets/logos")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|name| name.ends_with(".svg"))
            .collect();
        files.sort();
        let mut listed: Vec<String> = LOGOS.iter().map(|(name, _)| (*name).to_owned()).collect();
        listed.sort();
        assert_eq!(
            listed, files,
            "LOGOS and assets/logos differ: add the file to LOGOS"
        );
        for (name, svg) in LOGOS {
            let on_disk = std::fs::read_to_string(dir.join(name)).expect("logo file");
            assert_eq!(*svg, on_disk, "{name}: LOGOS includes another file");
        }
    }

    #[test]
    fn every_oauth_and_oidc_provider_of_the_registry_has_a_bundled_mark() {
        let missing: Vec<&str> = crate::registry_support::BUILTIN_PROVIDERS
            .iter()
            .filter(|(_, _, kind, _, _)| matches!(*kind, "oauth" | "oidc"))
            .map(|(id, ..)| *id)
            .filter(|id| bundled(None, id).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "no assets/logos/<id>.svg in LOGOS for {missing:?}"
        );
    }
}
