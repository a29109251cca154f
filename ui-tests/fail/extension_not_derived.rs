use auth_runtime::prelude::*;

pub struct Claims {
    pub role: String,
}

#[auth(providers(credentials), extension = Claims)]
pub struct Auth;

fn main() {
    let _ = Auth::builder();
}
