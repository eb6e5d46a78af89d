//! `redis-lua-lint`: the checker of `#[redis_script]` as a command, for `.lua` Redis
//! scripts in any language's project and in CI.
//!
//! ```sh
//! redis-lua-lint lua/                       # every *.lua below lua/
//! redis-lua-lint --format sarif . > redis-lua-lint.sarif
//! redis-lua-lint --includes --keys-from-file-name src/commands
//! redis-lua-lint --fix --diff lua/               # the certain fixes, as a diff
//! redis-lua-lint --emit-definitions .redis-lua  # LuaCATS definitions for LuaLS, EmmyLua
//! ```
//!
//! `redis-lua-lint lsp` runs the language server (stdio), for editors.
//!
//! Exit status: 0 when no error-level finding, 1 when there is one, 2 when a file or the
//! configuration cannot be read or the command line is wrong.

mod cli;
mod config;
mod definitions;
mod files;
mod fix;
mod include;
mod lint;
mod lsp;
mod output;
mod paths;
mod rules;
mod run;
mod suppress;

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use scripts_lint::lints::LevelError;
use scripts_lint::{Level, Target};

use crate::cli::{Args, ColorWhen};
use crate::config::Settings;

/// Exit status when a file or the configuration cannot be read, or the command line
/// is wrong (clap exits with 2 on its own for the latter).
const INPUT_ERROR: u8 = 2;

fn main() -> ExitCode {
    // `redis-lua-lint lsp [--stdio]`: the language server, which takes no other flag
    if std::env::args_os().nth(1).is_some_and(|a| a == "lsp") {
        return lsp::main();
    }
    let args = Args::parse();
    let color = match args.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    match run(args, color) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            let mut err = anstream::AutoStream::new(std::io::stderr(), color);
            let style = anstyle::AnsiColor::Red.on_default().bold();
            let _ = writeln!(err, "{}error{}: {message}", style.render(), style.render_reset());
            ExitCode::from(INPUT_ERROR)
        }
    }
}

/// Runs the command; `Err` is a message for an error that stops it (exit status 2).
fn run(args: Args, color: anstream::ColorChoice) -> Result<u8, String> {
    if args.list_lints {
        return list_lints();
    }
    if let Some(name) = &args.explain {
        return explain(name);
    }
    if let Some(dir) = &args.emit_definitions {
        let written = definitions::emit(dir)?;
        println!(
            "wrote {} files to {}: {}",
            written.len(),
            dir.display(),
            written.join(", ")
        );
        return Ok(0);
    }
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {}", paths::io_error(&e)))?;
    let config = if args.no_config {
        None
    } else {
        config::discover(args.config.as_deref(), &cwd)?.map(|(_, config)| config)
    };
    let target = match &args.min_version {
        Some(version) => Some(
            version
                .parse::<Target>()
                .map_err(|message| format!("invalid `--min-version`: {message}"))?,
        ),
        None => config.as_ref().and_then(|c| c.min_version),
    };
    let (levels, deny_warnings) = command_line_levels(&args)?;
    let settings = Settings {
        includes: args.includes || config.as_ref().is_some_and(|c| c.includes),
        keys_from_file_name: args.keys_from_file_name || config.as_ref().is_some_and(|c| c.keys_from_file_name),
        target,
        levels,
        deny_warnings,
        config,
        cwd,
    };

    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    if args.fix && !args.diff && paths.iter().any(|p| p.as_os_str() == "-") {
        return Err("`--fix` writes files, not standard input: use `--fix --diff` to see the fixes".to_owned());
    }
    let collected = files::collect(&paths, &settings, args.stdin_filename.as_deref());
    let mut diff = None;
    let mut run = if args.fix {
        let fixing = fix::fix_all(&settings, collected.inputs);
        let mut run = fixing.run;
        if args.diff {
            diff = Some(fix::diff(&fixing.changes));
        } else {
            run.input_errors.extend(fix::write(&fixing.changes));
        }
        run.fixed = Some(output::Fixed {
            applied: fixing.applied,
            files: fixing.changes.len(),
            written: !args.diff,
            refused: fixing.refused,
        });
        run
    } else {
        run::check_all(&settings, collected.inputs, HashMap::new())
    };
    run.input_errors.extend(collected.errors);
    match output::print(&run, args.format, color, args.quiet, args.verbose, diff.as_deref()) {
        // the reader went away (`| head`): nothing more to say, and nobody to say it to
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        result => result.map_err(|e| format!("cannot write the output: {e}"))?,
    }
    Ok(if !run.input_errors.is_empty() {
        INPUT_ERROR
    } else if run.errors() > 0 {
        1
    } else {
        0
    })
}

/// `--allow`, `--warn`, `--deny` as levels, in that order; and whether `--deny
/// warnings` was given.
fn command_line_levels(args: &Args) -> Result<(Vec<(String, Level)>, bool), String> {
    let mut levels = Vec::new();
    let mut deny_warnings = false;
    for (flag, names, level) in [
        ("--allow", &args.allow, Level::Allow),
        ("--warn", &args.warn, Level::Warn),
        ("--deny", &args.deny, Level::Deny),
    ] {
        for name in names.iter().map(|n| n.trim()) {
            if level == Level::Deny && name == "warnings" {
                deny_warnings = true;
                continue;
            }
            match rules::check_level(name, level) {
                Ok(_) => levels.push((name.to_owned(), level)),
                Err(LevelError::Unknown { suggestion }) => {
                    return Err(format!(
                        "unknown lint `{name}` in `{flag}`: {}",
                        rules::unknown_lint_help(suggestion)
                    ));
                }
                Err(LevelError::AlwaysDenied { reason }) => {
                    return Err(format!("`{name}` cannot be allowed or downgraded: {reason}"));
                }
            }
        }
    }
    Ok((levels, deny_warnings))
}

fn list_lints() -> Result<u8, String> {
    let rules = rules::all();
    let width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = std::io::stdout().lock();
    for rule in rules {
        let level = match rule.default_level {
            Level::Deny => "error",
            Level::Warn => "warn",
            Level::Allow => "allow",
        };
        writeln!(out, "{:width$}  {level:5}  {}", rule.name, rule.summary).map_err(|e| e.to_string())?;
    }
    Ok(0)
}

fn explain(name: &str) -> Result<u8, String> {
    let rule = rules::find(name).ok_or_else(|| {
        let suggestion = scripts_lint::lints::suggest(name, rules::all().iter().map(|rule| rule.name));
        format!("unknown lint `{name}`: {}", rules::unknown_lint_help(suggestion))
    })?;
    let level = match rule.default_level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "allowed (off)",
    };
    println!(
        "{}: {}\n\ndefault level: {level}\n\n{}",
        rule.name,
        rule.summary,
        rules::doc(rule)
    );
    Ok(0)
}
