//! Session-token decoding: any string, under the session salt and a check-cookie salt, with one
//! secret and with rotated ones. It must answer `Ok` or a `JoseError`, never panic.
#![no_main]

use std::sync::LazyLock;

use auth_runtime::jose::JwtCodec;
use libfuzzer_sys::fuzz_target;

static ONE: LazyLock<JwtCodec> = LazyLock::new(|| JwtCodec::new(["fuzz-secret"]).expect("a codec"));
static ROTATED: LazyLock<JwtCodec> =
    LazyLock::new(|| JwtCodec::new(["new-secret", "fuzz-secret"]).expect("a codec"));

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    for salt in ["authjs.session-token", "authjs.state"] {
        let _ = ONE.decode_at(token, salt, 1_700_000_000);
        let _ = ROTATED.decode_at(token, salt, 1_700_000_000);
    }
    // A token this codec wrote always decodes back (the claims are the input when it is JSON;
    // `iat` and `exp` are the codec's, and an `nbf` of the wrong type is refused on decode).
    if let Ok(serde_json::Value::Object(mut claims)) = serde_json::from_slice(data) {
        claims.remove("nbf");
        let token = ONE
            .encode_at(&claims, "authjs.session-token", 60, 1_700_000_000)
            .expect("encodes");
        let back = ONE
            .decode_at(&token, "authjs.session-token", 1_700_000_000)
            .expect("its own token decodes");
        assert_eq!(back.get("sub"), claims.get("sub"));
    }
});
