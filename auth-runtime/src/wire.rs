//! The wire format shared with Auth.js v5, in one place: what a Rust service and a Next.js app
//! must agree on to read each other's cookies. The `auth` command and the interop tests use this
//! module; it is the part of the API that follows Auth.js's format, not this crate's design.
//!
//! - **Session token**: a JWE with `alg: "dir"` and `enc: "A256CBC-HS512"` (`A256GCM` is read
//!   too). The key is HKDF-SHA256 of the secret, with the cookie's name as the salt
//!   (`authjs.session-token`, or `__Secure-authjs.session-token` on HTTPS) and the info
//!   `Auth.js Generated Encryption Key (<salt>)`, 64 bytes. The `kid` names the secret, so a
//!   rotated secret still reads. Claims: `name`, `email`, `picture`, `sub`, `iat`, `exp`, `jti`
//!   and whatever the `jwt` callback adds. [`JwtCodec`] encodes and decodes it.
//! - **Cookie chunks**: a session cookie longer than [`CHUNK_SIZE`] bytes is split into
//!   `<name>.0`, `<name>.1`, ...; [`chunk_session_cookie`] and [`join_session_chunks`] write and
//!   read them, [`parse_cookie_header`] reads a `Cookie` header.
//! - **CSRF**: the cookie holds `<token>|<hash>` with `hash = sha256(token + secret)` in hex
//!   ([`csrf_hash`]); the form or JSON body sends `csrfToken = <token>` ([`CsrfToken`]).
//!
//! ```
//! use auth_runtime::wire::{JwtCodec, chunk_session_cookie, join_session_chunks};
//!
//! let codec = JwtCodec::new(["a-secret"]).unwrap();
//! let claims = serde_json::json!({"sub": "1", "name": "Ada"});
//! let token = codec.encode(claims.as_object().unwrap(), "authjs.session-token", 3600).unwrap();
//! let chunks = chunk_session_cookie("authjs.session-token", &token);
//! let joined = join_session_chunks("authjs.session-token", &chunks).unwrap();
//! let read = codec.decode(&joined, "authjs.session-token").unwrap();
//! assert_eq!(read["name"], "Ada");
//! ```

pub use crate::cookies::{
    CHUNK_SIZE, MAX_SESSION_CHUNKS, chunk_session_cookie, encode_uri_component,
    join_session_chunks, parse_cookie_header,
};
pub use crate::csrf::{CsrfToken, csrf_hash};
pub use crate::jose::{DEFAULT_MAX_AGE, JoseError, JwtCodec, Secret, SessionTokenCodec};
