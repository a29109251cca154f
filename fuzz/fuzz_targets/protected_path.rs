//! The protected-path decision: canonical paths are well formed, a path under the prefix is
//! always covered however it is spelled, and nothing panics.
#![no_main]

use auth_runtime::__fuzz::{canonical, protected};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (prefix, path) = text.split_once('\n').unwrap_or(("/admin", text));
    let path = format!("/{}", path.trim_start_matches('/'));
    let shown = canonical(&path);
    assert!(shown.starts_with('/'));
    assert!(!shown.contains("//"), "{path:?} -> {shown:?}");
    assert!(
        !shown.split('/').any(|s| s == "." || s == ".."),
        "{path:?} -> {shown:?}"
    );
    let _ = protected(prefix, &path, None);
    let _ = protected(prefix, "/x", Some(&path));
    // Anything below the prefix, spelled as-is or percent-encoded, is covered.
    let prefix_path = format!("/{}", prefix.trim_matches('/'));
    if http::Uri::try_from(prefix_path.as_str()).is_ok()
        && !prefix_path.contains(['%', '\\', '?', '#'])
    {
        let below = format!("{prefix_path}/{}", path.trim_start_matches('/'));
        if http::Uri::try_from(below.as_str()).is_ok()
            && !path.contains(['?', '#'])
            && !path
                .split('/')
                .any(|s| s == ".." || s.contains('%') || s.contains('\\'))
        {
            assert!(
                protected(&prefix_path, &below, None),
                "{prefix_path:?} {below:?}"
            );
        }
    }
});
