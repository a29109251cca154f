//! Every diagnostic of `#[auth]` (fail/*.rs with its .stderr) and every attribute form (pass/*.rs,
//! each of which also builds). Regenerate the .stderr files with `TRYBUILD=overwrite` and read them.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("pass/*.rs");
    cases.compile_fail("fail/*.rs");
}
