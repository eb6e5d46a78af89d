//! The checker as a command, for process-level timing against other Lua linters.
//!
//! ```sh
//! cargo run --release -p scripts-lint --example check_file -- FILE...
//! cargo run --release -p scripts-lint --example check_file -- --generate DIR
//! ```
//!
//! `FILE...`: reads each file, runs [`scripts_lint::check`] on it and prints the number
//! of findings (`FILE: N`). The signature is the one of `benches/check.rs`: keys `from`
//! and `to`, arguments `amount`, `label` and `window`, returning `()`.
//!
//! `--generate DIR`: writes the scripts `benches/check.rs` measures, `typical_N.lua` and
//! `dense_N.lua` for N = 50, 200, 1,000 and 5,000 lines, plus an empty `empty.lua` (a
//! process's start-up cost alone), so other tools can check the same files.

use std::path::Path;
use std::process::ExitCode;

use scripts_lint::{Param, ParamType, ReturnType, Signature, check};

// The generator below is a copy of `benches/check.rs`'s (its items are private to that
// bench); `generate` refuses to write files when the two drift apart.
const BENCH_SOURCE: &str = include_str!("../benches/check.rs");

/// One block of 10 lines; `i` keeps locals distinct between blocks.
fn block(i: usize) -> String {
    format!(
        "local balance_{i} = tonumber(redis.call('GET', KEYS[1]) or '0')\n\
         local amount_{i} = tonumber(ARGV[1]) or 0\n\
         if balance_{i} >= amount_{i} then\n\
         \x20 redis.call('DECRBY', KEYS[1], ARGV[1])\n\
         \x20 redis.call('INCRBY', KEYS[2], ARGV[1])\n\
         end\n\
         for _, key_{i} in ipairs(KEYS) do\n\
         \x20 redis.call('EXPIRE', key_{i}, 60)\n\
         end\n\
         local label_{i} = ARGV[2]:lower() .. ':' .. #KEYS .. ARGV[3]\n"
    )
}

/// The seed patterns as one block of 40 lines, comments and blank lines included.
const TYPICAL: &str = "do
  -- transfer: move ARGV[1] from KEYS[1] to KEYS[2] when funds allow
  local from = tonumber(redis.call('GET', KEYS[1]) or '0')
  local amount = tonumber(ARGV[1])
  if from < amount then return -1 end
  redis.call('DECRBY', KEYS[1], ARGV[1])
  redis.call('INCRBY', KEYS[2], ARGV[1])
end

do
  -- sliding window: the member comes from the caller
  local now = tonumber(ARGV[1])
  local window = tonumber(ARGV[3])
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  if redis.call('ZCARD', KEYS[1]) < 10 then
    redis.call('ZADD', KEYS[1], now, ARGV[2])
    redis.call('PEXPIRE', KEYS[1], window)
  end
end

do
  -- lock release: only the owner's token deletes
  if redis.call('GET', KEYS[1]) == ARGV[2] then
    redis.call('DEL', KEYS[1])
  end
end

do
  -- all-or-nothing reservation over every key
  local quantity = tonumber(ARGV[1])
  local short = false
  for _, item in ipairs(KEYS) do
    if tonumber(redis.call('GET', item) or '0') < quantity then
      short = true
    end
  end
  if not short then
    for i = 1, #KEYS do redis.call('DECRBY', KEYS[i], ARGV[1]) end
  end
end

";

/// A script of exactly `lines` lines made of `block`s (padded with short statements).
fn script(lines: usize, block: impl Fn(usize) -> String) -> String {
    let mut text = String::new();
    let mut i = 0;
    loop {
        let next = block(i);
        if text.lines().count() + next.lines().count() > lines {
            break;
        }
        text += &next;
        i += 1;
    }
    for pad in text.lines().count()..lines {
        text += &format!("local pad_{pad} = {pad}\n");
    }
    text
}

fn signature() -> Signature {
    Signature {
        keys: vec![
            Param::new("from", ParamType::Text, false),
            Param::new("to", ParamType::Text, false),
        ],
        args: vec![
            Param::new("amount", ParamType::Int64, false),
            Param::new("label", ParamType::Text, false),
            Param::new("window", ParamType::Int64, false),
        ],
        returns: ReturnType::Unit,
        return_text: "()".into(),
        ..Signature::default()
    }
}

const SIZES: [usize; 4] = [50, 200, 1_000, 5_000];

/// The copied generator still matches the bench's source text.
fn in_sync_with_bench() -> bool {
    let block_lines = [
        r"local balance_{i} = tonumber(redis.call('GET', KEYS[1]) or '0')\n\",
        r"local amount_{i} = tonumber(ARGV[1]) or 0\n\",
        r"if balance_{i} >= amount_{i} then\n\",
        r"\x20 redis.call('DECRBY', KEYS[1], ARGV[1])\n\",
        r"\x20 redis.call('INCRBY', KEYS[2], ARGV[1])\n\",
        r"for _, key_{i} in ipairs(KEYS) do\n\",
        r"\x20 redis.call('EXPIRE', key_{i}, 60)\n\",
        r"local label_{i} = ARGV[2]:lower() .. ':' .. #KEYS .. ARGV[3]\n",
    ];
    BENCH_SOURCE.contains(&format!("const TYPICAL: &str = \"{TYPICAL}\";"))
        && block_lines.iter().all(|line| BENCH_SOURCE.contains(line))
        && BENCH_SOURCE.contains("text += &format!(\"local pad_{pad} = {pad}\\n\");")
        && BENCH_SOURCE.contains("const SIZES: [usize; 4] = [50, 200, 1_000, 5_000];")
}

fn generate(dir: &Path) -> Result<(), String> {
    if !in_sync_with_bench() {
        return Err("the generator of examples/check_file.rs differs from benches/check.rs: copy it again".into());
    }
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
    let empty = dir.join("empty.lua");
    std::fs::write(&empty, "").map_err(|e| format!("{}: {e}", empty.display()))?;
    println!("{}", empty.display());
    Ok(())
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
                println!("{file}: {}", check(&source, &signature).diagnostics.len());
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
