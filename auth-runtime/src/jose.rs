//! The session token codec: compact JWE with `alg: "dir"` and `enc: "A256CBC-HS512"`, the format
//! Auth.js v5 writes into its session cookie.
//!
//! Keys come from HKDF-SHA256 over each secret, with the cookie name as salt and the info string
//! `Auth.js Generated Encryption Key (<salt>)`. The first secret of the list encrypts; a token's
//! `kid` (the RFC 7638 thumbprint of the derived key) picks the secret that decrypts it, and a
//! token without `kid` is tried with the first secret only, as Auth.js does. Tokens encrypted with
//! `A256GCM` are accepted on decode.
//!
//! ```
//! use auth_runtime::jose::{JwtCodec, DEFAULT_MAX_AGE};
//! let codec = JwtCodec::new(["new-secret", "old-secret"]).unwrap();
//! let mut claims = serde_json::Map::new();
//! claims.insert("sub".into(), "user-1".into());
//! let token = codec.encode(&claims, "authjs.session-token", DEFAULT_MAX_AGE).unwrap();
//! let decoded = codec.decode(&token, "authjs.session-token").unwrap();
//! assert_eq!(decoded["sub"], "user-1");
//! assert!(decoded.contains_key("jti"));
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, LazyLock, RwLock};

use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, Payload};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;

/// Default lifetime of a session token, in seconds: 30 days, as in Auth.js.
pub const DEFAULT_MAX_AGE: u64 = 2_592_000;

/// Clock skew tolerated when checking `exp` and `nbf`, in seconds (jose's `clockTolerance` in Auth.js).
pub const CLOCK_TOLERANCE: i64 = 15;

const ENC_CBC: &str = "A256CBC-HS512";
const ENC_GCM: &str = "A256GCM";

/// Why a token could not be encoded or decoded. The message is one line and never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JoseError {
    /// The secret list was empty, or a secret was the empty string.
    #[error("no secret configured: set AUTH_SECRET")]
    MissingSecret,
    /// The token is not a compact JWE of five base64url segments with a JSON header.
    #[error("malformed token: {0}")]
    Malformed(&'static str),
    /// The header names an algorithm or encryption this codec does not accept.
    #[error("unsupported token algorithm: {0}")]
    UnsupportedAlgorithm(String),
    /// The header's `kid` matches none of the configured secrets.
    #[error("no matching decryption secret")]
    NoMatchingSecret,
    /// The authentication tag did not verify: the token was tampered with or encrypted with
    /// another secret or salt.
    #[error("decryption failed: the token was altered or made with another secret")]
    DecryptionFailed,
    /// The plaintext is not a JSON object, or a registered claim has the wrong type.
    #[error("invalid claims: {0}")]
    InvalidClaims(&'static str),
    /// `exp` is more than the clock tolerance in the past.
    #[error("token expired")]
    Expired,
    /// `nbf` is more than the clock tolerance in the future.
    #[error("token not yet valid")]
    NotYetValid,
}

/// A secret used to derive token keys. Its `Debug` output never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    value: Arc<str>,
    /// SHA-256 of the value: the key of the process-wide derived-key cache.
    fingerprint: [u8; 32],
}

impl Secret {
    /// Wraps a secret string.
    pub fn new(value: impl Into<String>) -> Self {
        let value: Arc<str> = Arc::from(value.into());
        let fingerprint = Sha256::digest(value.as_bytes()).into();
        Self { value, fingerprint }
    }

    /// The secret's text, for key derivation and hashing.
    pub fn expose(&self) -> &str {
        &self.value
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The keys derived from one secret for one salt.
struct DerivedKeys {
    /// 64 bytes of HKDF output: MAC key then AES-CBC key. The first 32 bytes are the A256GCM key.
    key: [u8; 64],
    kid_cbc: String,
    kid_gcm: String,
    /// HMAC-SHA-512 keyed with the MAC key, cloned per token instead of keyed again.
    mac: HmacSha512,
    /// The base64url header this codec writes for `A256CBC-HS512` with this key: a token whose
    /// header is exactly this needs no JSON parsing to pick its key.
    header_cbc: String,
}

impl DerivedKeys {
    fn derive(secret: &str, salt: &str) -> Self {
        let hkdf = hkdf::Hkdf::<Sha256>::new(Some(salt.as_bytes()), secret.as_bytes());
        let info = format!("Auth.js Generated Encryption Key ({salt})");
        let mut key = [0u8; 64];
        // 64 bytes is far below HKDF-SHA256's limit of 255 * 32, so expand cannot fail.
        hkdf.expand(info.as_bytes(), &mut key)
            .unwrap_or_else(|_| unreachable!("HKDF output length is within bounds"));
        let kid_cbc = thumbprint::<Sha512>(&key);
        let kid_gcm = thumbprint::<Sha256>(&key[..32]);
        let mac = <HmacSha512 as KeyInit>::new_from_slice(&key[..32])
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        let header_cbc = URL_SAFE_NO_PAD
            .encode(format!(r#"{{"alg":"dir","enc":"{ENC_CBC}","kid":"{kid_cbc}"}}"#).as_bytes());
        Self {
            key,
            kid_cbc,
            kid_gcm,
            mac,
            header_cbc,
        }
    }

    fn kid(&self, enc: Enc) -> &str {
        match enc {
            Enc::CbcHs512 => &self.kid_cbc,
            Enc::Gcm => &self.kid_gcm,
        }
    }
}

/// RFC 7638 thumbprint of an `oct` JWK: the hash of `{"k":"<b64url key>","kty":"oct"}`.
fn thumbprint<D: Digest>(key: &[u8]) -> String {
    let jwk = format!(r#"{{"k":"{}","kty":"oct"}}"#, URL_SAFE_NO_PAD.encode(key));
    URL_SAFE_NO_PAD.encode(D::digest(jwk.as_bytes()))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Enc {
    CbcHs512,
    Gcm,
}

/// A replacement for the session-token format (next-auth's `jwt.encode` / `jwt.decode`). It gets
/// the default codec, so it can wrap it (e.g. sign instead of encrypt, or add a layer).
pub trait SessionTokenCodec: Send + Sync {
    /// Encodes claims; `salt` is the session cookie's name, `max_age` the token lifetime.
    fn encode(
        &self,
        claims: &Map<String, Value>,
        salt: &str,
        max_age: u64,
        default: &JwtCodec,
    ) -> Result<String, JoseError>;
    /// Decodes a token; an error means "no session".
    fn decode(
        &self,
        token: &str,
        salt: &str,
        default: &JwtCodec,
    ) -> Result<Map<String, Value>, JoseError>;
}

/// Derived keys by salt, then by secret fingerprint, shared by every codec in the process, so that
/// HKDF runs once per secret and cookie name even when a configuration is built per request.
type KeyCache = RwLock<HashMap<String, HashMap<[u8; 32], Arc<DerivedKeys>>>>;
static KEY_CACHE: LazyLock<KeyCache> = LazyLock::new(|| RwLock::new(HashMap::new()));

/// Bound of the key cache; salts are cookie names, so real use stays far below it.
const KEY_CACHE_LIMIT: usize = 1024;

/// Encodes and decodes Auth.js session tokens for a list of secrets (newest first).
///
/// Derived keys are cached process-wide per secret and salt: HKDF runs once per secret and cookie
/// name, not once per request.
#[derive(Clone)]
pub struct JwtCodec {
    secrets: Vec<Secret>,
    /// This codec's keys by salt (one entry per cookie name it has seen), so a decode takes no
    /// process-wide lock and hashes nothing.
    memo: Arc<RwLock<Vec<(String, KeyRing)>>>,
}

/// The keys of every secret of a codec for one salt, newest first.
type KeyRing = Arc<[Arc<DerivedKeys>]>;

/// Bound of a codec's memo; salts are cookie names.
const MEMO_LIMIT: usize = 16;

impl fmt::Debug for JwtCodec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtCodec")
            .field("secrets", &self.secrets.len())
            .finish_non_exhaustive()
    }
}

impl JwtCodec {
    /// A codec for the given secrets; the first one encrypts. Fails on an empty list or an empty
    /// secret.
    pub fn new<I, S>(secrets: I) -> Result<Self, JoseError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::from_secrets(secrets.into_iter().map(|s| Secret::new(s)).collect())
    }

    /// A codec over already-wrapped secrets (their fingerprints are reused, nothing is hashed).
    pub fn from_secrets(secrets: Vec<Secret>) -> Result<Self, JoseError> {
        if secrets.is_empty() || secrets.iter().any(|s| s.expose().is_empty()) {
            return Err(JoseError::MissingSecret);
        }
        Ok(Self {
            secrets,
            memo: Arc::default(),
        })
    }

    /// The secrets, newest first.
    pub fn secrets(&self) -> &[Secret] {
        &self.secrets
    }

    fn key_for(secret: &Secret, salt: &str) -> Arc<DerivedKeys> {
        if let Ok(cache) = KEY_CACHE.read()
            && let Some(keys) = cache
                .get(salt)
                .and_then(|by_secret| by_secret.get(&secret.fingerprint))
        {
            return keys.clone();
        }
        let derived = Arc::new(DerivedKeys::derive(secret.expose(), salt));
        if let Ok(mut cache) = KEY_CACHE.write() {
            if cache.values().map(HashMap::len).sum::<usize>() >= KEY_CACHE_LIMIT {
                cache.clear();
            }
            cache
                .entry(salt.to_owned())
                .or_default()
                .insert(secret.fingerprint, derived.clone());
        }
        derived
    }

    /// The keys of every secret for `salt`, newest first.
    fn ring(&self, salt: &str) -> KeyRing {
        if let Ok(memo) = self.memo.read()
            && let Some((_, ring)) = memo.iter().find(|(s, _)| s == salt)
        {
            return ring.clone();
        }
        let ring: KeyRing = self
            .secrets
            .iter()
            .map(|s| Self::key_for(s, salt))
            .collect();
        if let Ok(mut memo) = self.memo.write() {
            if memo.len() >= MEMO_LIMIT {
                memo.clear();
            }
            memo.push((salt.to_owned(), ring.clone()));
        }
        ring
    }

    fn first_key(&self, salt: &str) -> Result<Arc<DerivedKeys>, JoseError> {
        self.ring(salt)
            .first()
            .cloned()
            .ok_or(JoseError::MissingSecret)
    }

    /// Encrypts `claims` plus `iat` (now), `exp` (now + `max_age`) and a fresh `jti`, replacing
    /// any existing values of those three, with the first secret.
    pub fn encode(
        &self,
        claims: &Map<String, Value>,
        salt: &str,
        max_age: u64,
    ) -> Result<String, JoseError> {
        self.encode_at(claims, salt, max_age, now_unix())
    }

    /// [`encode`](Self::encode) with an explicit clock, for tests and tools.
    pub fn encode_at(
        &self,
        claims: &Map<String, Value>,
        salt: &str,
        max_age: u64,
        now: i64,
    ) -> Result<String, JoseError> {
        let mut payload = claims.clone();
        payload.insert("iat".into(), Value::from(now));
        let max_age = i64::try_from(max_age).unwrap_or(i64::MAX);
        payload.insert("exp".into(), Value::from(now.saturating_add(max_age)));
        payload.insert(
            "jti".into(),
            Value::from(uuid::Uuid::new_v4().hyphenated().to_string()),
        );
        let plaintext = serde_json::to_vec(&payload)
            .map_err(|_| JoseError::InvalidClaims("claims are not serialisable"))?;
        let key = self.first_key(salt)?;
        Ok(encrypt_cbc(&key, &plaintext))
    }

    /// Decrypts and validates a token at the current time.
    pub fn decode(&self, token: &str, salt: &str) -> Result<Map<String, Value>, JoseError> {
        self.decode_at(token, salt, now_unix())
    }

    /// [`decode`](Self::decode) with an explicit clock (seconds since the epoch).
    pub fn decode_at(
        &self,
        token: &str,
        salt: &str,
        now: i64,
    ) -> Result<Map<String, Value>, JoseError> {
        let plaintext = self.decrypt(token, salt)?;
        let claims = match serde_json::from_slice::<Map<String, Value>>(&plaintext) {
            Ok(claims) => claims,
            Err(e) if e.is_data() => {
                return Err(JoseError::InvalidClaims("payload is not a JSON object"));
            }
            Err(_) => return Err(JoseError::InvalidClaims("payload is not JSON")),
        };
        validate_time_claims(&claims, now)?;
        Ok(claims)
    }

    fn decrypt(&self, token: &str, salt: &str) -> Result<Vec<u8>, JoseError> {
        if token.is_empty() {
            return Err(JoseError::Malformed("empty token"));
        }
        let mut parts = token.split('.');
        let (Some(header_b64), Some(encrypted_key), Some(iv_b64), Some(ct_b64), Some(tag_b64)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(JoseError::Malformed("expected five segments"));
        };
        if parts.next().is_some() {
            return Err(JoseError::Malformed("expected five segments"));
        }
        if !encrypted_key.is_empty() {
            return Err(JoseError::Malformed(
                "direct encryption has no encrypted key",
            ));
        }
        let ring = self.ring(salt);
        // The header this codec (and Auth.js) writes names the key by its thumbprint: recognised
        // byte for byte, it needs no parsing. Any other header goes through the full checks.
        let (enc, key) = match ring.iter().find(|k| k.header_cbc == header_b64) {
            Some(key) => (Enc::CbcHs512, key.clone()),
            None => Self::key_from_header(&ring, header_b64)?,
        };
        match enc {
            Enc::CbcHs512 => {
                let mut iv = [0u8; 16];
                let mut tag = [0u8; 32];
                b64_exact(iv_b64, &mut iv, "IV must be 16 bytes")?;
                b64_exact(tag_b64, &mut tag, "tag must be 32 bytes")?;
                decrypt_cbc(&key, header_b64.as_bytes(), &iv, b64(ct_b64)?, &tag)
            }
            Enc::Gcm => {
                let iv = b64(iv_b64)?;
                let ciphertext = b64(ct_b64)?;
                let tag = b64(tag_b64)?;
                decrypt_gcm(&key, header_b64.as_bytes(), &iv, &ciphertext, &tag)
            }
        }
    }

    /// Reads a header that is not this codec's own: `alg` must be `dir`, `enc` one of the two
    /// accepted, no `zip` or `crit`; `kid`, when present, picks the secret.
    fn key_from_header(
        ring: &[Arc<DerivedKeys>],
        header_b64: &str,
    ) -> Result<(Enc, Arc<DerivedKeys>), JoseError> {
        let header_bytes = b64(header_b64)?;
        let Value::Object(header) = serde_json::from_slice::<Value>(&header_bytes)
            .map_err(|_| JoseError::Malformed("header is not JSON"))?
        else {
            return Err(JoseError::Malformed("header is not a JSON object"));
        };
        match header.get("alg") {
            Some(Value::String(alg)) if alg == "dir" => {}
            Some(Value::String(alg)) => return Err(JoseError::UnsupportedAlgorithm(clip(alg))),
            _ => return Err(JoseError::Malformed("header has no alg")),
        }
        let enc = match header.get("enc") {
            Some(Value::String(e)) if e == ENC_CBC => Enc::CbcHs512,
            Some(Value::String(e)) if e == ENC_GCM => Enc::Gcm,
            Some(Value::String(e)) => return Err(JoseError::UnsupportedAlgorithm(clip(e))),
            _ => return Err(JoseError::Malformed("header has no enc")),
        };
        if header.contains_key("zip") {
            return Err(JoseError::UnsupportedAlgorithm("zip".into()));
        }
        if header.contains_key("crit") {
            return Err(JoseError::UnsupportedAlgorithm("crit".into()));
        }
        let key = match header.get("kid") {
            None => ring.first().cloned().ok_or(JoseError::MissingSecret)?,
            Some(Value::String(kid)) => ring
                .iter()
                .find(|k| bool::from(k.kid(enc).as_bytes().ct_eq(kid.as_bytes())))
                .cloned()
                .ok_or(JoseError::NoMatchingSecret)?,
            Some(_) => return Err(JoseError::Malformed("kid is not a string")),
        };
        Ok((enc, key))
    }
}

fn clip(s: &str) -> String {
    s.chars().take(32).collect()
}

fn b64(segment: &str) -> Result<Vec<u8>, JoseError> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| JoseError::Malformed("segment is not base64url"))
}

/// Decodes a base64url segment that must hold exactly `out.len()` bytes.
fn b64_exact(segment: &str, out: &mut [u8], wrong_length: &'static str) -> Result<(), JoseError> {
    // Decoding into a larger buffer tells a wrong length apart from bad base64.
    let mut buf = [0u8; 48];
    let n = URL_SAFE_NO_PAD
        .decode_slice(segment, &mut buf)
        .map_err(|e| match e {
            base64::DecodeSliceError::OutputSliceTooSmall => JoseError::Malformed(wrong_length),
            base64::DecodeSliceError::DecodeError(_) => {
                JoseError::Malformed("segment is not base64url")
            }
        })?;
    if n != out.len() {
        return Err(JoseError::Malformed(wrong_length));
    }
    out.copy_from_slice(&buf[..n]);
    Ok(())
}

/// Seconds since the Unix epoch.
pub(crate) fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The checks of `iat`, `nbf` and `exp` (types, and the 15 s tolerance) at `now`.
pub(crate) fn validate_time_claims(claims: &Map<String, Value>, now: i64) -> Result<(), JoseError> {
    TimeClaims::read(claims)?.check(now)
}

/// A token's `nbf` and `exp`, read once (their types checked), to check at any time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TimeClaims {
    nbf: Option<f64>,
    exp: Option<f64>,
}

impl TimeClaims {
    /// Reads the time claims; an error when one is not a number.
    pub(crate) fn read(claims: &Map<String, Value>) -> Result<Self, JoseError> {
        let number = |name: &'static str| -> Result<Option<f64>, JoseError> {
            match claims.get(name) {
                None => Ok(None),
                Some(Value::Number(n)) => n
                    .as_f64()
                    .map(Some)
                    .ok_or(JoseError::InvalidClaims("numeric claim out of range")),
                Some(_) => Err(JoseError::InvalidClaims(match name {
                    "exp" => "exp is not a number",
                    "nbf" => "nbf is not a number",
                    _ => "iat is not a number",
                })),
            }
        };
        number("iat")?;
        Ok(Self {
            nbf: number("nbf")?,
            exp: number("exp")?,
        })
    }

    /// `nbf` and `exp` at `now`, with the 15 s tolerance. A token without `exp` is refused:
    /// every token this codec (or Auth.js) makes has one, and one without would never expire.
    pub(crate) fn check(self, now: i64) -> Result<(), JoseError> {
        let now = now as f64;
        let tolerance = CLOCK_TOLERANCE as f64;
        let Some(exp) = self.exp else {
            return Err(JoseError::InvalidClaims("the token has no exp"));
        };
        if let Some(nbf) = self.nbf
            && nbf > now + tolerance
        {
            return Err(JoseError::NotYetValid);
        }
        if exp <= now - tolerance {
            return Err(JoseError::Expired);
        }
        Ok(())
    }
}

type HmacSha512 = Hmac<Sha512>;

fn cbc_tag(mac_key: &[u8], aad: &[u8], iv: &[u8], ciphertext: &[u8]) -> [u8; 32] {
    let mac = <HmacSha512 as KeyInit>::new_from_slice(mac_key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    keyed_cbc_tag(mac, aad, iv, ciphertext)
}

/// The A256CBC-HS512 tag with an already keyed MAC.
fn keyed_cbc_tag(mut mac: HmacSha512, aad: &[u8], iv: &[u8], ciphertext: &[u8]) -> [u8; 32] {
    mac.update(aad);
    mac.update(iv);
    mac.update(ciphertext);
    mac.update(&((aad.len() as u64) * 8).to_be_bytes());
    let full = mac.finalize().into_bytes();
    let mut tag = [0u8; 32];
    tag.copy_from_slice(&full[..32]);
    tag
}

fn encrypt_cbc(keys: &DerivedKeys, plaintext: &[u8]) -> String {
    let header = format!(
        r#"{{"alg":"dir","enc":"{ENC_CBC}","kid":"{}"}}"#,
        keys.kid_cbc
    );
    let header_b64 = URL_SAFE_NO_PAD.encode(header.as_bytes());
    let mut iv = [0u8; 16];
    fill_random(&mut iv);
    let enc_key = &keys.key[32..];
    let ciphertext = cbc::Encryptor::<aes::Aes256>::new_from_slices(enc_key, &iv)
        .unwrap_or_else(|_| unreachable!("key and IV lengths are fixed"))
        .encrypt_padded_vec::<Pkcs7>(plaintext);
    let tag = keyed_cbc_tag(keys.mac.clone(), header_b64.as_bytes(), &iv, &ciphertext);
    let mut out = String::with_capacity(header_b64.len() + 4 + 22 + ciphertext.len() * 4 / 3 + 48);
    out.push_str(&header_b64);
    out.push_str("..");
    URL_SAFE_NO_PAD.encode_string(iv, &mut out);
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(&ciphertext, &mut out);
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(tag, &mut out);
    out
}

fn decrypt_cbc(
    keys: &DerivedKeys,
    aad: &[u8],
    iv: &[u8; 16],
    mut ciphertext: Vec<u8>,
    tag: &[u8; 32],
) -> Result<Vec<u8>, JoseError> {
    let expected = keyed_cbc_tag(keys.mac.clone(), aad, iv, &ciphertext);
    if !bool::from(expected.ct_eq(tag)) {
        return Err(JoseError::DecryptionFailed);
    }
    let len = cbc::Decryptor::<aes::Aes256>::new_from_slices(&keys.key[32..], iv)
        .map_err(|_| JoseError::Malformed("IV must be 16 bytes"))?
        .decrypt_padded::<Pkcs7>(&mut ciphertext)
        .map_err(|_| JoseError::DecryptionFailed)?
        .len();
    ciphertext.truncate(len);
    Ok(ciphertext)
}

fn decrypt_gcm(
    keys: &DerivedKeys,
    aad: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, JoseError> {
    if iv.len() != 12 {
        return Err(JoseError::Malformed("IV must be 12 bytes"));
    }
    if tag.len() != 16 {
        return Err(JoseError::Malformed("tag must be 16 bytes"));
    }
    let cipher = Aes256Gcm::new_from_slice(&keys.key[..32])
        .unwrap_or_else(|_| unreachable!("key length is fixed"));
    let mut sealed = Vec::with_capacity(ciphertext.len() + 16);
    sealed.extend_from_slice(ciphertext);
    sealed.extend_from_slice(tag);
    let nonce = aes_gcm::Nonce::try_from(iv).map_err(|_| JoseError::Malformed("bad IV"))?;
    cipher
        .decrypt(&nonce, Payload { msg: &sealed, aad })
        .map_err(|_| JoseError::DecryptionFailed)
}

/// Fills `buf` from the operating system's random source.
pub(crate) fn fill_random(buf: &mut [u8]) {
    // The OS generator failing is unrecoverable and leaves no safe fallback for key material.
    getrandom::fill(buf).unwrap_or_else(|e| panic!("operating system random source failed: {e}"));
}

/// Raw AES-256-CBC + HMAC-SHA-512 (RFC 7518 §5.2.2) over given key, IV and AAD, without HKDF or
/// JSON: the cost floor the benchmarks compare the codec against, and the RFC 7518 B.3 vector.
#[doc(hidden)]
pub fn aes_cbc_hmac_sha512_encrypt(
    key: &[u8; 64],
    iv: &[u8; 16],
    aad: &[u8],
    plaintext: &[u8],
) -> (Vec<u8>, [u8; 32]) {
    let (mac_key, enc_key) = key.split_at(32);
    let ciphertext = cbc::Encryptor::<aes::Aes256>::new_from_slices(enc_key, iv)
        .unwrap_or_else(|_| unreachable!("key and IV lengths are fixed"))
        .encrypt_padded_vec::<Pkcs7>(plaintext);
    let tag = cbc_tag(mac_key, aad, iv, &ciphertext);
    (ciphertext, tag)
}

/// Raw tag check and AES-256-CBC decryption of [`aes_cbc_hmac_sha512_encrypt`]'s output: the
/// decode floor of the benchmarks. `None` when the tag does not verify.
#[doc(hidden)]
pub fn aes_cbc_hmac_sha512_decrypt(
    key: &[u8; 64],
    iv: &[u8; 16],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8; 32],
) -> Option<Vec<u8>> {
    let (mac_key, enc_key) = key.split_at(32);
    if !bool::from(cbc_tag(mac_key, aad, iv, ciphertext).ct_eq(tag)) {
        return None;
    }
    cbc::Decryptor::<aes::Aes256>::new_from_slices(enc_key, iv)
        .ok()?
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoiN3g5RFVNVmFFVTZnaWFiMGwwT1dEdDRlNFNzUkhfY2J3TW9mMkV6RXl5Nm9uSzVvOHhTUFBCNzk5UlZvcW0ydjZ6Njc0a1FDdjlqb20yVDhTLWExZFEifQ..1vw7m3GbLGQUn1fGdes0rw.Pod6RDp1RNWXwB2NFJwT6WGmK6x7qnIAf8UVqWx64wvhb4R5OJb9Q7M2qs6Bqhw9l9-ISOFAUOrzd0ab0Gq6yyBLuvnX1XqUTDdQRJlvy3rskotgcQ7ireKSFp5I5TASvxs8dbSGHjjKasVJZ4OGU-7roI7hFLHCdDUBiWVU3R-n1TRFGQIXwod2UPFCZdb-UMCdXYcGjUE51kmb2fbI8Q.P1qy00FCRaj0UXFU5GopoPmJmcbPUMadAooRb8g9Wn8";

    #[test]
    fn hkdf_matches_appendix_a() {
        let keys = DerivedKeys::derive("secret", "authjs.session-token");
        assert_eq!(
            hex::encode(keys.key),
            "b1ef6cdd915c44c0a71232574a6a70546a5e16d12bb38df4638e3b96bdd32025\
             131e90695ff072a9d148f1511c7a4981a85b63a628311da1fa7ccfc49c47c2bb"
        );
        assert_eq!(
            keys.kid_cbc,
            "7x9DUMVaEU6giab0l0OWDt4e4SsRH_cbwMof2EzEyy6onK5o8xSPPB799RVoqm2v6z674kQCv9jom2T8S-a1dQ"
        );
    }

    #[test]
    fn kids_for_other_salts_match_appendix_a() {
        for (salt, kid) in [
            (
                "__Secure-authjs.session-token",
                "7E3YIGAxRtn6djTGy1UjZrFvXELHKzM9vfWl0nQ4b88EsnrmmX0grN0VKis7G3fjgB626TXm_lEtBG1N0E7Xyg",
            ),
            (
                "__Secure-authjs.state",
                "fcl0Y4hjz4MvY3nH8v6WQIuRiyVVgF4fftOsRWlIr7-W0AUbygzUwuXi29OM_BBqx9zGDcIHKGpOu2QFT9Mp0g",
            ),
            (
                "encodedState",
                "ze1rGMPGVDubcXDnXo8NkdIqeDyuSSG3mI5gRPgxRiRlgDu9MMjrpKw4-pNomgcTqiQZlith1dCysR6uVPfKfg",
            ),
        ] {
            assert_eq!(DerivedKeys::derive("secret", salt).kid_cbc, kid, "{salt}");
        }
    }

    #[test]
    fn appendix_a_token_decodes_with_kid_choosing_the_second_secret() {
        let codec = JwtCodec::new(["other", "secret"]).unwrap();
        let claims = codec
            .decode_at(VECTOR, "authjs.session-token", 1_700_000_000)
            .unwrap();
        assert_eq!(
            serde_json::to_string(&claims).unwrap(),
            r#"{"name":"Alice","email":"alice@example.com","picture":null,"sub":"user-1","iat":1700000000,"exp":4102444800,"jti":"00000000-0000-4000-8000-000000000000"}"#
        );
    }

    #[test]
    fn wrong_salt_or_secret_is_rejected() {
        let codec = JwtCodec::new(["secret"]).unwrap();
        assert_eq!(
            codec.decode(VECTOR, "__Secure-authjs.session-token"),
            Err(JoseError::NoMatchingSecret)
        );
        let codec = JwtCodec::new(["nope"]).unwrap();
        assert_eq!(
            codec.decode(VECTOR, "authjs.session-token"),
            Err(JoseError::NoMatchingSecret)
        );
    }

    #[test]
    fn expired_token_is_rejected_after_15s_tolerance() {
        let codec = JwtCodec::new(["s"]).unwrap();
        let token = codec.encode_at(&Map::new(), "salt", 100, 1_000).unwrap();
        assert!(codec.decode_at(&token, "salt", 1_100 + 14).is_ok());
        assert_eq!(
            codec.decode_at(&token, "salt", 1_100 + 15),
            Err(JoseError::Expired)
        );
    }

    #[test]
    fn encode_overwrites_registered_claims_in_place() {
        let codec = JwtCodec::new(["s"]).unwrap();
        let mut claims = Map::new();
        claims.insert("iat".into(), 1.into());
        claims.insert("name".into(), "x".into());
        let token = codec.encode_at(&claims, "salt", 10, 5_000).unwrap();
        let decoded = codec.decode_at(&token, "salt", 5_000).unwrap();
        let keys: Vec<_> = decoded.keys().cloned().collect();
        assert_eq!(keys, ["iat", "name", "exp", "jti"]);
        assert_eq!(decoded["iat"], 5_000);
        assert_eq!(decoded["exp"], 5_010);
    }

    #[test]
    fn tampering_any_segment_fails() {
        let codec = JwtCodec::new(["secret"]).unwrap();
        let token = codec
            .encode(&Map::new(), "authjs.session-token", 60)
            .unwrap();
        for i in 0..token.len() {
            let mut bytes = token.clone().into_bytes();
            if bytes[i] == b'.' {
                continue;
            }
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let tampered = String::from_utf8(bytes).unwrap();
            if tampered == token {
                continue;
            }
            assert!(
                codec.decode(&tampered, "authjs.session-token").is_err(),
                "byte {i} altered but token accepted"
            );
        }
    }

    #[test]
    fn rfc7518_b3_aes_256_cbc_hmac_sha_512() {
        let key: [u8; 64] = hex::decode(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\
             202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
        )
        .unwrap()
        .try_into()
        .unwrap();
        let plaintext = hex::decode(
            "41206369706865722073797374656d206d757374206e6f742062652072657175\
             6972656420746f206265207365637265742c20616e64206974206d7573742062\
             652061626c6520746f2066616c6c20696e746f207468652068616e6473206f66\
             2074686520656e656d7920776974686f757420696e636f6e76656e69656e6365",
        )
        .unwrap();
        let iv: [u8; 16] = hex::decode("1af38c2dc2b96ffdd86694092341bc04")
            .unwrap()
            .try_into()
            .unwrap();
        let aad = hex::decode(
            "546865207365636f6e64207072696e6369706c65206f66204175677573746520\
             4b6572636b686f666673",
        )
        .unwrap();
        let (ciphertext, tag) = aes_cbc_hmac_sha512_encrypt(&key, &iv, &aad, &plaintext);
        assert_eq!(
            hex::encode(&ciphertext),
            "4affaaadb78c31c5da4b1b590d10ffbd3dd8d5d302423526912da037ecbcc7bd\
             822c301dd67c373bccb584ad3e9279c2e6d12a1374b77f077553df829410446b\
             36ebd97066296ae6427ea75c2e0846a11a09ccf5370dc80bfecbad28c73f09b3\
             a3b75e662a2594410ae496b2e2e6609e31e6e02cc837f053d21f37ff4f51950b\
             be2638d09dd7a4930930806d0703b1f6"
        );
        assert_eq!(
            hex::encode(tag),
            "4dd3b4c088a7f45c216839645b2012bf2e6269a8c56a816dbc1b267761955bc5"
        );
    }

    #[test]
    fn secrets_do_not_appear_in_debug() {
        let codec = JwtCodec::new(["hunter2-very-secret"]).unwrap();
        let shown = format!("{codec:?} {:?}", codec.secrets()[0]);
        assert!(!shown.contains("hunter2"));
        assert_eq!(shown, "JwtCodec { secrets: 1, .. } Secret(<redacted>)");
    }

    #[test]
    fn an_empty_secret_list_or_an_empty_secret_is_refused() {
        assert_eq!(
            JwtCodec::new(Vec::<String>::new()).err(),
            Some(JoseError::MissingSecret)
        );
        assert_eq!(
            JwtCodec::new(["a", ""]).err(),
            Some(JoseError::MissingSecret)
        );
        assert_eq!(JwtCodec::new(["a", "b"]).map(|c| c.secrets().len()), Ok(2));
    }

    #[test]
    fn nbf_and_exp_boundaries_are_15_seconds_either_way() {
        let codec = JwtCodec::new(["s"]).unwrap_or_else(|_| unreachable!());
        let mut claims = Map::new();
        claims.insert("nbf".into(), 1_000.into());
        let token = codec
            .encode_at(&claims, "salt", 10_000, 500)
            .unwrap_or_else(|_| unreachable!());
        assert!(codec.decode_at(&token, "salt", 985).is_ok());
        assert_eq!(
            codec.decode_at(&token, "salt", 984),
            Err(JoseError::NotYetValid)
        );
        // exp = 10 500: accepted until 14 s past, refused from 15 s past.
        assert!(codec.decode_at(&token, "salt", 10_514).is_ok());
        assert_eq!(
            codec.decode_at(&token, "salt", 10_515),
            Err(JoseError::Expired)
        );
    }

    fn sealed(codec: &JwtCodec, payload: &str) -> String {
        let key = codec.first_key("salt").unwrap_or_else(|_| unreachable!());
        encrypt_cbc(&key, payload.as_bytes())
    }

    #[test]
    fn claims_decode_as_they_were_encoded_floats_included() {
        // Found by the jwt_decode fuzz target: without serde_json's exact float parsing a
        // large number came back one unit in the last place off.
        let codec = JwtCodec::new(["s"]).unwrap_or_else(|_| unreachable!());
        let claims: Map<String, Value> =
            serde_json::from_str(r#"{"sub":999999999989999499999,"ratio":0.1,"n":-1.5e-300}"#)
                .unwrap_or_default();
        let token = codec
            .encode_at(&claims, "salt", 60, 1_700_000_000)
            .unwrap_or_default();
        let back = codec
            .decode_at(&token, "salt", 1_700_000_000)
            .unwrap_or_default();
        for key in ["sub", "ratio", "n"] {
            assert_eq!(back.get(key), claims.get(key), "{key}");
        }
    }

    #[test]
    fn non_numeric_time_claims_name_the_claim() {
        let codec = JwtCodec::new(["s"]).unwrap_or_else(|_| unreachable!());
        for (payload, expected) in [
            (r#"{"exp":"soon"}"#, "exp is not a number"),
            (r#"{"nbf":"later"}"#, "nbf is not a number"),
            (r#"{"iat":[1]}"#, "iat is not a number"),
            ("[1,2]", "payload is not a JSON object"),
            ("nope", "payload is not JSON"),
        ] {
            assert_eq!(
                codec.decode(&sealed(&codec, payload), "salt"),
                Err(JoseError::InvalidClaims(expected)),
                "{payload}"
            );
        }
        // A token without exp is refused (Auth.js accepts it, and it never expires).
        assert_eq!(
            codec.decode(&sealed(&codec, r#"{"sub":"1"}"#), "salt"),
            Err(JoseError::InvalidClaims("the token has no exp"))
        );
        assert!(
            codec
                .decode(&sealed(&codec, r#"{"sub":"1","exp":4102444800}"#), "salt")
                .is_ok()
        );
    }

    /// An A256GCM token as `jose` writes it (Auth.js decodes these), for the GCM path.
    fn gcm_token(codec: &JwtCodec, payload: &str, iv_len: usize, tag_len: usize) -> String {
        let key = codec.first_key("salt").unwrap_or_else(|_| unreachable!());
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"dir","enc":"A256GCM"}"#);
        let cipher = Aes256Gcm::new_from_slice(&key.key[..32]).unwrap_or_else(|_| unreachable!());
        let iv = [7u8; 12];
        let nonce = aes_gcm::Nonce::try_from(&iv[..]).unwrap_or_else(|_| unreachable!());
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: payload.as_bytes(),
                    aad: header.as_bytes(),
                },
            )
            .unwrap_or_else(|_| unreachable!());
        let (ciphertext, tag) = sealed.split_at(sealed.len() - 16);
        let mut iv_out = iv.to_vec();
        iv_out.resize(iv_len, 7);
        let mut tag_out = tag.to_vec();
        tag_out.resize(tag_len, 0);
        format!(
            "{header}..{}.{}.{}",
            URL_SAFE_NO_PAD.encode(iv_out),
            URL_SAFE_NO_PAD.encode(ciphertext),
            URL_SAFE_NO_PAD.encode(tag_out)
        )
    }

    #[test]
    fn a256gcm_tokens_decode_and_their_lengths_are_checked() {
        let codec = JwtCodec::new(["s"]).unwrap_or_else(|_| unreachable!());
        let claims = codec
            .decode(
                &gcm_token(&codec, r#"{"sub":"gcm","exp":4102444800}"#, 12, 16),
                "salt",
            )
            .unwrap_or_default();
        assert_eq!(claims.get("sub").and_then(Value::as_str), Some("gcm"));
        assert_eq!(
            codec.decode(&gcm_token(&codec, "{}", 16, 16), "salt"),
            Err(JoseError::Malformed("IV must be 12 bytes"))
        );
        assert_eq!(
            codec.decode(&gcm_token(&codec, "{}", 12, 15), "salt"),
            Err(JoseError::Malformed("tag must be 16 bytes"))
        );
        let mut tampered = gcm_token(&codec, r#"{"sub":"gcm","exp":4102444800}"#, 12, 16);
        let last = tampered.pop().unwrap_or('A');
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        assert_eq!(
            codec.decode(&tampered, "salt"),
            Err(JoseError::DecryptionFailed)
        );
    }

    #[test]
    fn the_raw_construction_decrypts_what_it_encrypts_and_refuses_a_bad_tag() {
        let key = [9u8; 64];
        let iv = [3u8; 16];
        let (ciphertext, tag) = aes_cbc_hmac_sha512_encrypt(&key, &iv, b"aad", b"plaintext");
        assert_eq!(
            aes_cbc_hmac_sha512_decrypt(&key, &iv, b"aad", &ciphertext, &tag).as_deref(),
            Some(&b"plaintext"[..])
        );
        let mut bad = tag;
        bad[0] ^= 1;
        assert_eq!(
            aes_cbc_hmac_sha512_decrypt(&key, &iv, b"aad", &ciphertext, &bad),
            None
        );
        assert_eq!(
            aes_cbc_hmac_sha512_decrypt(&key, &iv, b"AAD", &ciphertext, &tag),
            None
        );
    }

    /// A CBC token under any header (the header is the AAD, as in a real token).
    fn cbc_with_header(key: &DerivedKeys, header: &str, payload: &str) -> String {
        let header_b64 = URL_SAFE_NO_PAD.encode(header);
        let iv = [3u8; 16];
        let (ciphertext, tag) =
            aes_cbc_hmac_sha512_encrypt(&key.key, &iv, header_b64.as_bytes(), payload.as_bytes());
        format!(
            "{header_b64}..{}.{}.{}",
            URL_SAFE_NO_PAD.encode(iv),
            URL_SAFE_NO_PAD.encode(ciphertext),
            URL_SAFE_NO_PAD.encode(tag)
        )
    }

    #[test]
    fn own_headers_skip_parsing_and_any_other_valid_header_still_decodes() {
        let codec = JwtCodec::new(["new", "old"]).unwrap_or_else(|_| unreachable!());
        let ring = codec.ring("salt");
        // The canonical header of the older secret picks that secret.
        let old = &ring[1];
        let canonical = format!(
            r#"{{"alg":"dir","enc":"{ENC_CBC}","kid":"{}"}}"#,
            old.kid_cbc
        );
        assert_eq!(URL_SAFE_NO_PAD.encode(&canonical), old.header_cbc);
        let token = cbc_with_header(old, &canonical, r#"{"sub":"a","exp":4102444800}"#);
        assert_eq!(
            codec.decode(&token, "salt").map(|c| c["sub"].clone()),
            Ok("a".into())
        );
        // The same header with its members in another order, and one without kid (first secret).
        let reordered = format!(
            r#"{{"kid":"{}","enc":"{ENC_CBC}","alg":"dir"}}"#,
            old.kid_cbc
        );
        let token = cbc_with_header(old, &reordered, r#"{"sub":"b","exp":4102444800}"#);
        assert_eq!(
            codec.decode(&token, "salt").map(|c| c["sub"].clone()),
            Ok("b".into())
        );
        let bare = format!(r#"{{"alg":"dir","enc":"{ENC_CBC}"}}"#);
        let token = cbc_with_header(&ring[0], &bare, r#"{"sub":"c","exp":4102444800}"#);
        assert_eq!(
            codec.decode(&token, "salt").map(|c| c["sub"].clone()),
            Ok("c".into())
        );
        // A canonical header does not make a token under another key acceptable.
        let token = cbc_with_header(&ring[0], &canonical, r#"{"sub":"d","exp":4102444800}"#);
        assert_eq!(
            codec.decode(&token, "salt"),
            Err(JoseError::DecryptionFailed)
        );
        // The memo holds one ring per salt, the same keys every time.
        assert!(Arc::ptr_eq(&codec.ring("salt"), &ring));
        assert!(!Arc::ptr_eq(&codec.ring("other"), &ring));
        assert!(
            Arc::ptr_eq(&codec.ring("salt"), &ring),
            "a second salt does not push out the first"
        );
    }

    #[test]
    fn every_header_and_segment_check_has_its_own_error() {
        let codec = JwtCodec::new(["secret"]).unwrap_or_else(|_| unreachable!());
        let token = codec
            .encode(&Map::new(), "salt", 60)
            .unwrap_or_else(|_| unreachable!());
        let parts: Vec<&str> = token.split('.').collect();
        let with_header = |header: &str| {
            let mut p = parts.clone();
            let h = URL_SAFE_NO_PAD.encode(header);
            p[0] = &h;
            codec.decode(&p.join("."), "salt")
        };
        let kid = {
            let header: Value =
                serde_json::from_slice(&b64(parts[0]).unwrap_or_default()).unwrap_or_default();
            header["kid"].as_str().unwrap_or_default().to_owned()
        };
        let dir =
            |extra: &str| format!(r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{kid}"{extra}}}"#);
        use JoseError::*;
        for (header, expected) in [
            (dir(r#","zip":"DEF""#), UnsupportedAlgorithm("zip".into())),
            (
                dir(r#","crit":["exp"]"#),
                UnsupportedAlgorithm("crit".into()),
            ),
            (
                r#"{"alg":"RSA-OAEP","enc":"A256CBC-HS512"}"#.to_owned(),
                UnsupportedAlgorithm("RSA-OAEP".into()),
            ),
            (
                r#"{"enc":"A256CBC-HS512"}"#.to_owned(),
                Malformed("header has no alg"),
            ),
            (
                r#"{"alg":7,"enc":"A256CBC-HS512"}"#.to_owned(),
                Malformed("header has no alg"),
            ),
            (
                r#"{"alg":"dir","enc":"A128GCM"}"#.to_owned(),
                UnsupportedAlgorithm("A128GCM".into()),
            ),
            (
                r#"{"alg":"dir"}"#.to_owned(),
                Malformed("header has no enc"),
            ),
            (
                r#"{"alg":"dir","enc":"A256CBC-HS512","kid":5}"#.to_owned(),
                Malformed("kid is not a string"),
            ),
            (
                r#"{"alg":"dir","enc":"A256CBC-HS512","kid":"unknown"}"#.to_owned(),
                NoMatchingSecret,
            ),
            ("[1]".to_owned(), Malformed("header is not a JSON object")),
            ("{".to_owned(), Malformed("header is not JSON")),
            // The header is authenticated: the same header written differently fails the tag.
            (
                format!(r#"{{"enc":"A256CBC-HS512","alg":"dir","kid":"{kid}"}}"#),
                DecryptionFailed,
            ),
        ] {
            assert_eq!(with_header(&header), Err(expected), "{header}");
        }
        assert_eq!(with_header(&dir("")).map(|c| c.len()), Ok(3));

        let with_parts = |p: &[&str]| codec.decode(&p.join("."), "salt");
        assert_eq!(
            with_parts(&parts[..4]),
            Err(Malformed("expected five segments"))
        );
        let mut six = parts.clone();
        six.push("");
        assert_eq!(with_parts(&six), Err(Malformed("expected five segments")));
        let mut keyed = parts.clone();
        keyed[1] = "AAAA";
        assert_eq!(
            with_parts(&keyed),
            Err(Malformed("direct encryption has no encrypted key"))
        );
        let short_iv = URL_SAFE_NO_PAD.encode([0u8; 15]);
        let mut p = parts.clone();
        p[2] = &short_iv;
        assert_eq!(with_parts(&p), Err(Malformed("IV must be 16 bytes")));
        let short_tag = URL_SAFE_NO_PAD.encode([0u8; 31]);
        let mut p = parts.clone();
        p[4] = &short_tag;
        assert_eq!(with_parts(&p), Err(Malformed("tag must be 32 bytes")));
        let mut p = parts.clone();
        p[3] = "not base64!";
        assert_eq!(with_parts(&p), Err(Malformed("segment is not base64url")));
        assert_eq!(codec.decode("", "salt"), Err(Malformed("empty token")));
    }
}
