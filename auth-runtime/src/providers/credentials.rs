//! The credentials provider: a form whose fields an `authorize` callback checks.

use std::future::Future;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::callbacks::{BoxError, BoxFuture};
use crate::types::User;

/// What `authorize` sees of the request besides the credentials.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    /// The full request URL.
    pub url: String,
    /// The request headers.
    pub headers: http::HeaderMap,
}

/// The `authorize` callback: `Ok(Some(user))` signs in, `Ok(None)` fails with
/// `CredentialsSignin` (code `credentials`); return
/// [`AuthError::credentials_signin`](crate::error::AuthError::credentials_signin) for another code.
pub type Authorize = Arc<
    dyn Fn(
            Map<String, Value>,
            AuthorizeRequest,
        ) -> BoxFuture<'static, Result<Option<User>, BoxError>>
        + Send
        + Sync,
>;

/// One input of the credentials form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialField {
    /// Form field name.
    pub name: String,
    /// Label shown to the user.
    pub label: String,
    /// Input type (`text`, `password`, ...).
    pub input_type: String,
    /// Placeholder text.
    pub placeholder: Option<String>,
}

impl CredentialField {
    /// A field with a label and an input type.
    pub fn new(
        name: impl Into<String>,
        label: impl Into<String>,
        input_type: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            label: label.into(),
            input_type: input_type.into(),
            placeholder: None,
        }
    }
}

/// A credentials provider.
///
/// ```
/// use auth_runtime::providers::{CredentialsProvider, CredentialField};
/// use auth_runtime::types::User;
/// let provider = CredentialsProvider::new()
///     .field(CredentialField::new("username", "Username", "text"))
///     .field(CredentialField::new("password", "Password", "password"))
///     .authorize(|creds, _req| async move {
///         let ok = creds.get("username").and_then(|v| v.as_str()) == Some("demo")
///             && creds.get("password").and_then(|v| v.as_str()) == Some("demo");
///         Ok(ok.then(|| User::new("1").name("Demo")))
///     });
/// assert!(provider.has_authorize());
/// ```
#[derive(Clone)]
pub struct CredentialsProvider {
    /// Provider id, default `credentials`.
    pub id: String,
    /// Display name, default `Credentials`.
    pub name: String,
    /// Form fields, in order.
    pub fields: Vec<CredentialField>,
    pub(crate) authorize: Option<Authorize>,
}

impl std::fmt::Debug for CredentialsProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsProvider")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("fields", &self.fields)
            .field("authorize", &self.authorize.is_some())
            .finish()
    }
}

impl Default for CredentialsProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl CredentialsProvider {
    /// A provider with id `credentials`, no fields and no `authorize`.
    pub fn new() -> Self {
        Self {
            id: "credentials".into(),
            name: "Credentials".into(),
            fields: Vec::new(),
            authorize: None,
        }
    }

    /// Sets the id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Sets the display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Adds a form field.
    pub fn field(mut self, field: CredentialField) -> Self {
        self.fields.push(field);
        self
    }

    /// Sets the `authorize` callback. It receives every submitted field (including `csrfToken`
    /// and `callbackUrl`, as in Auth.js) and the request.
    pub fn authorize<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Map<String, Value>, AuthorizeRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Option<User>, BoxError>> + Send + 'static,
    {
        self.authorize = Some(Arc::new(move |c, r| Box::pin(f(c, r))));
        self
    }

    /// Whether `authorize` is set (without it the configuration is `MissingAuthorize`).
    pub fn has_authorize(&self) -> bool {
        self.authorize.is_some()
    }
}
