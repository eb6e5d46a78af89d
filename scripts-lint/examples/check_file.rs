//! The checker as a command, for process-level timing against other Lua linters.
//!
//! ```sh
//! cargo run --release -p scripts-lint --example check_file -- FILE...
//! cargo run --release -p scripts-lint --example check_file -- --generate DIR
//! ```
//!
//! `FILE...`: reads each file, runs [`scripts_lint::check`] on it (a file starting
//! `#!lua name=`: [`scripts_lint::check_library`], nothing declared) and prints the
//! number of findings (`FILE: N`). The signature is the one of `benches/check.rs`: keys `from`
//! and `to`, arguments `amount`, `label` and `window`, returning `()`.
//!
//! `--generate DIR`: writes the scripts `benches/check.rs` measures, `typical_N.lua` and
//! `dense_N.lua` for N = 50, 200, 1,000 and 5,000 lines, the function libraries
//! `library_7.lua` (the seed patterns) and `library_35.lua` (five renamed copies), plus
//! an empty `empty.lua` (a process's start-up cost alone), so other tools can check
//! the same files.

use std::path::Path;
use std::process::ExitCode;

use scripts_lint::{LibrarySignature, check, check_library};

#[path = "../benches/support/scripts.rs"]
mod scripts;
use scripts::{SIZES, TYPICAL, block, script, signature};

fn generate(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let signature = signature();
    let typical = |_| TYPICAL.to_owned();
    for (name, make) in [("typical", &typical as &dyn Fn(usize) -> String), ("dense", &block)] {
        for lines in SIZES {
            let source = script(lines, make);
            let findings = check(&source, &signature).diagnostics.len();
            if source.lines().count() != lines || findings != 0 {
                return Err(format!(
                    "{name}_{lines}: {} lines, {findings} findings",
                    source.lines().count()
                ));
            }
            let path = dir.join(format!("{name}_{lines}.lua"));
            std::fs::write(&path, source).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("{}", path.display());
        }
    }
    // the seed patterns as one function library, and five renamed copies of it as one
    for (name, copies) in [("library_7", 1), ("library_35", 5)] {
        let path = dir.join(format!("{name}.lua"));
        std::fs::write(&path, library(copies)).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}", path.display());
    }
    let empty = dir.join("empty.lua");
    std::fs::write(&empty, "").map_err(|e| format!("{}: {e}", empty.display()))?;
    println!("{}", empty.display());
    Ok(())
}

/// `scripts/examples/lua/patterns.lua` (7 functions); with `copies` > 1, that many
/// copies of its body in one library, each copy's functions and helpers renamed.
fn library(copies: usize) -> String {
    const PATTERNS: &str = include_str!("../../scripts/examples/lua/patterns.lua");
    const NAMES: [&str; 8] = [
        "number",
        "compare_and_swap",
        "transfer",
        "acquire_lock",
        "release_lock",
        "rate_limit",
        "reserve_stock",
        "stock",
    ];
    if copies == 1 {
        return PATTERNS.to_owned();
    }
    let body = PATTERNS.split_once('\n').map_or("", |(_, body)| body);
    let mut out = String::from("#!lua name=big\n");
    for copy in 0..copies {
        // renames whole identifiers only (`tonumber` stays), in code and in the
        // registered names' literals
        let mut renamed = String::new();
        let mut word = String::new();
        for c in body.chars().chain(std::iter::once('\n')) {
            if c.is_ascii_alphanumeric() || c == '_' {
                word.push(c);
                continue;
            }
            if NAMES.contains(&word.as_str()) {
                word = format!("{word}_{copy}");
            }
            renamed.push_str(&word);
            word.clear();
            renamed.push(c);
        }
        out.push_str(&renamed);
    }
    out
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [flag, dir] if flag == "--generate" => generate(Path::new(dir)),
        [] => Err("usage: check_file FILE... | check_file --generate DIR".into()),
        files => {
            let signature = signature();
            files.iter().try_for_each(|file| {
                let source = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
                // a function library (`#!lua name=`): every function checked on its own
                let findings = if source.starts_with("#!lua name=") {
                    check_library(&source, &LibrarySignature::default()).all().count()
                } else {
                    check(&source, &signature).diagnostics.len()
                };
                println!("{file}: {findings}");
                Ok(())
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("check_file: {message}");
            ExitCode::FAILURE
        }
    }
}
