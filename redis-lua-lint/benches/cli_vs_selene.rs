//! Whole command runs over a project of 300 scripts (20,021 lines, 50 to 1,000 lines
//! each; `scripts-lint/benches/support/scripts.rs`, `project()`), against selene on the
//! same files in the same run.
//!
//! ```sh
//! nice cargo install selene --version 0.31.0 --locked --root target/selene   # once
//! cargo bench -p redis-lua-lint --bench cli_vs_selene
//! ```
//!
//! Each round runs `redis-lua-lint DIR` and `selene DIR` as processes (both on every
//! core, output discarded), alternating which goes first; the ratio is taken per round
//! and its median reported. selene runs twice per round: with `std = "lua51"` (it then
//! reports every `KEYS`, `ARGV` and `redis` as undefined) and with `lua51` plus the
//! Redis scripting globals (a fairer workload: few findings). `SELENE` overrides the
//! selene binary, `ROUNDS` the number of rounds (default 21).
//!
//! Targets: the command under 0.5 s, and not slower than selene with `std = "lua51"`;
//! the bench exits with status 1 when either is missed.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

#[path = "../../scripts-lint/benches/support/scripts.rs"]
#[allow(dead_code)] // the generator's other helpers serve the checker's own bench
mod scripts;

/// The signature every generated script is checked against, in the configuration.
const CONFIG: &str = "[[scripts]]\nfiles = [\"*.lua\"]\n\
                      signature = \"keys: from, to  args: amount:i64, label, window:i64  returns: ()\"\n";

/// selene's `lua51` plus the Redis scripting globals, as `tests/benches/checker_vs_selene.sh` has it.
const SELENE_REDIS_STD: &str = r#"---
base: lua51
name: redis
globals:
  KEYS:
    any: true
  ARGV:
    any: true
  redis.call:
    args:
      - type: string
      - type: "..."
  redis.pcall:
    args:
      - type: string
      - type: "..."
  cjson:
    any: true
  cmsgpack:
    any: true
  bit:
    any: true
  struct:
    any: true
"#;

fn target_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is `<target>/tmp`
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("inside the target directory")
        .to_path_buf()
}

fn generate(dir: &Path) -> usize {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("a directory for the scripts");
    let mut lines = 0;
    for (name, text) in scripts::project() {
        lines += text.lines().count();
        std::fs::write(dir.join(name), text).expect("a script written");
    }
    std::fs::write(dir.join("redis-lua-lint.toml"), CONFIG).expect("the configuration");
    std::fs::write(dir.join("selene-lua51.toml"), "std = \"lua51\"\n").expect("a selene configuration");
    std::fs::write(dir.join("selene-redis.toml"), "std = \"redis\"\n").expect("a selene configuration");
    std::fs::write(dir.join("redis.yml"), SELENE_REDIS_STD).expect("a selene standard library");
    lines
}

/// Runs `command` in `dir`, output discarded; its wall time.
fn time(dir: &Path, program: &Path, args: &[&str]) -> Duration {
    let started = Instant::now();
    let status = Command::new(program)
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the command runs");
    let elapsed = started.elapsed();
    // selene exits 1 when it reports errors, ours must find nothing
    assert!(status.code().is_some(), "{program:?} was killed");
    elapsed
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; this bench takes no filter
    let ours = PathBuf::from(env!("CARGO_BIN_EXE_redis-lua-lint"));
    let selene = std::env::var_os("SELENE")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("selene/bin/selene"));
    if !selene.is_file() {
        eprintln!(
            "selene not found at {}: `nice cargo install selene --version 0.31.0 --locked --root target/selene`, or set SELENE",
            selene.display()
        );
        return ExitCode::FAILURE;
    }
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(21);
    let dir = target_dir().join("bench-cli/project");
    let lines = generate(&dir);

    // both must really check: ours finds nothing, selene reports its summary
    let check = Command::new(&ours)
        .current_dir(&dir)
        .arg(".")
        .output()
        .expect("redis-lua-lint runs");
    let summary = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success() && summary.contains("checked 300 scripts: no problems found"),
        "the generated scripts must be clean: {summary}"
    );
    for config in ["selene-lua51.toml", "selene-redis.toml"] {
        let out = Command::new(&selene)
            .current_dir(&dir)
            .args(["--config", config, "--display-style", "quiet", "."])
            .output()
            .expect("selene runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Results:") && text.contains("0 parse errors"),
            "selene with {config}: {text}"
        );
        let findings: Vec<&str> = text.lines().skip_while(|l| *l != "Results:").skip(1).collect();
        println!("selene --config {config}: {}", findings.join(", "));
    }
    let version = Command::new(&selene).arg("--version").output().expect("selene runs");
    println!(
        "{}, {rounds} rounds, {lines} lines in 300 files",
        String::from_utf8_lossy(&version.stdout).trim()
    );

    let ours_args = ["."];
    let lua51_args = ["--config", "selene-lua51.toml", "--display-style", "quiet", "."];
    let redis_args = ["--config", "selene-redis.toml", "--display-style", "quiet", "."];
    for _ in 0..2 {
        time(&dir, &ours, &ours_args);
        time(&dir, &selene, &lua51_args);
        time(&dir, &selene, &redis_args);
    }
    let (mut t_ours, mut t_lua51, mut t_redis) = (Vec::new(), Vec::new(), Vec::new());
    let (mut r_lua51, mut r_redis) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let (a, b, c) = if round % 2 == 0 {
            let a = time(&dir, &ours, &ours_args);
            let b = time(&dir, &selene, &lua51_args);
            let c = time(&dir, &selene, &redis_args);
            (a, b, c)
        } else {
            let c = time(&dir, &selene, &redis_args);
            let b = time(&dir, &selene, &lua51_args);
            let a = time(&dir, &ours, &ours_args);
            (a, b, c)
        };
        let (a, b, c) = (a.as_secs_f64(), b.as_secs_f64(), c.as_secs_f64());
        t_ours.push(a);
        t_lua51.push(b);
        t_redis.push(c);
        r_lua51.push(a / b);
        r_redis.push(a / c);
    }
    let spread = |v: &[f64]| {
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(0.0, f64::max);
        (min, max)
    };
    let ms = |v: &mut Vec<f64>| {
        let (min, max) = spread(v);
        format!("{:.1} ms ({:.1}–{:.1})", median(v) * 1e3, min * 1e3, max * 1e3)
    };
    let ratio = |v: &mut Vec<f64>| {
        let (min, max) = spread(v);
        format!("**{:.2}** ({:.2}–{:.2})", median(v), min, max)
    };
    let ours_median = median(&mut t_ours.clone());
    let lua51_ratio = median(&mut r_lua51.clone());
    println!();
    println!("| 300 scripts, 20,021 lines, one process each | median (min–max) of {rounds} rounds |");
    println!("|---|---:|");
    println!("| `redis-lua-lint .` | {} |", ms(&mut t_ours));
    println!("| `selene .` (`std = \"lua51\"`) | {} |", ms(&mut t_lua51));
    println!("| `selene .` (`lua51` + Redis globals) | {} |", ms(&mut t_redis));
    println!("| ours / selene lua51, per round | {} |", ratio(&mut r_lua51));
    println!("| ours / selene lua51+Redis, per round | {} |", ratio(&mut r_redis));
    let fast = ours_median < 0.5;
    let not_slower = lua51_ratio <= 1.0;
    println!();
    println!(
        "under 0.5 s: {}; not slower than selene (lua51): {}",
        yes(fast),
        yes(not_slower)
    );
    if fast && not_slower {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn yes(ok: bool) -> &'static str {
    if ok { "yes" } else { "NO" }
}
