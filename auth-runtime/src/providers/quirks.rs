//! Named provider behaviours that the registry's data cannot say (`quirks = [...]` in
//! `providers.toml`). Each is a small pure function over the profile or the token response.
//!
//! Implemented: `github-emails` and `apple-form-post-user` (in the callback flow),
//! `entra-tenant-issuer` (ID token validation), `discord-avatar`, `spotify-first-image` and
//! `twitch-token-conform` (here). `apple-no-userinfo` needs nothing: the profile comes from the ID
//! token. Not implemented: `entra-graph-photo` (a Graph API call for the avatar), so Entra users
//! have no image.

use serde_json::Value;

use crate::types::User;

/// Fills in profile-derived fields the mapping could not express.
pub fn apply_profile_quirks(quirks: &[String], profile: &Value, user: &mut User) {
    for quirk in quirks {
        match quirk.as_str() {
            "discord-avatar" => user.image = discord_avatar(profile),
            "spotify-first-image" => {
                user.image = profile
                    .pointer("/images/0/url")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or(user.image.take());
            }
            _ => {}
        }
    }
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

/// Rewrites a non-standard token response body into RFC 6749 shape: a `scope` sent as a JSON
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

    #[test]
    fn spotify_takes_the_first_image() {
        let mut user = User::default();
        apply_profile_quirks(
            &["spotify-first-image".into()],
            &json!({"images": [{"url": "https://i.example/1"}, {"url": "https://i.example/2"}]}),
            &mut user,
        );
        assert_eq!(user.image.as_deref(), Some("https://i.example/1"));
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
