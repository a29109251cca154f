//! The provider catalogue against its fixtures: for every OAuth/OIDC provider of the built-in
//! registry, `tests/fixtures/profiles/<id>.json` holds a realistic profile (shaped like the
//! provider's documented response, with invented values) and the user it must sign in as:
//! `{ "profile": {..}, "user": {"id", "name", "email", "image"} }`.
//!
//! Each profile goes through what a sign-in does with it: it must read as the provider's typed
//! profile (`auth_runtime::profiles`), then the provider the `#[auth]` attribute builds maps it
//! (the registry's `[<id>.user]`), the email is lower-cased and the provider's profile quirks
//! run. A provider without a fixture, a fixture without a provider, a profile that does not read
//! as its type and a mapping that gives another user all fail.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use auth_runtime::callbacks::ProviderProfile;
use auth_runtime::prelude::*;
use auth_runtime::providers::{ISSUER_PLACEHOLDER, TokenSet};
use serde_json::Value;

/// Every OAuth/OIDC id of the registry in one attribute (`catalogue_names_every_registry_id`
/// fails when one is missing here).
#[auth(providers(
    "42-school",
    apple,
    asgardeo,
    atlassian,
    auth0,
    authentik,
    azure_ad,
    azure_ad_b2c,
    battlenet,
    beyondidentity,
    bitbucket,
    box,
    click_up,
    cognito,
    coinbase,
    concept2,
    descope,
    discord,
    dribbble,
    duende_identity_server6,
    eventbrite,
    eveonline,
    facebook,
    faceit,
    figma,
    freshbooks,
    fusionauth,
    github,
    gitlab,
    google,
    huggingface,
    hydra,
    identity_server4,
    kakao,
    keycloak,
    kinde,
    linkedin,
    logto,
    mailchimp,
    mailru,
    mastodon,
    mattermost,
    medium,
    microsoft_entra_id,
    naver,
    netlify,
    okta,
    onelogin,
    osso,
    osu,
    passage,
    patreon,
    ping_id,
    pinterest,
    pipedrive,
    reddit,
    roblox,
    salesforce,
    simplelogin,
    slack,
    spotify,
    strava,
    threads,
    twitch,
    twitter,
    vipps,
    webex,
    wikimedia,
    wordpress,
    workos,
    yandex,
    zitadel,
    zoho,
    zoom,
))]
pub struct Catalogue;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/profiles")
}

/// The registry's OAuth/OIDC ids with whether the issuer comes from the environment.
fn registry_oauth_ids() -> Vec<(&'static str, &'static str, bool)> {
    auth_runtime::registry_support::BUILTIN_PROVIDERS
        .iter()
        .filter(|(_, _, kind, _, _)| matches!(*kind, "oauth" | "oidc"))
        .map(|(id, _, _, env, issuer_required)| (*id, *env, *issuer_required))
        .collect()
}

/// The providers as `Catalogue::builder()` makes them, with a client id for each and an issuer
/// for those that need one.
fn catalogue_providers() -> BTreeMap<String, OAuthProvider> {
    let mut vars: BTreeMap<String, String> = BTreeMap::from([
        (
            "AUTH_SECRET".to_owned(),
            "a-catalogue-test-secret-long-enough".to_owned(),
        ),
        ("AUTH_URL".to_owned(), "https://app.example/auth".to_owned()),
    ]);
    for (id, env, issuer_required) in registry_oauth_ids() {
        vars.insert(format!("AUTH_{env}_ID"), format!("{id}-client"));
        vars.insert(format!("AUTH_{env}_SECRET"), format!("{id}-secret"));
        if issuer_required {
            vars.insert(
                format!("AUTH_{env}_ISSUER"),
                format!("https://{id}.tenant.example"),
            );
        }
    }
    let config = Catalogue::builder_with_env(move |key| vars.get(key).cloned()).into_config();
    config
        .providers
        .into_iter()
        .filter_map(|provider| match provider {
            Provider::OAuth(p) => Some((p.id.clone(), p)),
            _ => None,
        })
        .collect()
}

/// What the sign-in makes of a profile: the callback's own step ([`OAuthProvider::user_of`]).
fn sign_in_user(provider: &OAuthProvider, profile: &Value) -> User {
    provider
        .user_of(profile, &TokenSet::default())
        .expect("the mapping accepts the profile")
}

fn read_fixture(path: &Path) -> (Value, Value) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut fixture: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let profile = fixture["profile"].take();
    let user = fixture["user"].take();
    assert!(
        profile.is_object(),
        "{}: `profile` is an object",
        path.display()
    );
    assert!(user.is_object(), "{}: `user` is an object", path.display());
    (profile, user)
}

fn fixture_ids() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            path.file_stem()
                .and_then(|s| s.to_str())
                .expect("utf-8 name")
                .to_owned()
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn every_oauth_and_oidc_provider_has_a_profile_fixture_and_every_fixture_a_provider() {
    let registry: Vec<&str> = registry_oauth_ids().iter().map(|(id, _, _)| *id).collect();
    let fixtures = fixture_ids();
    let missing: Vec<&&str> = registry
        .iter()
        .filter(|id| !fixtures.iter().any(|f| f == **id))
        .collect();
    assert!(
        missing.is_empty(),
        "providers without a fixture: {missing:?}"
    );
    let stray: Vec<&String> = fixtures
        .iter()
        .filter(|f| !registry.contains(&f.as_str()))
        .collect();
    assert!(
        stray.is_empty(),
        "fixtures of no OAuth/OIDC provider: {stray:?}"
    );
}

#[test]
fn catalogue_names_every_registry_id() {
    let declared: Vec<&str> = Catalogue::PROVIDER_IDS.to_vec();
    for (id, _, _) in registry_oauth_ids() {
        assert!(
            declared.contains(&id),
            "add `{id}` to #[auth(providers(..))] of Catalogue"
        );
    }
}

#[test]
fn every_fixture_profile_reads_as_its_typed_profile() {
    for id in fixture_ids() {
        let (profile, _) = read_fixture(&fixtures_dir().join(format!("{id}.json")));
        let typed = CatalogueProfile::from_profile(&id, profile);
        assert!(
            !matches!(typed, CatalogueProfile::Other(_)),
            "{id}: the fixture's profile does not read as the registry's profile type \
             (a required member missing, or a member of another type)"
        );
    }
}

#[test]
fn every_fixture_profile_maps_to_its_expected_user() {
    let providers = catalogue_providers();
    let mut checked = 0;
    for id in fixture_ids() {
        let (profile, expected) = read_fixture(&fixtures_dir().join(format!("{id}.json")));
        let provider = providers
            .get(&id)
            .unwrap_or_else(|| panic!("{id}: not a provider of Catalogue"));
        let user = sign_in_user(provider, &profile);
        for (field, actual) in [
            ("id", &user.id),
            ("name", &user.name),
            ("email", &user.email),
            ("image", &user.image),
        ] {
            let want = expected.get(field).and_then(Value::as_str);
            assert_eq!(actual.as_deref(), want, "{id}: user.{field}");
        }
        for key in expected.as_object().expect("object").keys() {
            assert!(
                ["id", "name", "email", "image"].contains(&key.as_str()),
                "{id}: the expected user has an unknown field `{key}`"
            );
        }
        checked += 1;
    }
    assert!(
        checked >= registry_oauth_ids().len(),
        "{checked} fixtures checked"
    );
}

#[test]
fn every_provider_url_is_https_and_well_formed() {
    for (id, provider) in catalogue_providers() {
        let urls = [
            ("issuer", &provider.issuer),
            ("authorization", &provider.authorization_url),
            ("token", &provider.token_url),
            ("userinfo", &provider.userinfo_url),
        ];
        let issuer_required = registry_oauth_ids()
            .iter()
            .any(|(p, _, required)| *p == id && *required);
        for (what, written) in urls {
            let Some(written) = written else { continue };
            // An endpoint relative to the instance is checked as the sign-in uses it: with the
            // configured issuer (the test's `https://<id>.tenant.example`) in its place.
            let url = &provider
                .endpoint_url(Some(written))
                .unwrap_or_else(|| panic!("{id}: {what} {written} without its issuer"));
            if written.contains(ISSUER_PLACEHOLDER) {
                assert!(
                    what != "issuer" && issuer_required,
                    "{id}: {what} {written} is relative to an issuer the deployment does not give"
                );
                assert!(
                    !url.contains(ISSUER_PLACEHOLDER) && url.starts_with("https://"),
                    "{id}: {what} {written} became {url}"
                );
            }
            let parsed = url::Url::parse(url).unwrap_or_else(|e| panic!("{id}: {what} {url}: {e}"));
            assert_eq!(parsed.scheme(), "https", "{id}: {what} {url}");
            assert!(
                parsed.host_str().is_some_and(|h| h.contains('.')),
                "{id}: {what} {url} has no host name"
            );
            assert!(!url.contains(char::is_whitespace), "{id}: {what} {url}");
        }
        assert!(
            provider.has_endpoints(),
            "{id}: neither an issuer nor the three endpoints"
        );
    }
}

#[test]
fn a_wrong_expected_user_is_caught() {
    // The harness itself: a fixture whose expected user differs from the mapping must not pass.
    let providers = catalogue_providers();
    let github = &providers["github"];
    let profile = serde_json::json!({"login": "octo", "id": 1, "name": null});
    let user = sign_in_user(github, &profile);
    assert_eq!(user.name.as_deref(), Some("octo"));
    assert_ne!(user.name.as_deref(), Some("wrong"));
    let typed = CatalogueProfile::from_profile("github", serde_json::json!({"id": "not a number"}));
    assert!(matches!(typed, CatalogueProfile::Other(_)));
}

/// The typed profile's `to_user()` (what a `profile` mapping of the app's own can start from)
/// gives the user the sign-in gives, quirks included, for every provider with profile quirks.
#[test]
fn typed_profiles_map_to_the_same_user_as_the_sign_in() {
    use auth_runtime::profiles::*;
    fn same<P: serde::de::DeserializeOwned>(id: &str, to_user: fn(&P) -> User) {
        let providers = catalogue_providers();
        let (profile, _) = read_fixture(&fixtures_dir().join(format!("{id}.json")));
        let typed: P = serde_json::from_value(profile.clone()).expect("typed profile");
        assert_eq!(
            to_user(&typed),
            sign_in_user(&providers[id], &profile),
            "{id}: to_user() and the sign-in disagree"
        );
    }
    same::<DiscordProfile>("discord", DiscordProfile::to_user);
    same::<SpotifyProfile>("spotify", SpotifyProfile::to_user);
    same::<AppleProfile>("apple", AppleProfile::to_user);
    same::<ZoomProfile>("zoom", ZoomProfile::to_user);
    same::<YandexProfile>("yandex", YandexProfile::to_user);
    same::<EVEOnlineProfile>("eveonline", EVEOnlineProfile::to_user);
    same::<EventbriteProfile>("eventbrite", EventbriteProfile::to_user);
    same::<FreshbooksProfile>("freshbooks", FreshbooksProfile::to_user);
    same::<WebexProfile>("webex", WebexProfile::to_user);
    same::<GitHubProfile>("github", GitHubProfile::to_user);
}
