use auth_runtime::prelude::*;

#[derive(AuthExtension)]
struct Claims {
    #[auth(sesion)]
    role: String,
    #[auth(user, token)]
    team: Option<String>,
}

fn main() {
    let _ = Claims::from_jwt(&Jwt::default());
}
