//! A software passkey: what a browser and a platform authenticator hand the server, built from
//! the options `webauthn-options` returns (W3C WebAuthn Level 3 §6.1, §6.5, attestation `none`).
//! It can misbehave on purpose: another origin, no user verification, a counter that goes back.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ciborium::value::{Integer, Value as Cbor};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const UP: u8 = 0x01;
const UV: u8 = 0x04;
const BE: u8 = 0x08;
const BS: u8 = 0x10;
const AT: u8 = 0x40;

/// A P-256 passkey.
#[derive(Clone)]
pub struct SoftAuthenticator {
    key: SigningKey,
    /// The credential id.
    pub credential_id: Vec<u8>,
    /// The signature counter; each assertion adds one unless `counter_step` is 0.
    pub counter: u32,
    /// How much each assertion adds to the counter (0: a synced passkey that keeps none).
    pub counter_step: u32,
    /// Whether the user is verified (UV flag).
    pub user_verified: bool,
    /// Backup eligible and backed up (BE, BS flags).
    pub synced: bool,
    /// The origin the "browser" puts in `clientDataJSON`.
    pub origin: String,
    /// The user handle stored at registration.
    pub user_handle: Option<Vec<u8>>,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    for chunk in out.chunks_mut(16) {
        let id = uuid::Uuid::new_v4();
        chunk.copy_from_slice(&id.as_bytes()[..chunk.len()]);
    }
    out
}

impl SoftAuthenticator {
    /// A new passkey for pages of `origin`.
    pub fn new(origin: &str) -> Self {
        let key = loop {
            if let Ok(key) = SigningKey::from_slice(&random_bytes::<32>()) {
                break key;
            }
        };
        Self {
            key,
            credential_id: random_bytes::<16>().to_vec(),
            counter: 0,
            counter_step: 1,
            user_verified: true,
            synced: false,
            origin: origin.to_owned(),
            user_handle: None,
        }
    }

    /// The credential public key as a COSE key (what Auth.js stores, base64).
    pub fn cose_key(&self) -> Vec<u8> {
        let point = self.key.verifying_key().to_encoded_point(false);
        let int = |n: i64| Cbor::Integer(Integer::from(n));
        let map = Cbor::Map(vec![
            (int(1), int(2)),
            (int(3), int(-7)),
            (int(-1), int(1)),
            (int(-2), Cbor::Bytes(point.x().expect("x").to_vec())),
            (int(-3), Cbor::Bytes(point.y().expect("y").to_vec())),
        ]);
        let mut out = Vec::new();
        ciborium::into_writer(&map, &mut out).expect("cbor");
        out
    }

    fn flags(&self) -> u8 {
        let mut flags = UP;
        if self.user_verified {
            flags |= UV;
        }
        if self.synced {
            flags |= BE | BS;
        }
        flags
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        json!({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": false})
            .to_string()
            .into_bytes()
    }

    /// `navigator.credentials.create({ publicKey: options })`, serialised as browsers and
    /// SimpleWebAuthn serialise it.
    pub fn register(&mut self, options: &Value) -> Value {
        let challenge = options["challenge"].as_str().expect("challenge");
        let rp_id = options["rp"]["id"].as_str().expect("rp.id");
        // base64url (WebAuthn L3 JSON); SimpleWebAuthn 9 sends the id as a plain string.
        self.user_handle = options["user"]["id"].as_str().map(|id| {
            URL_SAFE_NO_PAD
                .decode(id)
                .unwrap_or_else(|_| id.as_bytes().to_vec())
        });
        let client_data = self.client_data("webauthn.create", challenge);
        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(self.flags() | AT);
        auth_data.extend(self.counter.to_be_bytes());
        auth_data.extend([0u8; 16]);
        let id_len = u16::try_from(self.credential_id.len()).expect("id length");
        auth_data.extend(id_len.to_be_bytes());
        auth_data.extend(&self.credential_id);
        auth_data.extend(self.cose_key());
        let attestation = Cbor::Map(vec![
            (Cbor::Text("fmt".into()), Cbor::Text("none".into())),
            (Cbor::Text("attStmt".into()), Cbor::Map(vec![])),
            (Cbor::Text("authData".into()), Cbor::Bytes(auth_data)),
        ]);
        let mut attestation_object = Vec::new();
        ciborium::into_writer(&attestation, &mut attestation_object).expect("cbor");
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client_data),
                "attestationObject": b64(&attestation_object),
                "transports": ["internal", "hybrid"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        })
    }

    /// `navigator.credentials.get({ publicKey: options })`; `None` when the options allow only
    /// other credentials (the browser would find nothing to use).
    pub fn authenticate(&mut self, options: &Value) -> Option<Value> {
        let challenge = options["challenge"].as_str().expect("challenge");
        let rp_id = options["rpId"].as_str().expect("rpId");
        if let Some(allowed) = options["allowCredentials"].as_array()
            && !allowed.is_empty()
            && !allowed
                .iter()
                .any(|c| c["id"].as_str() == Some(&b64(&self.credential_id)))
        {
            return None;
        }
        self.counter += self.counter_step;
        let client_data = self.client_data("webauthn.get", challenge);
        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(self.flags());
        auth_data.extend(self.counter.to_be_bytes());
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client_data));
        let signature: Signature = self.key.sign(&signed);
        Some(json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "response": {
                "authenticatorData": b64(&auth_data),
                "clientDataJSON": b64(&client_data),
                "signature": b64(signature.to_der().as_bytes()),
                "userHandle": self.user_handle.as_deref().map(b64),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }))
    }
}
