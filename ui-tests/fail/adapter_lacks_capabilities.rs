// An adapter that stores less than the configuration needs: Auth.js's run-time
// `MissingAdapterMethods`, here a compile error at `.adapter(..)`.
use std::sync::Arc;

use ui_tests::UsersOnly;

mod sessions {
    use auth_runtime::prelude::*;
    // Database sessions (the default with an adapter) need `SessionAdapter`.
    #[auth(providers(github), adapter)]
    pub struct Auth;
}

mod email {
    use auth_runtime::prelude::*;
    // Email sign-in needs `VerificationTokenAdapter`.
    #[auth(providers(email, github), session = "jwt", adapter)]
    pub struct Auth;
}

mod passkeys {
    use auth_runtime::prelude::*;
    // Passkeys need `AuthenticatorAdapter`.
    #[auth(providers(passkey, github), session = "jwt", adapter, experimental(enable_webauthn))]
    pub struct Auth;
}

fn main() {
    let _ = sessions::Auth::builder().adapter(Arc::new(UsersOnly::default()));
    let _ = email::Auth::builder().adapter(Arc::new(UsersOnly::default()));
    let _ = passkeys::Auth::builder().adapter(Arc::new(UsersOnly::default()));
}
