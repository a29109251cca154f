//! The typestate of the builders `#[auth]` generates: `build()` is reachable once every
//! requirement the attribute declares is met. A builder starts with `Missing` for the
//! credentials provider's `authorize` (when `credentials` is declared) and for the adapter (when
//! `adapter` is declared); `.credentials(..)` and `.adapter(..)` turn them into `Given`.

/// Typestate: a requirement of `build()` is still open.
#[derive(Debug, Clone, Copy)]
pub struct Missing;

/// Typestate: the requirement is met (or there is none).
#[derive(Debug, Clone, Copy)]
pub struct Given;

/// Met when the credentials provider has its `authorize` callback.
#[diagnostic::on_unimplemented(
    message = "`build()` needs the credentials provider's authorize callback",
    label = "call `.credentials(|creds, req| async move {{ .. }})` before this",
    note = "`credentials` is among the providers of #[auth]; without `authorize` every sign-in would fail"
)]
pub trait AuthorizeGiven {}
impl AuthorizeGiven for Given {}

/// Met when the adapter was passed.
#[diagnostic::on_unimplemented(
    message = "`build()` needs an adapter",
    label = "call `.adapter(Arc::new(..))` before this",
    note = "#[auth] declares `adapter`: database sessions and email sign-in keep their state in it"
)]
pub trait AdapterGiven {}
impl AdapterGiven for Given {}
