use auth_runtime::prelude::*;

#[derive(AuthExtension)]
struct Claims {
    role: String,
    exp: i64,
}

fn main() {
    let _ = Claims::from_jwt(&Jwt::default());
}
