//! Every lint `#[redis_script]` or `#[redis_library]` can raise has its trybuild case,
//! `tests/ui/lints/<lint>.rs`, whose `.stderr` is the compiler output users see (as
//! every lint has its `bad_*`/`good_*` fixtures in `scripts-lint/tests/lints/`). A lint
//! only a `.lua` file's `--!` header can raise (redis-lua-lint's input) is exempt, and
//! so are redis-lua-lint's own lints, which are not the checker's.

use std::path::Path;

use scripts_lint::lints;

/// The checker's lints the macros never raise, each with why.
const EXEMPT: &[(&str, &str)] = &[(
    "invalid_header",
    "only a `--!` header raises it, which the macros do not read",
)];

#[test]
fn every_lint_the_macros_raise_has_its_ui_case() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/lints");
    let mut missing = Vec::new();
    for lint in lints::ALL {
        let case = dir.join(format!("{}.rs", lint.name));
        let output = dir.join(format!("{}.stderr", lint.name));
        if EXEMPT.iter().any(|(name, _)| *name == lint.name) {
            assert!(
                !case.exists(),
                "`{}` has a ui case: take it off the exempt list",
                lint.name
            );
            continue;
        }
        match std::fs::read_to_string(&output) {
            Ok(text) if case.exists() => assert!(
                text.contains(&format!("[{}]", lint.name)) || text.contains(&format!("macro `{}`", lint.name)),
                "tests/ui/lints/{}.stderr shows no `{0}` finding",
                lint.name
            ),
            _ => missing.push(lint.name),
        }
    }
    assert!(
        missing.is_empty(),
        "lints without a ui case (tests/ui/lints/<lint>.rs, then `TRYBUILD=overwrite cargo test -p scripts-tests --test ui`): {missing:?}"
    );
    for exempt in EXEMPT {
        assert!(
            lints::find(exempt.0).is_some(),
            "`{}` is exempt but is no lint",
            exempt.0
        );
    }
    // and every case is named after a lint
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            lints::find(&stem).is_some(),
            "tests/ui/lints/{stem}: no lint of that name"
        );
    }
}
