//! The credential public key as Auth.js stores it: the authenticator's COSE key (RFC 9052 §7),
//! CBOR-encoded, then base64. `webauthn-rs` keeps its own structure; these convert between the
//! two so a passkey registered by a Next.js app signs in here, and the other way round.

use ciborium::value::{Integer, Value};
use webauthn_rs::prelude::{
    COSEAlgorithm, COSEEC2Key, COSEKey, COSEKeyType, COSEOKPKey, COSERSAKey, ECDSACurve, EDDSACurve,
};

/// Why a stored key cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("the stored credential public key is not a supported COSE key: {0}")]
pub(crate) struct CoseError(&'static str);

// COSE labels and values (RFC 9052, RFC 9053, RFC 8230).
const KTY: i64 = 1;
const ALG: i64 = 3;
const CRV_OR_N: i64 = -1;
const X_OR_E: i64 = -2;
const Y: i64 = -3;
const KTY_OKP: i64 = 1;
const KTY_EC2: i64 = 2;
const KTY_RSA: i64 = 3;

fn alg_id(alg: COSEAlgorithm) -> i64 {
    alg as i64
}

fn alg_of(id: i64) -> Result<COSEAlgorithm, CoseError> {
    Ok(match id {
        -7 => COSEAlgorithm::ES256,
        -35 => COSEAlgorithm::ES384,
        -36 => COSEAlgorithm::ES521,
        -257 => COSEAlgorithm::RS256,
        -258 => COSEAlgorithm::RS384,
        -259 => COSEAlgorithm::RS512,
        -37 => COSEAlgorithm::PS256,
        -38 => COSEAlgorithm::PS384,
        -39 => COSEAlgorithm::PS512,
        -8 => COSEAlgorithm::EDDSA,
        _ => return Err(CoseError("unknown algorithm")),
    })
}

fn ec_curve_id(curve: &ECDSACurve) -> i64 {
    match curve {
        ECDSACurve::SECP256R1 => 1,
        ECDSACurve::SECP384R1 => 2,
        ECDSACurve::SECP521R1 => 3,
    }
}

/// Encodes a key the way authenticators send it.
pub(crate) fn encode(key: &COSEKey) -> Result<Vec<u8>, CoseError> {
    let int = |n: i64| Value::Integer(Integer::from(n));
    let bytes = |b: &[u8]| Value::Bytes(b.to_vec());
    let mut map = vec![];
    match &key.key {
        COSEKeyType::EC_EC2(ec) => {
            map.push((int(KTY), int(KTY_EC2)));
            map.push((int(ALG), int(alg_id(key.type_))));
            map.push((int(CRV_OR_N), int(ec_curve_id(&ec.curve))));
            map.push((int(X_OR_E), bytes(&ec.x)));
            map.push((int(Y), bytes(&ec.y)));
        }
        COSEKeyType::EC_OKP(okp) => {
            let EDDSACurve::ED25519 = okp.curve else {
                return Err(CoseError("only Ed25519 is supported"));
            };
            map.push((int(KTY), int(KTY_OKP)));
            map.push((int(ALG), int(alg_id(key.type_))));
            map.push((int(CRV_OR_N), int(6)));
            map.push((int(X_OR_E), bytes(&okp.x)));
        }
        COSEKeyType::RSA(rsa) => {
            map.push((int(KTY), int(KTY_RSA)));
            map.push((int(ALG), int(alg_id(key.type_))));
            map.push((int(CRV_OR_N), bytes(&rsa.n)));
            map.push((int(X_OR_E), bytes(&rsa.e)));
        }
    }
    let mut out = Vec::new();
    ciborium::into_writer(&Value::Map(map), &mut out).map_err(|_| CoseError("unencodable"))?;
    Ok(out)
}

/// Decodes a stored key.
pub(crate) fn decode(cbor: &[u8]) -> Result<COSEKey, CoseError> {
    let value: Value = ciborium::from_reader(cbor).map_err(|_| CoseError("not CBOR"))?;
    let Value::Map(entries) = value else {
        return Err(CoseError("not a map"));
    };
    let get = |label: i64| {
        entries.iter().find_map(|(k, v)| match k {
            Value::Integer(i) if i128::from(*i) == i128::from(label) => Some(v),
            _ => None,
        })
    };
    let int = |label: i64| -> Result<i64, CoseError> {
        match get(label) {
            Some(Value::Integer(i)) => {
                i64::try_from(i128::from(*i)).map_err(|_| CoseError("integer out of range"))
            }
            _ => Err(CoseError("missing integer member")),
        }
    };
    let bytes = |label: i64| -> Result<Vec<u8>, CoseError> {
        match get(label) {
            Some(Value::Bytes(b)) => Ok(b.clone()),
            _ => Err(CoseError("missing byte-string member")),
        }
    };
    let type_ = alg_of(int(ALG)?)?;
    let key = match int(KTY)? {
        KTY_EC2 => {
            let curve = match int(CRV_OR_N)? {
                1 => ECDSACurve::SECP256R1,
                2 => ECDSACurve::SECP384R1,
                3 => ECDSACurve::SECP521R1,
                _ => return Err(CoseError("unknown curve")),
            };
            COSEKeyType::EC_EC2(COSEEC2Key {
                curve,
                x: bytes(X_OR_E)?,
                y: bytes(Y)?,
            })
        }
        KTY_OKP => {
            if int(CRV_OR_N)? != 6 {
                return Err(CoseError("only Ed25519 is supported"));
            }
            COSEKeyType::EC_OKP(COSEOKPKey {
                curve: EDDSACurve::ED25519,
                x: bytes(X_OR_E)?,
            })
        }
        KTY_RSA => {
            let e = bytes(X_OR_E)?;
            let e: [u8; 3] = e
                .try_into()
                .map_err(|_| CoseError("RSA exponent is not 3 bytes"))?;
            COSEKeyType::RSA(COSERSAKey {
                n: bytes(CRV_OR_N)?,
                e,
            })
        }
        _ => return Err(CoseError("unknown key type")),
    };
    Ok(COSEKey { type_, key })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ec() -> COSEKey {
        COSEKey {
            type_: COSEAlgorithm::ES256,
            key: COSEKeyType::EC_EC2(COSEEC2Key {
                curve: ECDSACurve::SECP256R1,
                x: vec![1; 32],
                y: vec![2; 32],
            }),
        }
    }

    #[test]
    fn keys_round_trip() {
        let okp = COSEKey {
            type_: COSEAlgorithm::EDDSA,
            key: COSEKeyType::EC_OKP(COSEOKPKey {
                curve: EDDSACurve::ED25519,
                x: vec![3; 32],
            }),
        };
        let rsa = COSEKey {
            type_: COSEAlgorithm::RS256,
            key: COSEKeyType::RSA(COSERSAKey {
                n: vec![4; 256],
                e: [1, 0, 1],
            }),
        };
        for key in [ec(), okp, rsa] {
            assert_eq!(decode(&encode(&key).unwrap()).unwrap(), key);
        }
    }

    #[test]
    fn every_algorithm_keeps_its_cose_number() {
        for (alg, id) in [
            (COSEAlgorithm::ES256, -7),
            (COSEAlgorithm::ES384, -35),
            (COSEAlgorithm::ES521, -36),
            (COSEAlgorithm::RS256, -257),
            (COSEAlgorithm::RS384, -258),
            (COSEAlgorithm::RS512, -259),
            (COSEAlgorithm::PS256, -37),
            (COSEAlgorithm::PS384, -38),
            (COSEAlgorithm::PS512, -39),
            (COSEAlgorithm::EDDSA, -8),
        ] {
            assert_eq!(alg_id(alg), id, "{alg:?}");
            assert_eq!(alg_of(id).ok(), Some(alg), "{id}");
        }
        assert!(alg_of(-65535).is_err(), "RS1 is refused");
        for (curve, id) in [
            (ECDSACurve::SECP256R1, 1),
            (ECDSACurve::SECP384R1, 2),
            (ECDSACurve::SECP521R1, 3),
        ] {
            let key = COSEKey {
                type_: COSEAlgorithm::ES256,
                key: COSEKeyType::EC_EC2(COSEEC2Key {
                    curve: curve.clone(),
                    x: vec![1; 32],
                    y: vec![2; 32],
                }),
            };
            assert_eq!(ec_curve_id(&curve), id);
            assert_eq!(decode(&encode(&key).unwrap()).unwrap(), key);
        }
    }

    #[test]
    fn an_es256_key_is_what_authenticators_send() {
        // {1: 2, 3: -7, -1: 1, -2: h'01..', -3: h'02..'}, the order authenticators use.
        let mut expected = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20];
        expected.extend([1; 32]);
        expected.extend([0x22, 0x58, 0x20]);
        expected.extend([2; 32]);
        assert_eq!(encode(&ec()).unwrap(), expected);
    }

    #[test]
    fn broken_keys_are_errors() {
        for bad in [
            &b""[..],
            &[0xff],
            &[0x01],
            &[0xa1, 0x01, 0x02],
            &[0xa2, 0x01, 0x02, 0x03, 0x39, 0x01, 0x00], // alg -257 without RSA members
            &[0xa2, 0x01, 0x09, 0x03, 0x26],             // unknown kty
        ] {
            assert!(decode(bad).is_err(), "{bad:?}");
        }
    }
}
