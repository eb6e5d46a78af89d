//! crates.io: `cargo package` of the five crates with its verification build, and
//! `cargo install` of the packaged linter, the one release build the other tests reuse.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::{
    CRATES, VERSION, archive_files, cargo, check_binary, fixture_project, fresh, root, run, shared, work,
};

/// The packaged crates and the linter installed from them.
pub(crate) struct Packaged {
    /// The `.crate` files, as `cargo publish` would upload them.
    pub(crate) crates: Vec<PathBuf>,
    /// The packaged `redis-lua-lint`, unpacked outside the workspace.
    pub(crate) linter_source: PathBuf,
    /// The target directory the release build used (maturin reuses it).
    pub(crate) target_dir: PathBuf,
    /// `cargo install`'s binary.
    pub(crate) binary: PathBuf,
}

pub(crate) fn packaged() -> &'static Packaged {
    static CELL: OnceLock<Result<Packaged, String>> = OnceLock::new();
    shared(&CELL, package_and_install)
}

/// Forgets what an earlier run verified, so this run's sources are the ones built.
///
/// The verification build reads each packaged dependency from a registry cargo makes
/// under `target_dir/package/tmp-registry`, unpacked into
/// `$CARGO_HOME/registry/src/-<hash of that path>/<name>-<version>/`. Cargo takes a
/// registry's crate of a given name and version to be immutable: it never unpacks one
/// it finds there again, and never rebuilds one it finds built in the target
/// directory. Run twice from one checkout, the second verification would build the
/// first run's sources (and report errors of code that no longer exists).
fn forget_earlier_verification(target_dir: &Path) {
    let debug = target_dir.join("debug");
    if debug.exists() {
        std::fs::remove_dir_all(&debug).unwrap_or_else(|e| panic!("cannot remove {}: {e}", debug.display()));
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let Some(sources) = home.map(|home| home.join("registry/src")) else {
        return;
    };
    let Ok(registries) = std::fs::read_dir(&sources) else {
        return;
    };
    for registry in registries.flatten() {
        // crates.io's directory is named after its host; local registries have no name
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for name in CRATES {
            let unpacked = registry.path().join(format!("{name}-{VERSION}"));
            if unpacked.exists() {
                std::fs::remove_dir_all(&unpacked)
                    .unwrap_or_else(|e| panic!("cannot remove {}: {e}", unpacked.display()));
            }
        }
    }
}

/// `cargo package` of `crates`, into `target_dir/package/`.
fn cargo_package(target_dir: &Path, crates: &[&str], verify: bool) {
    let mut package = cargo();
    package
        .current_dir(root())
        .args(["package", "--allow-dirty", "--offline", "--target-dir"])
        .arg(target_dir);
    if !verify {
        package.arg("--no-verify");
    }
    for name in crates {
        package.args(["-p", name]);
    }
    run(&mut package, 0);
}

fn package_and_install() -> Packaged {
    let target_dir = work().join("target");
    forget_earlier_verification(&target_dir);
    // The verification build: each library built alone from its .crate file, as
    // crates.io users get it. The linter's is its `cargo install` below, the release
    // build the other tests need anyway: a debug one too would build clap, toml and
    // ignore a second time for nothing. (It is packaged with the checker and the
    // declaration reader, which it depends on and which crates.io does not have yet.)
    cargo_package(&target_dir, &CRATES[..5], true);
    cargo_package(&target_dir, &["scripts-lint", "scripts-decl", "redis-lua-lint"], false);
    let crates: Vec<PathBuf> = CRATES
        .iter()
        .map(|name| target_dir.join("package").join(format!("{name}-{VERSION}.crate")))
        .collect();

    // Unpacked outside the workspace, or cargo would take them for its members. The
    // linter depends on `scripts-lint = "=VERSION"` and `scripts-decl = "=VERSION"`,
    // which crates.io does not have yet: the packaged ones stand in for them.
    let mut hasher = DefaultHasher::new();
    root().hash(&mut hasher);
    let unpacked = fresh(std::env::temp_dir().join(format!("scripts-packaging-{:016x}", hasher.finish())));
    for file in &crates {
        run(Command::new("tar").arg("-xzf").arg(file).arg("-C").arg(&unpacked), 0);
    }
    std::fs::create_dir_all(unpacked.join(".cargo")).unwrap();
    std::fs::write(
        unpacked.join(".cargo/config.toml"),
        format!(
            "[patch.crates-io]\nscripts-lint = {{ path = \"scripts-lint-{VERSION}\" }}\nscripts-decl = {{ path = \"scripts-decl-{VERSION}\" }}\n"
        ),
    )
    .unwrap();

    let linter_source = unpacked.join(format!("redis-lua-lint-{VERSION}"));
    let install_root = fresh(work().join("cargo-root"));
    run(
        cargo()
            .current_dir(&unpacked)
            .args(["install", "--offline", "--path"])
            .arg(&linter_source)
            .arg("--root")
            .arg(&install_root)
            .arg("--target-dir")
            .arg(&target_dir),
        0,
    );
    Packaged {
        crates,
        linter_source,
        target_dir,
        binary: install_root.join("bin/redis-lua-lint"),
    }
}

#[test]
fn crates_package_and_the_linter_installs_from_its_crate() {
    let packaged = packaged();
    for (name, file) in CRATES.iter().zip(&packaged.crates) {
        let prefix = format!("{name}-{VERSION}/");
        let files: Vec<String> = archive_files(file)
            .iter()
            .map(|path| path.strip_prefix(&prefix).unwrap_or(path).to_owned())
            .collect();
        for needed in ["Cargo.toml", "README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
            assert!(files.iter().any(|f| f == needed), "{name}: no {needed} in {files:?}");
        }
        // what the builds read is under src/; fixtures, benches' data and examples
        // that need the workspace stay home
        let stray: Vec<&String> = files
            .iter()
            .filter(|f| !f.starts_with("src/") && !f.starts_with("Cargo.") && !f.starts_with("LICENSE-"))
            .filter(|f| !matches!(f.as_str(), "README.md" | ".cargo_vcs_info.json"))
            .collect();
        assert!(
            stray.is_empty(),
            "{name} ships files its build does not read: {stray:?}"
        );
        let size = std::fs::metadata(file).unwrap().len();
        assert!(size < 400 * 1024, "{name}: {size} bytes compressed");
    }
    check_binary(
        |args| {
            let mut command = Command::new(&packaged.binary);
            command.args(args);
            command
        },
        &fixture_project(),
    );
}
