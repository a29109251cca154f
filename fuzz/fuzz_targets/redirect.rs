//! The default `redirect` callback: whatever URL is asked for, the answer stays on the site's
//! origin.
#![no_main]

use auth_runtime::callbacks::default_redirect;
use libfuzzer_sys::fuzz_target;

const BASES: [&str; 3] = [
    "http://localhost:3000",
    "https://app.example",
    "https://app.example:8443/base",
];

fuzz_target!(|data: &[u8]| {
    let Ok(asked) = std::str::from_utf8(data) else {
        return;
    };
    for base in BASES {
        let Ok(target) = default_redirect(asked, base) else {
            continue;
        };
        let origin = url::Url::parse(base).expect("a base URL").origin();
        let landed = url::Url::parse(&target).expect("the answer is an absolute URL");
        assert_eq!(landed.origin(), origin, "{asked:?} -> {target:?}");
    }
});
