//! Compile-time behaviour of `#[redis_script]`: what compiles, and the exact
//! diagnostics of what does not. Regenerate snapshots with `TRYBUILD=overwrite`
//! and review the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
    // one rejected script per lint, with the output users see
    cases.compile_fail("tests/ui/lints/*.rs");
}
