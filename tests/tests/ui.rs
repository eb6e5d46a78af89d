//! Compile-time behaviour of `#[redis_script]`: what compiles, and the exact
//! diagnostics of what does not. Regenerate snapshots with `TRYBUILD=overwrite`
//! and review the diff.

#[test]
fn ui() {
    {
        let cases = trybuild::TestCases::new();
        cases.pass("tests/ui/pass/*.rs");
        cases.compile_fail("tests/ui/fail/*.rs");
        // one rejected script per lint, with the output users see
        cases.compile_fail("tests/ui/lints/*.rs");
        // runs the cases when dropped
    }
    // `scripts.toml`: trybuild's generated crates have no root of their own to hold
    // one, so it is named through `SCRIPTS_TOML`, which the macro reads when the crate
    // root has none. Set only now, after the cases above ran, and read by the cargo
    // trybuild spawns (this binary runs no other test).
    for (dir, config) in [("tests/ui/config", "config"), ("tests/ui/config_bad", "config_bad")] {
        let toml = format!("{}/tests/ui/{config}/scripts.toml", env!("CARGO_MANIFEST_DIR"));
        // SAFETY: this test is the only one in this binary, and no other thread runs
        unsafe { std::env::set_var("SCRIPTS_TOML", toml) };
        let cases = trybuild::TestCases::new();
        cases.compile_fail(format!("{dir}/*.rs"));
    }
}
