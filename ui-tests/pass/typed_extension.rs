// Fields declared once with where each lives, tied to the app with `extension = ..`; the typed
// session alias, the typed callbacks and the profile enum the attribute generates.
use auth_runtime::axum::{RequireSession, SignInRedirect};
use auth_runtime::callbacks::SignInDecision;
use auth_runtime::prelude::*;

#[derive(AuthExtension, Debug, Clone, PartialEq)]
pub struct Claims {
    #[auth(user, session, default)]
    pub role: String,
    #[auth(session)]
    pub plan: Option<String>,
    #[auth(user)]
    pub tenant: Option<u32>,
    pub signed_in_with: Option<String>,
}

#[auth(providers(github, credentials), session = "jwt", extension = Claims)]
pub struct Auth;

async fn me(session: AuthSession) -> String {
    format!("{} {:?}", session.user.role, session.user.plan)
}

async fn maybe(session: Option<AuthSession>) -> String {
    session.map(|s| s.user.role.clone()).unwrap_or_default()
}

async fn page(RequireSession { session, .. }: RequireSession<SignInRedirect, AuthSession>) -> String {
    session.user.role.clone()
}

fn main() {
    let _auth = Auth::builder_with_env(|key| (key == "AUTH_SECRET").then(|| "s".to_owned()))
        .credentials(|_, _| async { Ok(Some(User::new("1"))) })
        .sign_in(|params| async move {
            let login = match &params.profile {
                Some(AuthProfile::GitHub(profile)) => Some(profile.login.clone()),
                Some(AuthProfile::Other(_)) | None => None,
            };
            Ok(SignInDecision::from(login.as_deref() != Some("blocked")))
        })
        .jwt(|mut params| async move {
            if let Some(account) = &params.account {
                params.token.signed_in_with = Some(account.provider.clone());
            }
            Ok(Some(params.token))
        })
        .session(|params| async move {
            let mut session = params.session;
            if params.fields.role == "admin" {
                session.extra.insert("admin".into(), true.into());
            }
            Ok(session)
        })
        .build()
        .expect("valid configuration");
    let _: axum::Router = axum::Router::new()
        .route("/me", axum::routing::get(me))
        .route("/maybe", axum::routing::get(maybe))
        .route("/page", axum::routing::get(page));
}
