//! Typed callbacks: `jwt`, `session` and `sign_in` with the app's extension fields
//! ([`crate::extension`]) and the provider's typed profile. The builder of an `#[auth]` type
//! offers them as `.jwt(..)`, `.session(..)` and `.sign_in(..)`, typed with its extension and
//! its `<Name>Profile` enum; [`Callbacks::typed_jwt`] and the others are the same for a
//! configuration written by hand.
//!
//! ```
//! use auth_runtime::callbacks::{Callbacks, TypedJwtParams};
//! use auth_runtime::prelude::*;
//!
//! #[derive(AuthExtension)]
//! struct Claims {
//!     signed_in_with: Option<String>,
//! }
//!
//! let callbacks = Callbacks::default().typed_jwt(|mut params: TypedJwtParams<Claims>| async move {
//!     if let Some(account) = &params.account {
//!         params.token.signed_in_with = Some(account.provider.clone());
//!     }
//!     Ok(Some(params.token))
//! });
//! # let _ = callbacks;
//! ```

use std::future::Future;

use serde_json::{Map, Value};

use super::{
    BoxError, Callbacks, JwtParams, JwtTrigger, SessionParams, SignInDecision, SignInParams,
};
use crate::extension::{AuthExtension, ExtensionCodec, ExtensionError};
use crate::types::{Account, Jwt, Session, User};

/// A provider's profile as a type: the `<Name>Profile` enum `#[auth]` generates (one variant per
/// declared OAuth/OIDC provider), or the JSON itself.
pub trait ProviderProfile: Sized + Send + 'static {
    /// The profile `provider` sent. A profile that does not parse as its provider's type is
    /// kept as JSON (the enum's `Other` variant), never an error.
    fn from_profile(provider: &str, profile: Value) -> Self;
}

impl ProviderProfile for Value {
    fn from_profile(_: &str, profile: Value) -> Self {
        profile
    }
}

/// The session token with the app's fields: the fields through `Deref` (`token.role`), the
/// standard claims through [`TypedToken::claims`].
#[derive(Clone, PartialEq)]
pub struct TypedToken<E> {
    /// The extension's fields.
    pub fields: E,
    claims: Jwt,
}

impl<E: AuthExtension> TypedToken<E> {
    /// The typed view of `claims`; an error names the field that does not read.
    pub fn new(claims: Jwt) -> Result<Self, ExtensionError> {
        Self::read(claims, ExtensionCodec::of())
    }

    /// The claims with the fields written back: what the token will hold.
    pub fn into_jwt(self) -> Jwt {
        self.write(ExtensionCodec::of())
    }
}

impl<E> TypedToken<E> {
    fn read(claims: Jwt, codec: ExtensionCodec<E>) -> Result<Self, ExtensionError> {
        Ok(Self {
            fields: codec.read(&claims.0)?,
            claims,
        })
    }

    fn write(self, codec: ExtensionCodec<E>) -> Jwt {
        let mut claims = self.claims;
        codec.write(&self.fields, &mut claims.0);
        claims
    }
}

impl<E> TypedToken<E> {
    /// The claims as they came in (`sub`, `name`, `email`, `picture`, and any other member;
    /// the extension's fields are written over them when the callback returns).
    pub fn claims(&self) -> &Jwt {
        &self.claims
    }

    /// The claims, to set members the extension does not declare.
    pub fn claims_mut(&mut self) -> &mut Jwt {
        &mut self.claims
    }
}

impl<E> std::ops::Deref for TypedToken<E> {
    type Target = E;
    fn deref(&self) -> &E {
        &self.fields
    }
}

impl<E> std::ops::DerefMut for TypedToken<E> {
    fn deref_mut(&mut self) -> &mut E {
        &mut self.fields
    }
}

impl<E: std::fmt::Debug> std::fmt::Debug for TypedToken<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedToken")
            .field("fields", &self.fields)
            .field("claims", &self.claims)
            .finish()
    }
}

/// Arguments of the typed `jwt` callback.
#[derive(Debug)]
#[non_exhaustive]
pub struct TypedJwtParams<E, P = Value> {
    /// The token so far, typed: at sign-in Auth.js's default claims plus the `#[auth(user)]`
    /// fields of the user, later the decoded token.
    pub token: TypedToken<E>,
    /// At sign-in: the user.
    pub user: Option<User>,
    /// At sign-in: the account.
    pub account: Option<Account>,
    /// At OAuth sign-in: the provider's typed profile.
    pub profile: Option<P>,
    /// Why the callback runs; `None` on a plain session read.
    pub trigger: Option<JwtTrigger>,
    /// Whether an adapter just created the user.
    pub is_new_user: bool,
    /// On update: the `data` the client sent. Validate it before use.
    pub session: Option<Value>,
}

/// Arguments of the typed `session` callback.
#[derive(Debug)]
#[non_exhaustive]
pub struct TypedSessionParams<E> {
    /// The default session: `{user: {name, email, image, <exposed fields>}, expires}`.
    pub session: Session,
    /// The extension's fields, read from the token (JWT strategy) or the user (database).
    pub fields: E,
    /// JWT strategy: the token (after the `jwt` callback).
    pub token: Option<Jwt>,
    /// Database strategy: the user.
    pub user: Option<User>,
    /// Database strategy, on update: the data the client sent.
    pub new_session: Option<Value>,
    /// `Some(JwtTrigger::Update)` on `POST /session`.
    pub trigger: Option<JwtTrigger>,
}

/// Arguments of the typed `sign_in` callback.
#[derive(Debug)]
#[non_exhaustive]
pub struct TypedSignInParams<P = Value> {
    /// The user signing in.
    pub user: User,
    /// The account used.
    pub account: Option<Account>,
    /// The provider's typed profile (OAuth/OIDC sign-in).
    pub profile: Option<P>,
    /// For email sign-in: `Some(true)` on the verification request, `None` at the callback.
    pub email_verification_request: Option<bool>,
    /// For credentials sign-in: the submitted fields.
    pub credentials: Option<Map<String, Value>>,
}

fn typed_profile<P: ProviderProfile>(
    account: Option<&Account>,
    profile: Option<Value>,
) -> Option<P> {
    let provider = account.map_or("", |a| a.provider.as_str());
    profile.map(|p| P::from_profile(provider, p))
}

impl Callbacks {
    /// The `jwt` callback with typed values: the token with the app's fields `E` and the
    /// provider's typed profile `P`. A token whose fields do not read fails the callback (at
    /// sign-in: `CallbackRouteError`); a field the callback sets at sign-in is best an `Option`
    /// or `#[auth(default)]`, so the token it starts from reads.
    pub fn typed_jwt<E, P, F, Fut>(self, f: F) -> Self
    where
        E: AuthExtension + Send + 'static,
        P: ProviderProfile,
        F: Fn(TypedJwtParams<E, P>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Option<TypedToken<E>>, BoxError>> + Send + 'static,
    {
        self.typed_jwt_with(ExtensionCodec::of(), f)
    }

    /// [`Callbacks::typed_jwt`] with the extension's codec given (what `#[auth]` generates).
    pub fn typed_jwt_with<E, P, F, Fut>(self, codec: ExtensionCodec<E>, f: F) -> Self
    where
        E: Send + 'static,
        P: ProviderProfile,
        F: Fn(TypedJwtParams<E, P>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Option<TypedToken<E>>, BoxError>> + Send + 'static,
    {
        self.jwt(move |params: JwtParams| {
            let called = TypedToken::read(params.token, codec).map(|token| {
                f(TypedJwtParams {
                    token,
                    profile: typed_profile(params.account.as_ref(), params.profile),
                    user: params.user,
                    account: params.account,
                    trigger: params.trigger,
                    is_new_user: params.is_new_user,
                    session: params.session,
                })
            });
            async move { Ok(called?.await?.map(|token| token.write(codec))) }
        })
    }

    /// The `session` callback with the app's fields `E` read for it.
    pub fn typed_session<E, F, Fut>(self, f: F) -> Self
    where
        E: AuthExtension + Send + 'static,
        F: Fn(TypedSessionParams<E>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Session, BoxError>> + Send + 'static,
    {
        self.typed_session_with(ExtensionCodec::of(), f)
    }

    /// [`Callbacks::typed_session`] with the extension's codec given (what `#[auth]` generates).
    pub fn typed_session_with<E, F, Fut>(self, codec: ExtensionCodec<E>, f: F) -> Self
    where
        E: Send + 'static,
        F: Fn(TypedSessionParams<E>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Session, BoxError>> + Send + 'static,
    {
        self.session(move |params: SessionParams| {
            let source = match (&params.token, &params.user) {
                (Some(token), _) => codec.read(&token.0),
                (None, Some(user)) => codec.read(&user.to_fields()),
                (None, None) => codec.read(&Map::new()),
            };
            let called = source.map(|fields| {
                f(TypedSessionParams {
                    session: params.session,
                    fields,
                    token: params.token,
                    user: params.user,
                    new_session: params.new_session,
                    trigger: params.trigger,
                })
            });
            async move { called?.await }
        })
    }

    /// The `sign_in` callback with the provider's typed profile `P`.
    pub fn typed_sign_in<P, F, Fut>(self, f: F) -> Self
    where
        P: ProviderProfile,
        F: Fn(TypedSignInParams<P>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<SignInDecision, BoxError>> + Send + 'static,
    {
        self.sign_in(move |params: SignInParams| {
            f(TypedSignInParams {
                profile: typed_profile(params.account.as_ref(), params.profile),
                user: params.user,
                account: params.account,
                email_verification_request: params.email_verification_request,
                credentials: params.credentials,
            })
        })
    }
}
