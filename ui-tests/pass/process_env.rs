// `builder()` reads the process environment; the attribute may sit on a documented, crate-visible struct.
use auth_runtime::prelude::*;

/// The app's auth.
#[auth(providers(gitlab))]
pub(crate) struct Auth;

fn main() {
    let builder = Auth::builder();
    let _: Result<Auth, AuthError> = builder.build();
    assert_eq!(Auth::PROVIDER_IDS, ["gitlab"]);
}
