//! The command, run on a tree of scripts written for these tests
//! (`tests/fixtures/`): every output format, configuration, suppression, exit status
//! and bad input. Each `tests/cmd/<case>.toml` is one invocation (arguments, working
//! directory, standard input, exit status) with its expected `<case>.stdout` and
//! `<case>.stderr` next to it.
//!
//! After an intended change, regenerate the expected output with
//! `TRYCMD=overwrite cargo test -p redis-lua-lint --test cli` and review the diff.

#[test]
fn cli() {
    trycmd::TestCases::new()
        // colour only where a case asks for it, whatever the environment says
        .env("CLICOLOR_FORCE", "0")
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.toml");
}

/// A first reader installs from the READMEs: the install line of each registry, and no
/// placeholder address anywhere (the project has no public one yet).
#[test]
fn readmes_install_from_the_registries() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (readme, lines) in [
        (
            root.join("README.md"),
            &[
                "npm install --save-dev redis-lua-lint",
                "pip install redis-lua-lint",
                "cargo install redis-lua-lint",
                "cargo install --path redis-lua-lint",
            ][..],
        ),
        (
            root.join("../README.md"),
            &[
                "npm install --save-dev redis-lua-lint",
                "pip install redis-lua-lint",
                "cargo install redis-lua-lint",
                "cargo install --path redis-lua-lint",
                ".pre-commit-config.yaml",
                "uses: ./",
            ][..],
        ),
    ] {
        let text = std::fs::read_to_string(&readme).unwrap();
        for line in lines {
            assert!(text.contains(line), "{} lacks `{line}`", readme.display());
        }
        for placeholder in ["example.invalid", "example.com", "--git https://"] {
            assert!(
                !text.contains(placeholder),
                "{} names `{placeholder}`",
                readme.display()
            );
        }
    }
}
