//! Helpers shared by the HTTP integration tests: a loopback server, a client that does not follow
//! redirects, and header readers.

#![allow(dead_code, unused_imports, clippy::unwrap_used)]

pub mod databases;

/// The test kit's browser ([`auth_runtime::testing`]): these tests use the kit apps use.
pub mod browser {
    pub use auth_runtime::testing::{Browser, Capture, Logged, Reply};
}

/// The test kit's OpenID Provider.
pub mod idp {
    pub use auth_runtime::testing::{
        Behaviour, CLIENT_ID, CLIENT_SECRET, Key, MockOidc as MockIdp, StateReply,
    };
}

/// The test kit's passkey.
pub mod authenticator {
    pub use auth_runtime::testing::SoftAuthenticator;
}

use reqwest::redirect::Policy;

/// An axum app on a loopback port, stopped when dropped.
pub struct Server {
    /// `http://127.0.0.1:<port>`.
    pub origin: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `router` on a free loopback port.
pub async fn serve_router(router: axum::Router) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        // The connection's address reaches the engine, as in an app that rate-limits.
        let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(listener, service).await.unwrap();
    });
    Server { origin, task }
}

/// A client with a cookie jar that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// Every `Set-Cookie` of a response.
pub fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// The `Location` of a response, or "".
pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}
