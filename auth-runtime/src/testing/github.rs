//! GitHub, as its OAuth app endpoints answer: `github.com/login/oauth/authorize` and
//! `access_token`, `api.github.com/user` and `/user/emails`. An app's own `providers(github)`
//! signs in against it unchanged, once the configuration's HTTP client is this mock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::callbacks::BoxFuture;
use crate::http_client::{HttpClient, HttpError, HttpRequest, HttpResponse};

const AUTHORIZE: &str = "https://github.com/login/oauth/authorize";
const ACCESS_TOKEN: &str = "https://github.com/login/oauth/access_token";
const USER: &str = "https://api.github.com/user";
const EMAILS: &str = "https://api.github.com/user/emails";

/// The GitHub user the next authorization signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubUser {
    /// The numeric account id (the provider account id).
    pub id: i64,
    /// The login.
    pub login: String,
    /// The display name.
    pub name: Option<String>,
    /// The public email; `None` makes the engine read the primary verified one from
    /// `/user/emails`, as for a GitHub user who keeps the address private.
    pub public_email: Option<String>,
    /// The addresses `/user/emails` lists: `(address, primary, verified)`.
    pub emails: Vec<(String, bool, bool)>,
}

impl GithubUser {
    /// A user with a public, verified address `<login>@example.com`.
    pub fn new(id: i64, login: &str) -> Self {
        let email = format!("{login}@example.com");
        Self {
            id,
            login: login.to_owned(),
            name: Some(format!("User {login}")),
            public_email: Some(email.clone()),
            emails: vec![(email, true, true)],
        }
    }
}

struct Grant {
    redirect_uri: String,
    code_challenge: Option<String>,
}

struct State {
    user: GithubUser,
    grants: HashMap<String, Grant>,
    issued: usize,
    requests: Vec<String>,
}

/// The mock. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct MockGithub {
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for MockGithub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockGithub").finish_non_exhaustive()
    }
}

impl Default for MockGithub {
    fn default() -> Self {
        Self::new()
    }
}

fn query_of(url: &url::Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

impl MockGithub {
    /// GitHub with one user, `octocat` (id 1).
    pub fn new() -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                user: GithubUser::new(1, "octocat"),
                grants: HashMap::new(),
                issued: 0,
                requests: Vec::new(),
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The user the next authorization signs in.
    pub fn sign_in_as(&self, user: GithubUser) {
        self.lock().user = user;
    }

    /// `METHOD url` of every request the engine made to GitHub, in order.
    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    /// The browser at GitHub's authorization page, the user approving: the callback URL GitHub
    /// redirects to. Panics when `url` is not GitHub's authorization endpoint.
    pub fn authorize(&self, url: &str) -> String {
        let parsed = url::Url::parse(url).expect("an authorization URL");
        assert_eq!(
            format!("{}{}", parsed.origin().ascii_serialization(), parsed.path()),
            AUTHORIZE,
            "not GitHub's authorization endpoint: {url}"
        );
        let query = query_of(&parsed);
        let redirect_uri = query
            .get("redirect_uri")
            .cloned()
            .expect("redirect_uri in the authorization request");
        let mut back = url::Url::parse(&redirect_uri).expect("redirect_uri is a URL");
        let mut state = self.lock();
        state.issued += 1;
        let code = format!("gh-code-{}", state.issued);
        state.grants.insert(
            code.clone(),
            Grant {
                redirect_uri,
                code_challenge: query.get("code_challenge").cloned(),
            },
        );
        {
            let mut pairs = back.query_pairs_mut();
            pairs.append_pair("code", &code);
            if let Some(s) = query.get("state") {
                pairs.append_pair("state", s);
            }
        }
        back.to_string()
    }

    fn access_token(&self, request: &HttpRequest) -> (u16, Value) {
        let form: HashMap<String, String> = form_urlencoded::parse(request.body())
            .into_owned()
            .collect();
        let mut state = self.lock();
        let refused = |what: &str| {
            (
                200,
                json!({"error": "bad_verification_code", "error_description": what}),
            )
        };
        let Some(grant) = form.get("code").and_then(|c| state.grants.remove(c)) else {
            return refused("The code passed is incorrect or expired.");
        };
        if form.get("redirect_uri") != Some(&grant.redirect_uri) {
            return refused("The redirect_uri MUST match the registered callback URL.");
        }
        if let Some(challenge) = grant.code_challenge {
            let verifier = form.get("code_verifier").cloned().unwrap_or_default();
            if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != challenge {
                return refused("The code_verifier does not match the code_challenge.");
            }
        }
        let token = format!("gho_{}_{}", state.user.id, state.issued);
        (
            200,
            json!({"access_token": token, "token_type": "bearer", "scope": "read:user,user:email"}),
        )
    }

    fn api(&self, request: &HttpRequest, path: &str) -> (u16, Value) {
        let state = self.lock();
        let user = &state.user;
        let authorised = request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains(&format!("gho_{}_", user.id)));
        if !authorised {
            return (401, json!({"message": "Bad credentials"}));
        }
        if path == EMAILS {
            let list: Vec<Value> = user
                .emails
                .iter()
                .map(|(email, primary, verified)| {
                    json!({"email": email, "primary": primary, "verified": verified, "visibility": null})
                })
                .collect();
            return (200, Value::Array(list));
        }
        (
            200,
            json!({
                "login": user.login,
                "id": user.id,
                "node_id": format!("MDQ6VXNlcj{}", user.id),
                "avatar_url": format!("https://avatars.githubusercontent.com/u/{}?v=4", user.id),
                "html_url": format!("https://github.com/{}", user.login),
                "type": "User",
                "site_admin": false,
                "name": user.name,
                "email": user.public_email,
            }),
        )
    }
}

impl HttpClient for MockGithub {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, HttpError>> {
        let url = request.uri().to_string();
        let path = url.split('?').next().unwrap_or_default().to_owned();
        self.lock()
            .requests
            .push(format!("{} {path}", request.method()));
        let answer = match path.as_str() {
            ACCESS_TOKEN => Some(self.access_token(&request)),
            USER | EMAILS => Some(self.api(&request, &path)),
            _ => None,
        };
        let result = match answer {
            Some((status, body)) => http::Response::builder()
                .status(status)
                .header("content-type", "application/json; charset=utf-8")
                .body(body.to_string().into_bytes())
                .map_err(|e| HttpError::Transport {
                    host: request.uri().host().unwrap_or("").to_owned(),
                    reason: e.to_string(),
                }),
            None => Err(HttpError::Transport {
                host: request.uri().host().unwrap_or("").to_owned(),
                reason: "not a GitHub endpoint the mock answers".into(),
            }),
        };
        Box::pin(async move { result })
    }
}
