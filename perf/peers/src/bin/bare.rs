//! The floor: `GET /auth/session` and `GET /api/me` answer a fixed signed-in JSON body, no auth.
//!
//!   PORT=37413 bare

use axum::{Router, http::header::CONTENT_TYPE, routing::get};

const BODY: &str = r#"{"user":{"name":"Demo User","email":"demo@example.com"},"expires":"2026-12-28T04:32:09.330Z"}"#;

async fn session() -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    ([(CONTENT_TYPE, "application/json")], BODY)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3001);
    let app = Router::new()
        .route("/auth/session", get(session))
        .route("/api/me", get(session));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("bare: listening on http://127.0.0.1:{port}");
    axum::serve(listener, app).await
}
