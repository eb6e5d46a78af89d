//! The command line.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// What `--version` prints after the name: the checker's version and the servers whose
/// command tables it carries (`0.1.0 (commands of Redis 7.0.15, Redis 7.4, Valkey 8.0.1)`),
/// read from the table itself so a new export changes it.
fn version() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let sources = scripts_lint::redis::commands::SOURCES.join(", ");
        format!("{} (commands of {sources})", env!("CARGO_PKG_VERSION"))
    })
}

/// Checks Redis Lua scripts: keys that do not come from `KEYS`, `ARGV` used as numbers,
/// unknown commands and wrong arity, globals, Lua 5.2+ syntax, unseeded `math.random`
/// and more (`--list-lints`).
///
/// Exit status: 0 when no error-level finding, 1 when there is one, 2 when a file or the
/// configuration could not be read or the command line is wrong.
#[derive(Debug, Parser)]
#[command(name = "redis-lua-lint", version = version(), max_term_width = 100)]
pub(crate) struct Args {
    /// Files and directories to check (directories: every `*.lua` inside, honouring
    /// `.gitignore`); `-` reads a script from standard input. Default: `.`
    pub(crate) paths: Vec<PathBuf>,

    /// How findings are printed
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,

    /// Colour in `human` output (auto: when printing to a terminal and `NO_COLOR` is unset)
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub(crate) color: ColorWhen,

    /// The configuration file (default: the first `redis-lua-lint.toml` in the current
    /// directory or a parent)
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub(crate) config: Option<PathBuf>,

    /// Read no configuration file
    #[arg(long)]
    pub(crate) no_config: bool,

    /// Splice `--- @include "<name>"` lines (BullMQ's convention) before checking;
    /// findings are reported in the file where they are written
    #[arg(long)]
    pub(crate) includes: bool,

    /// A script named `name-N.lua` takes N keys (when no header or configuration says)
    #[arg(long)]
    pub(crate) keys_from_file_name: bool,

    /// The oldest server the scripts must run on: 7.0 (default), 7.2, 7.4, valkey-8.0
    #[arg(long, value_name = "VERSION")]
    pub(crate) min_version: Option<String>,

    /// Switch lints off (comma-separated lint names)
    #[arg(short = 'A', long, value_name = "LINT", value_delimiter = ',')]
    pub(crate) allow: Vec<String>,

    /// Report lints as warnings
    #[arg(short = 'W', long, value_name = "LINT", value_delimiter = ',')]
    pub(crate) warn: Vec<String>,

    /// Report lints as errors; `--deny warnings` makes every warning an error
    #[arg(short = 'D', long, value_name = "LINT", value_delimiter = ',')]
    pub(crate) deny: Vec<String>,

    /// The file name a script read from standard input is reported under (and matched
    /// against the configuration's globs, and its includes resolved from)
    #[arg(long, value_name = "PATH")]
    pub(crate) stdin_filename: Option<PathBuf>,

    /// Print findings only: no notes, no summary
    #[arg(short, long, conflicts_with = "verbose")]
    pub(crate) quiet: bool,

    /// Name every script a note is about (by default the first three)
    #[arg(short, long)]
    pub(crate) verbose: bool,

    /// List every lint with its default level, and exit
    #[arg(long, exclusive = true)]
    pub(crate) list_lints: bool,

    /// Print the documentation of a lint, and exit
    #[arg(long, value_name = "LINT", exclusive = true)]
    pub(crate) explain: Option<String>,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Like rustc: the place, the line with a caret, the help
    Human,
    /// One line per finding: `path:line:column: level[lint] message`
    Concise,
    /// A JSON array of findings
    Json,
    /// One JSON object per line, per finding
    JsonLines,
    /// SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure DevOps)
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...`): annotations on the diff
    Github,
}

/// When to print colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorWhen {
    /// On a terminal, unless `NO_COLOR` is set
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}
