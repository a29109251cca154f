//! Named provider behaviours that the registry's data cannot say (`quirks = [...]` in
//! `providers.toml`), as hooks the OAuth flow calls at fixed steps. A quirk runs only for the
//! providers that name it.
//!
//! | quirk | step | what it does |
//! |---|---|---|
//! | `github-emails` | userinfo | no public email: the primary address from `/user/emails` |
//! | `apple-form-post-user` | callback, profile | the `user` field Apple posts (name on first sign-in) joins the profile and names the user |
//! | `apple-no-userinfo` | — | nothing to do: the profile comes from the ID token |
//! | `entra-tenant-issuer` | discovery, ID token | `{tenantid}` issuers resolved from the token's `tid` |
//! | `discord-avatar` | profile | the avatar URL from the id and hash |
//! | `spotify-first-image` | profile | the first of the profile's images |
//! | `twitch-token-conform` | token | a `scope` array becomes RFC 6749's string |
//! | `entra-graph-photo` | — | not implemented: Entra users have no image |
//! | `name-from-parts` | profile | no mapped name: the name parts joined (first, middle, last) |
//! | `email-from-emails` | profile | no mapped email: the first address of `emails` |
//! | `yandex-avatar` | profile | the avatar URL from `default_avatar_id` |
//! | `eveonline-portrait` | profile | the character portrait URL from `CharacterID` |
//! | `eventbrite-email-image` | profile | the primary address of `emails`, the image URL from `image_id` |
//! | `freshbooks-name` | profile | the name parts of `response` joined |

use serde_json::{Map, Value};

use crate::error::{AuthError, Endpoint};
use crate::http_client::HttpClient;
use crate::providers::OAuthProvider;
use crate::types::User;

/// A named quirk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Quirk {
    /// `github-emails`
    GithubEmails,
    /// `apple-form-post-user`
    AppleFormPostUser,
    /// `apple-no-userinfo`
    AppleNoUserinfo,
    /// `entra-tenant-issuer`
    EntraTenantIssuer,
    /// `entra-graph-photo`
    EntraGraphPhoto,
    /// `discord-avatar`
    DiscordAvatar,
    /// `spotify-first-image`
    SpotifyFirstImage,
    /// `twitch-token-conform`
    TwitchTokenConform,
    /// `name-from-parts`
    NameFromParts,
    /// `email-from-emails`
    EmailFromEmails,
    /// `yandex-avatar`
    YandexAvatar,
    /// `eveonline-portrait`
    EveOnlinePortrait,
    /// `eventbrite-email-image`
    EventbriteEmailImage,
    /// `freshbooks-name`
    FreshbooksName,
}

impl Quirk {
    /// Every quirk.
    pub const ALL: &'static [Quirk] = &[
        Self::GithubEmails,
        Self::AppleFormPostUser,
        Self::AppleNoUserinfo,
        Self::EntraTenantIssuer,
        Self::EntraGraphPhoto,
        Self::DiscordAvatar,
        Self::SpotifyFirstImage,
        Self::TwitchTokenConform,
        Self::NameFromParts,
        Self::EmailFromEmails,
        Self::YandexAvatar,
        Self::EveOnlinePortrait,
        Self::EventbriteEmailImage,
        Self::FreshbooksName,
    ];

    /// The name the registry uses (the shared vocabulary's, which the macro checks registry
    /// files against).
    pub fn name(self) -> &'static str {
        use auth_vocabulary::QUIRKS;
        match self {
            Self::GithubEmails => QUIRKS[0],
            Self::AppleFormPostUser => QUIRKS[1],
            Self::AppleNoUserinfo => QUIRKS[2],
            Self::EntraTenantIssuer => QUIRKS[3],
            Self::EntraGraphPhoto => QUIRKS[4],
            Self::DiscordAvatar => QUIRKS[5],
            Self::SpotifyFirstImage => QUIRKS[6],
            Self::TwitchTokenConform => QUIRKS[7],
            Self::NameFromParts => QUIRKS[8],
            Self::EmailFromEmails => QUIRKS[9],
            Self::YandexAvatar => QUIRKS[10],
            Self::EveOnlinePortrait => QUIRKS[11],
            Self::EventbriteEmailImage => QUIRKS[12],
            Self::FreshbooksName => QUIRKS[13],
        }
    }

    /// The quirk with this name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|q| q.name() == name)
    }

    /// Whether `provider` names this quirk.
    pub fn applies_to(self, provider: &OAuthProvider) -> bool {
        provider.has_quirk(self.name())
    }
}

/// Profile hooks: fills in profile-derived fields the registry's mapping could not express. They
/// are part of the provider's own mapping (Auth.js's `profile()` of the provider): the registry's
/// mapping and the default one run them, and a mapping of the app's own replaces them, as a
/// custom `profile` replaces the provider's in Auth.js.
pub fn apply_profile_quirks(provider: &OAuthProvider, profile: &Value, user: &mut User) {
    profile_quirks(&|quirk| quirk.applies_to(provider), profile, user);
}

/// [`apply_profile_quirks`] for the quirks named in `names` (a registry entry's `quirks`).
pub fn apply_named_profile_quirks(names: &[&str], profile: &Value, user: &mut User) {
    profile_quirks(&|quirk| names.contains(&quirk.name()), profile, user);
}

fn profile_quirks(applies: &dyn Fn(Quirk) -> bool, profile: &Value, user: &mut User) {
    if applies(Quirk::AppleFormPostUser)
        && let Some(name) = profile.pointer("/user/name").and_then(apple_full_name)
    {
        user.name = Some(name);
    }
    if applies(Quirk::DiscordAvatar) {
        user.image = discord_avatar(profile);
    }
    if applies(Quirk::SpotifyFirstImage) {
        user.image = profile
            .pointer("/images/0/url")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or(user.image.take());
    }
    if applies(Quirk::NameFromParts) && user.name.is_none() {
        user.name = name_from_parts(profile);
    }
    if applies(Quirk::EmailFromEmails) && user.email.is_none() {
        user.email = profile
            .pointer("/emails/0")
            .and_then(Value::as_str)
            .map(str::to_lowercase);
    }
    if applies(Quirk::YandexAvatar) {
        user.image = yandex_avatar(profile);
    }
    if applies(Quirk::EveOnlinePortrait) {
        user.image = profile
            .get("CharacterID")
            .filter(|id| id.is_number() || id.is_string())
            .map(|id| {
                let id = id.as_str().map_or_else(|| id.to_string(), str::to_owned);
                format!("https://image.eveonline.com/Character/{id}_128.jpg")
            });
    }
    if applies(Quirk::FreshbooksName) {
        user.name = profile.get("response").and_then(name_from_parts);
    }
    if applies(Quirk::EventbriteEmailImage) {
        user.email = profile
            .get("emails")
            .and_then(Value::as_array)
            .and_then(|emails| {
                emails
                    .iter()
                    .find(|e| e.get("primary").and_then(Value::as_bool) == Some(true))
            })
            .and_then(|e| e.get("email"))
            .and_then(Value::as_str)
            .map(str::to_lowercase);
        user.image = profile
            .get("image_id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .map(|id| {
                format!(
                    "https://img.evbuc.com/https%3A%2F%2Fcdn.evbuc.com%2Fimages%2F{id}%2F1%2Foriginal.jpg"
                )
            });
    }
}

/// The members `name-from-parts` (top level) and `freshbooks-name` (in `response`) join, in this order: each provider names its parts one of
/// these ways (`given_name`/`middle_name`/`family_name`, `first_name`/`last_name`,
/// `firstname`/`lastname`, `First_Name`/`Last_Name`).
const NAME_PARTS: [&str; 9] = [
    "given_name",
    "first_name",
    "firstname",
    "First_Name",
    "middle_name",
    "family_name",
    "last_name",
    "lastname",
    "Last_Name",
];

/// `name-from-parts`: the non-empty name parts of the profile joined by a space; `None` when it
/// has none.
fn name_from_parts(profile: &Value) -> Option<String> {
    let parts: Vec<&str> = NAME_PARTS
        .iter()
        .filter_map(|key| profile.get(key).and_then(Value::as_str))
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// `yandex-avatar`: the 200-pixel avatar of `default_avatar_id`, unless `is_avatar_empty`.
fn yandex_avatar(profile: &Value) -> Option<String> {
    if profile.get("is_avatar_empty").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let id = profile
        .get("default_avatar_id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())?;
    Some(format!(
        "https://avatars.yandex.net/get-yapic/{id}/islands-200"
    ))
}

/// `github-emails`: when the profile has no public email, the primary address of
/// `<userinfo>/emails` if it is verified, else the first verified one; an unverified address is
/// never taken. The profile then says `email_verified: true`, as it does for a public email:
/// GitHub lets only verified addresses be public.
pub(crate) async fn github_primary_email(
    client: &dyn HttpClient,
    userinfo_url: &str,
    access_token: &str,
    profile: &mut Value,
) -> Result<(), AuthError> {
    if profile.get("email").is_some_and(|e| !e.is_null()) {
        if let Some(obj) = profile.as_object_mut() {
            obj.entry("email_verified").or_insert(Value::Bool(true));
        }
        return Ok(());
    }
    let emails = crate::providers::oidc::get_json(
        client,
        &format!("{userinfo_url}/emails"),
        Some(access_token),
        Endpoint::Emails,
    )
    .await?;
    if let Some(list) = emails.as_array() {
        let flag = |e: &Value, key: &str| e.get(key).and_then(Value::as_bool) == Some(true);
        let mut verified = list.iter().filter(|e| flag(e, "verified"));
        let chosen = verified
            .clone()
            .find(|e| flag(e, "primary"))
            .or_else(|| verified.next());
        if let (Some(email), Some(obj)) = (
            chosen.and_then(|e| e.get("email")).cloned(),
            profile.as_object_mut(),
        ) {
            obj.insert("email".into(), email);
            obj.insert("email_verified".into(), Value::Bool(true));
        }
    }
    Ok(())
}

/// `apple-form-post-user`: the `user` JSON Apple posts with the callback (the name, on the first
/// sign-in only) joins the profile.
pub(crate) fn apple_form_post_user(body: &Map<String, Value>, profile: &mut Value) {
    if let Some(user) = body.get("user").and_then(Value::as_str)
        && let Ok(parsed) = serde_json::from_str::<Value>(user)
        && let Some(obj) = profile.as_object_mut()
    {
        obj.insert("user".into(), parsed);
    }
}

/// `apple-form-post-user`: the name Apple posts on the first sign-in, `"<firstName> <lastName>"`
/// (a missing part is left out; no part at all keeps the mapped name, the email).
fn apple_full_name(name: &Value) -> Option<String> {
    let parts: Vec<&str> = ["firstName", "lastName"]
        .iter()
        .filter_map(|key| name.get(key).and_then(Value::as_str))
        .filter(|part| !part.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// Discord's avatar URL: the user's own avatar (animated ones as GIF), else one of the default
/// avatars chosen from the id (new usernames) or the discriminator (legacy ones).
pub fn discord_avatar(profile: &Value) -> Option<String> {
    let id = profile.get("id").and_then(Value::as_str)?;
    match profile.get("avatar").and_then(Value::as_str) {
        Some(hash) => {
            let ext = if hash.starts_with("a_") { "gif" } else { "png" };
            Some(format!(
                "https://cdn.discordapp.com/avatars/{id}/{hash}.{ext}"
            ))
        }
        None => {
            let discriminator = profile
                .get("discriminator")
                .and_then(Value::as_str)
                .unwrap_or("0");
            let index = if discriminator == "0" {
                id.parse::<u64>().ok()? >> 22
            } else {
                discriminator.parse::<u64>().ok()? % 5
            } % 6;
            Some(format!(
                "https://cdn.discordapp.com/embed/avatars/{index}.png"
            ))
        }
    }
}

/// `twitch-token-conform`: rewrites a non-standard token response body into RFC 6749 shape: a `scope` sent as a JSON
/// array (Twitch) becomes a space-separated string. Other bodies are returned unchanged.
pub fn conform_token_response(body: &[u8]) -> Option<Vec<u8>> {
    let mut value: Value = serde_json::from_slice(body).ok()?;
    let scopes = value.get("scope")?.as_array()?;
    let joined = scopes
        .iter()
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    value
        .as_object_mut()?
        .insert("scope".into(), Value::String(joined));
    serde_json::to_vec(&value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn discord_avatars_follow_discords_rules() {
        assert_eq!(
            discord_avatar(
                &json!({"id": "80351110224678912", "avatar": "a_1269e74af4df7417b13759eae50c83dc"})
            )
            .as_deref(),
            Some(
                "https://cdn.discordapp.com/avatars/80351110224678912/a_1269e74af4df7417b13759eae50c83dc.gif"
            )
        );
        assert_eq!(
            discord_avatar(
                &json!({"id": "80351110224678912", "avatar": "8342729096ea3675442027381ff50dfe"})
            )
            .as_deref(),
            Some(
                "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png"
            )
        );
        // New usernames: (id >> 22) % 6.
        let id: u64 = 80351110224678912;
        assert_eq!(
            discord_avatar(&json!({"id": id.to_string(), "avatar": null, "discriminator": "0"})),
            Some(format!(
                "https://cdn.discordapp.com/embed/avatars/{}.png",
                (id >> 22) % 6
            ))
        );
        // Legacy discriminators: discriminator % 5.
        assert_eq!(
            discord_avatar(&json!({"id": "1", "avatar": null, "discriminator": "1337"})).as_deref(),
            Some("https://cdn.discordapp.com/embed/avatars/2.png")
        );
    }

    fn provider(quirks: &[&str]) -> OAuthProvider {
        let mut p = OAuthProvider::new("p", "P", crate::providers::ProviderKind::OAuth);
        p.quirks = quirks.iter().map(|q| (*q).to_owned()).collect();
        p
    }

    #[test]
    fn spotify_takes_the_first_image_and_only_for_the_provider_that_names_it() {
        let profile =
            json!({"images": [{"url": "https://i.example/1"}, {"url": "https://i.example/2"}]});
        let mut user = User::default();
        apply_profile_quirks(&provider(&["spotify-first-image"]), &profile, &mut user);
        assert_eq!(user.image.as_deref(), Some("https://i.example/1"));
        let mut user = User::default();
        apply_profile_quirks(&provider(&[]), &profile, &mut user);
        assert_eq!(user.image, None);
    }

    #[test]
    fn name_from_parts_joins_the_parts_only_when_the_mapping_found_no_name() {
        let quirk = provider(&["name-from-parts"]);
        let mut user = User::default();
        let zoom = json!({"first_name": "Ada", "last_name": "Lovelace"});
        apply_profile_quirks(&quirk, &zoom, &mut user);
        assert_eq!(user.name.as_deref(), Some("Ada Lovelace"));
        let mut user = User::default();
        let fusion = json!({"given_name": "Ada", "middle_name": "", "family_name": "King"});
        apply_profile_quirks(&quirk, &fusion, &mut user);
        assert_eq!(user.name.as_deref(), Some("Ada King"));
        let mut user = User::default();
        apply_profile_quirks(&quirk, &json!({"Last_Name": "Byron"}), &mut user);
        assert_eq!(user.name.as_deref(), Some("Byron"));
        let mut user = User::default();
        apply_profile_quirks(&quirk, &json!({"username": "ada"}), &mut user);
        assert_eq!(user.name, None, "no parts, no name");
        let mut user = User {
            name: Some("Mapped".into()),
            ..User::default()
        };
        apply_profile_quirks(&quirk, &zoom, &mut user);
        assert_eq!(user.name.as_deref(), Some("Mapped"), "a mapped name stays");
        let mut user = User::default();
        apply_profile_quirks(&provider(&[]), &zoom, &mut user);
        assert_eq!(user.name, None, "only for the providers that name it");
    }

    #[test]
    fn email_from_emails_takes_the_first_address_lower_cased_when_none_was_mapped() {
        let quirk = provider(&["email-from-emails"]);
        let profile = json!({"emails": ["First@Example.COM", "second@example.com"]});
        let mut user = User::default();
        apply_profile_quirks(&quirk, &profile, &mut user);
        assert_eq!(user.email.as_deref(), Some("first@example.com"));
        let mut user = User {
            email: Some("default@example.com".into()),
            ..User::default()
        };
        apply_profile_quirks(&quirk, &profile, &mut user);
        assert_eq!(user.email.as_deref(), Some("default@example.com"));
        let mut user = User::default();
        apply_profile_quirks(&quirk, &json!({"emails": []}), &mut user);
        assert_eq!(user.email, None);
    }

    #[test]
    fn yandex_eve_and_eventbrite_images_are_built_from_their_ids() {
        let mut user = User::default();
        let yandex = json!({"default_avatar_id": "131652443", "is_avatar_empty": false});
        apply_profile_quirks(&provider(&["yandex-avatar"]), &yandex, &mut user);
        assert_eq!(
            user.image.as_deref(),
            Some("https://avatars.yandex.net/get-yapic/131652443/islands-200")
        );
        let empty = json!({"default_avatar_id": "0/0-0", "is_avatar_empty": true});
        apply_profile_quirks(&provider(&["yandex-avatar"]), &empty, &mut user);
        assert_eq!(user.image, None);

        let mut user = User::default();
        let eve = json!({"CharacterID": 95465499, "CharacterName": "CCP Bartender"});
        apply_profile_quirks(&provider(&["eveonline-portrait"]), &eve, &mut user);
        assert_eq!(
            user.image.as_deref(),
            Some("https://image.eveonline.com/Character/95465499_128.jpg")
        );

        let mut user = User::default();
        let eventbrite = json!({
            "emails": [
                {"email": "old@example.com", "verified": true, "primary": false},
                {"email": "Main@Example.com", "verified": true, "primary": true}
            ],
            "image_id": "1234"
        });
        apply_profile_quirks(
            &provider(&["eventbrite-email-image"]),
            &eventbrite,
            &mut user,
        );
        assert_eq!(user.email.as_deref(), Some("main@example.com"));
        assert_eq!(
            user.image.as_deref(),
            Some(
                "https://img.evbuc.com/https%3A%2F%2Fcdn.evbuc.com%2Fimages%2F1234%2F1%2Foriginal.jpg"
            )
        );
        let no_primary =
            json!({"emails": [{"email": "a@example.com", "primary": false}], "image_id": null});
        apply_profile_quirks(
            &provider(&["eventbrite-email-image"]),
            &no_primary,
            &mut user,
        );
        assert_eq!((user.email, user.image), (None, None));
    }

    #[test]
    fn freshbooks_name_joins_the_parts_of_the_response() {
        let quirk = provider(&["freshbooks-name"]);
        let mut user = User::default();
        let profile = json!({"response": {"id": 7, "first_name": "Ada", "last_name": "Lovelace"}});
        apply_profile_quirks(&quirk, &profile, &mut user);
        assert_eq!(user.name.as_deref(), Some("Ada Lovelace"));
        apply_profile_quirks(&quirk, &json!({"first_name": "Top"}), &mut user);
        assert_eq!(user.name, None, "only the parts under `response`");
    }

    #[test]
    fn apple_name_comes_from_the_posted_user() {
        let apple = provider(&["apple-form-post-user"]);
        let mut user = User {
            name: Some("a@privaterelay.example".into()),
            ..User::default()
        };
        let profile = json!({"user": {"name": {"firstName": "Ada", "lastName": "Lovelace"}}});
        apply_profile_quirks(&apple, &profile, &mut user);
        assert_eq!(user.name.as_deref(), Some("Ada Lovelace"));
        let mut user = User {
            name: Some("a@privaterelay.example".into()),
            ..User::default()
        };
        apply_profile_quirks(&apple, &json!({"sub": "1"}), &mut user);
        assert_eq!(user.name.as_deref(), Some("a@privaterelay.example"));
    }

    #[test]
    fn quirk_names_round_trip_and_the_registry_names_only_known_ones() {
        for quirk in Quirk::ALL {
            assert_eq!(Quirk::from_name(quirk.name()), Some(*quirk));
        }
        assert_eq!(Quirk::from_name("nope"), None);
        // Every name of the shared vocabulary has its hook, and no hook is unnamed there.
        let names: Vec<&str> = Quirk::ALL.iter().map(|q| q.name()).collect();
        assert_eq!(names, auth_vocabulary::QUIRKS);
        let registry = include_str!("../../../providers.toml");
        let mut named = 0;
        for line in registry.lines().filter(|l| l.starts_with("quirks = [")) {
            for name in line
                .trim_start_matches("quirks = [")
                .trim_end_matches(']')
                .split(',')
                .map(|n| n.trim().trim_matches('"'))
                .filter(|n| !n.is_empty())
            {
                assert!(Quirk::from_name(name).is_some(), "unknown quirk {name}");
                named += 1;
            }
        }
        assert!(named >= 8, "the registry's quirks were read ({named})");
    }

    #[test]
    fn apple_posts_the_user_on_the_first_sign_in() {
        let mut profile = json!({"sub": "a"});
        let mut body = Map::new();
        body.insert("user".into(), json!(r#"{"name":{"firstName":"Ada"}}"#));
        apple_form_post_user(&body, &mut profile);
        assert_eq!(profile["user"]["name"]["firstName"], "Ada");
        let mut untouched = json!({"sub": "a"});
        body.insert("user".into(), json!("not json"));
        apple_form_post_user(&body, &mut untouched);
        assert_eq!(untouched, json!({"sub": "a"}));
    }

    #[test]
    fn twitch_scope_arrays_become_strings() {
        let body =
            br#"{"access_token":"a","token_type":"bearer","scope":["openid","user:read:email"]}"#;
        let fixed: Value = serde_json::from_slice(&conform_token_response(body).unwrap()).unwrap();
        assert_eq!(fixed["scope"], "openid user:read:email");
        assert!(conform_token_response(br#"{"scope":"a b"}"#).is_none());
        assert!(conform_token_response(b"not json").is_none());
    }
}
