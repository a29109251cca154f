//! `Cookie` header parsing and session-chunk reassembly: bounded output (256 pairs, 32 chunks),
//! and writing a value back always yields chunks that reassemble to it.
#![no_main]

use auth_runtime::cookies::{
    CookieOptions, CookieSpec, MAX_COOKIE_PAIRS, MAX_SESSION_CHUNKS, SessionStore,
    parse_cookie_header,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Several header lines, as a browser or a proxy may send them.
    let pairs = parse_cookie_header(text.split('\n'));
    assert!(pairs.len() <= MAX_COOKIE_PAIRS);
    let spec = CookieSpec {
        name: "authjs.session-token".into(),
        options: CookieOptions::defaults(false),
    };
    let store = SessionStore::new(&spec, &pairs);
    assert!(store.clean().len() <= MAX_SESSION_CHUNKS as usize);
    let value = store.value().unwrap_or("fresh").to_owned();
    let written = store.write(&value, None);
    assert!(written.len() <= 2 * MAX_SESSION_CHUNKS as usize + 1);
    let kept: Vec<(String, String)> = written
        .iter()
        .filter(|c| c.options.max_age != Some(0))
        .map(|c| (c.name.clone(), c.value.clone()))
        .collect();
    let again = SessionStore::new(&spec, &kept);
    if value.len() <= 30 * auth_runtime::cookies::CHUNK_SIZE {
        assert_eq!(again.value(), Some(value.as_str()));
    }
});
