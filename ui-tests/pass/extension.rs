// Typed members of the token, set in the `jwt` callback's spirit and read back.
use auth_runtime::prelude::*;

#[derive(AuthExtension, Debug, PartialEq)]
struct Claims {
    role: String,
    team: Option<String>,
}

#[auth(providers(credentials))]
pub struct Auth;

fn main() {
    let _auth = Auth::builder_with_env(|key| (key == "AUTH_SECRET").then(|| "s".to_owned()))
        .credentials(|_, _| async { Ok(Some(User::new("1"))) })
        .build()
        .expect("valid configuration");
    let mut token = Jwt::default();
    Claims {
        role: "admin".into(),
        team: None,
    }
    .write_jwt(&mut token);
    assert!(token.get("team").is_none());
    assert_eq!(
        Claims::from_jwt(&token).ok(),
        Some(Claims {
            role: "admin".into(),
            team: None
        })
    );
}
