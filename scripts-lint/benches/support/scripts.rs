//! The scripts the checker is measured on, shared by `benches/check.rs`,
//! `examples/check_file.rs` (which writes them out for other linters) and the command
//! line's `redis-lua-lint/benches/cli_vs_selene.rs`, each of which includes this file
//! with `#[path]`.

use scripts_lint::{Param, ParamType, ReturnType, Signature};

/// One block of 10 lines; `i` keeps locals distinct between blocks. Each block is a
/// `do ... end` scope: Lua 5.1 keeps at most 200 locals in scope in a function, and
/// Redis would refuse a long script that kept all of them.
pub(crate) fn block(i: usize) -> String {
    format!(
        "do local balance_{i} = tonumber(redis.call('GET', KEYS[1]) or '0')\n\
         local amount_{i} = tonumber(ARGV[1]) or 0\n\
         if balance_{i} >= amount_{i} then\n\
         \x20 redis.call('DECRBY', KEYS[1], ARGV[1])\n\
         \x20 redis.call('INCRBY', KEYS[2], ARGV[1])\n\
         end\n\
         for _, key_{i} in ipairs(KEYS) do\n\
         \x20 redis.call('EXPIRE', key_{i}, 60)\n\
         end\n\
         local label_{i} = ARGV[2]:lower() .. ':' .. #KEYS .. ARGV[3] end\n"
    )
}

/// The seed patterns as one block of 40 lines, comments and blank lines included.
pub(crate) const TYPICAL: &str = "do
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
pub(crate) fn script(lines: usize, block: impl Fn(usize) -> String) -> String {
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

/// keys `from`, `to`; arguments `amount`, `label`, `window`; returning `()`
pub(crate) fn signature() -> Signature {
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

/// The script sizes measured, in lines.
pub(crate) const SIZES: [usize; 4] = [50, 200, 1_000, 5_000];

/// A project's worth of scripts for timing whole command runs: 300 scripts of 50 to
/// 1,000 lines, 20,021 lines in all, most of them short as real scripts are (282 of 50
/// to 53 lines; 10 of 150, 4 of 300, 2 of 500, one of 800 and one of 1,000). Typical
/// and dense blocks alternate; every script is clean under [`signature`]. Returns
/// (file name, text) pairs, always the same.
#[allow(dead_code)] // only the command line's bench uses it
pub(crate) fn project() -> Vec<(String, String)> {
    let typical = |_| TYPICAL.to_owned();
    let mut sizes: Vec<usize> = vec![1_000, 800, 500, 500, 300, 300, 300, 300];
    sizes.extend([150; 10]);
    sizes.extend((0..282).map(|i| 50 + i % 4));
    sizes
        .into_iter()
        .enumerate()
        .map(|(i, lines)| {
            let text = if i % 2 == 0 {
                script(lines, typical)
            } else {
                script(lines, block)
            };
            (format!("script_{i:03}_{lines}.lua"), text)
        })
        .collect()
}
