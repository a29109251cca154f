//! `#[derive(AuthExtension)]`: typed members of the session token and the session.

use auth_runtime::prelude::*;

#[derive(AuthExtension, Debug, Clone, PartialEq)]
struct Claims {
    role: String,
    team: Option<String>,
    r#type: Vec<u32>,
}

#[test]
fn extension_round_trips_through_the_token_next_to_standard_claims() {
    let mut token = Jwt::from_user(&User::new("42").name("Ada"));
    let claims = Claims {
        role: "admin".into(),
        team: Some("core".into()),
        r#type: vec![1, 2],
    };
    claims.write_jwt(&mut token);
    assert_eq!(token.sub(), Some("42"));
    assert_eq!(token.get("role"), Some(&serde_json::json!("admin")));
    assert_eq!(token.get("type"), Some(&serde_json::json!([1, 2])));
    assert_eq!(Claims::from_jwt(&token).expect("reads back"), claims);
}

#[test]
fn extension_in_the_session_and_missing_fields() {
    let mut session = Session::default();
    Claims {
        role: "viewer".into(),
        team: None,
        r#type: Vec::new(),
    }
    .write_session(&mut session);
    let read = Claims::from_session(&session).expect("reads back");
    assert_eq!(read.team, None);

    let error = Claims::from_session(&Session::default()).expect_err("role is required");
    assert!(
        error
            .to_string()
            .starts_with("extension field `role` is missing"),
        "{error}"
    );
}
