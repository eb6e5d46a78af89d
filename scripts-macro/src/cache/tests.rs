//! The cache gives back exactly what the checker says, and only for the same script,
//! signature and build; whatever goes wrong with it, the script is checked.

use std::path::{Path, PathBuf};

use scripts_lint::{Diagnostic, Edit, Level, Param, ParamRef, ParamType, Report, Signature, Target, header};

use super::{Cache, decode, encode, sha1_hex};

/// A fresh directory under the target dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("scripts-cache-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn same(a: &Report, b: &Report) -> bool {
    a.diagnostics == b.diagnostics
        && a.read_only == b.read_only
        && a.flags == b.flags
        && a.derived_keys == b.derived_keys
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// A queue claim as applications write it: helpers, an alias, keys from a prefix,
/// guards; with warnings (an unused key, `ARGV` compared without `tonumber`) and an
/// error (a command Redis does not have), so entries carry every kind of field.
const CLAIM: &str = r#"
local rcall = redis.call
local prefix = KEYS[1]
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2]) or 10

local function jobKey(id)
  return prefix .. 'job:' .. id
end

local function isPaused()
  return rcall('HEXISTS', prefix .. 'meta', 'paused') == 1
end

if isPaused() then
  return {}
end

local claimed = {}
local ids = rcall('ZRANGEBYSCORE', prefix .. 'delayed', 0, now, 'LIMIT', 0, limit)
for i = 1, #ids do
  local id = ids[i]
  local key = jobKey(id)
  if rcall('EXISTS', key) == 1 then
    rcall('ZREM', prefix .. 'delayed', id)
    rcall('LPUSH', prefix .. 'wait', id)
    rcall('HSET', key, 'claimedAt', now)
    claimed[#claimed + 1] = id
  else
    rcall('ZREM', prefix .. 'delayed', id)
  end
end

if ARGV[3] == 'trace' then
  rcall('XADD', prefix .. 'events', '*', 'event', 'claimed', 'count', #claimed)
end

if #claimed > 0 then
  rcall('HINCRBY', prefix .. 'meta', 'claimed', #claimed)
  rcall('PEXPIRE', prefix .. 'meta', 86400000)
end

rcall('HSETT', prefix .. 'meta', 'last', now)
return claimed
"#;

fn claim_signature() -> Signature {
    Signature {
        keys: vec![
            Param::new("prefix", ParamType::Text, false).prefix(),
            Param::new("unused", ParamType::Text, false),
        ],
        args: vec![
            Param::new("now", ParamType::Int64, false),
            Param::new("limit", ParamType::Int, false),
            Param::new("trace", ParamType::Text, false),
        ],
        ..Signature::default()
    }
}

#[test]
fn the_fixture_script_has_warnings_errors_and_parameter_findings() {
    let report = scripts_lint::check(CLAIM, &claim_signature());
    let levels: Vec<Level> = report.diagnostics.iter().map(|d| d.level).collect();
    assert!(levels.contains(&Level::Warn), "{:#?}", report.diagnostics);
    assert!(levels.contains(&Level::Deny), "{:#?}", report.diagnostics);
    assert!(report.diagnostics.iter().any(|d| d.param.is_some()));
    assert!(report.diagnostics.iter().any(|d| d.help.is_some()));
}

#[test]
fn every_fixture_of_the_checker_reads_back_as_it_was_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts-lint/tests/lints");
    let mut checked = 0;
    for dir in std::fs::read_dir(root).unwrap() {
        for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_none_or(|e| e != "lua") {
                continue;
            }
            let source = std::fs::read_to_string(&file).unwrap();
            let signature = header::parse(&source).signature;
            let report = scripts_lint::check(&source, &signature);
            let bytes = encode(&report).expect("every finding names a registered lint");
            let back = decode(&bytes).expect("an entry reads back");
            assert!(same(&report, &back), "{}", file.display());
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} fixtures");
}

#[test]
fn every_field_of_a_finding_reads_back() {
    // what no lint writes yet (a fix, a library declaration) is kept too
    let finding = Diagnostic::new("unused_key", Level::Warn, 3..9, "key `k` is never read")
        .label("here")
        .secondary(0..2, "declared here")
        .secondary(10..10, "")
        .help("use `KEYS[2]`")
        .note("one\nnote with a line break")
        .about(ParamRef::Function(7))
        .fix(
            "write `KEYS[2]`",
            vec![Edit::new(3..9, "KEYS[2]"), Edit::new(12..12, "")],
        );
    let report = Report {
        diagnostics: vec![
            finding.clone(),
            Diagnostic {
                param: None,
                fix: None,
                ..finding
            },
        ],
        read_only: true,
        flags: vec!["no-writes".to_owned(), "allow-oom".to_owned()],
        // every kind of derived key, which the generated docs list
        derived_keys: vec![
            scripts_lint::DerivedKeys {
                from: scripts_lint::KeySource::Key(1),
                uses: vec![4..9, 20..31],
            },
            scripts_lint::DerivedKeys {
                from: scripts_lint::KeySource::Arg(3),
                uses: vec![40..52, 70..75],
            },
            scripts_lint::DerivedKeys {
                from: scripts_lint::KeySource::Annotation {
                    target: "args[1]".to_owned(),
                    prefix: true,
                    at: 60..67,
                },
                uses: Vec::new(),
            },
        ],
    };
    assert!(same(&report, &decode(&encode(&report).unwrap()).unwrap()));
    // a lint the registry does not know is not kept: it could not be read back
    let unknown = Report {
        diagnostics: vec![Diagnostic::new("no_such_lint", Level::Warn, 0..1, "x")],
        ..Report::default()
    };
    assert!(encode(&unknown).is_none());
}

#[test]
fn a_second_check_takes_the_report_from_the_cache() {
    let dir = TempDir::new("hit");
    let cache = Cache::at(dir.0.join("build"), "build-a");
    let signature = claim_signature();
    let first = cache.check(CLAIM, &sha1_hex(CLAIM), &signature);
    assert!(same(&first, &scripts_lint::check(CLAIM, &signature)));
    assert_eq!(entries(&cache.dir).len(), 1);

    // an entry in its place that says something else is what the next check returns:
    // the script is not checked again
    let key = cache.key(&sha1_hex(CLAIM), &signature);
    let planted = Report {
        read_only: true,
        ..Report::default()
    };
    std::fs::write(cache.entry(&key), encode(&planted).unwrap()).unwrap();
    assert!(same(&cache.check(CLAIM, &sha1_hex(CLAIM), &signature), &planted));
}

#[test]
fn any_change_of_what_the_report_depends_on_misses() {
    let dir = TempDir::new("miss");
    let cache = Cache::at(dir.0.join("build"), "build-a");
    let signature = claim_signature();
    let base = cache.key(&sha1_hex(CLAIM), &signature);

    let mut variants: Vec<(&str, String)> = Vec::new();
    variants.push((
        "text",
        cache.key(&sha1_hex(&CLAIM.replace("86400000", "86400001")), &signature),
    ));
    let mut levels = signature.clone();
    levels.levels.push(("unused_key".to_owned(), Level::Allow));
    variants.push(("levels", cache.key(&sha1_hex(CLAIM), &levels)));
    let mut target = signature.clone();
    target.target = Target::Redis7_4;
    variants.push(("target", cache.key(&sha1_hex(CLAIM), &target)));
    let mut params = signature.clone();
    params.args[1].ty = ParamType::Text;
    variants.push(("a parameter's type", cache.key(&sha1_hex(CLAIM), &params)));
    let mut returns = signature.clone();
    returns.returns = scripts_lint::ReturnType::List;
    variants.push(("return type", cache.key(&sha1_hex(CLAIM), &returns)));
    let mut read_only = signature.clone();
    read_only.read_only = true;
    variants.push(("read_only", cache.key(&sha1_hex(CLAIM), &read_only)));
    let rebuilt = Cache::at(dir.0.join("build"), "build-b");
    variants.push(("the macro's build", rebuilt.key(&sha1_hex(CLAIM), &signature)));
    for (what, key) in &variants {
        assert_ne!(key, &base, "a change of {what} must change the key");
    }

    // and each is checked for what it is: a level written takes effect at once
    cache.check(CLAIM, &sha1_hex(CLAIM), &signature);
    let allowed = cache.check(CLAIM, &sha1_hex(CLAIM), &levels);
    assert!(same(&allowed, &scripts_lint::check(CLAIM, &levels)));
    assert!(allowed.diagnostics.iter().all(|d| d.lint != "unused_key"));
}

#[test]
fn a_damaged_entry_is_checked_again_and_replaced() {
    let dir = TempDir::new("corrupt");
    let cache = Cache::at(dir.0.join("build"), "build-a");
    let signature = claim_signature();
    let fresh = scripts_lint::check(CLAIM, &signature);
    cache.check(CLAIM, &sha1_hex(CLAIM), &signature);
    let entry = cache.entry(&cache.key(&sha1_hex(CLAIM), &signature));
    let good = std::fs::read(&entry).unwrap();

    let mut damaged: Vec<Vec<u8>> = vec![Vec::new(), good[..good.len() / 2].to_vec(), b"garbage".to_vec()];
    for at in [0, 20, good.len() / 2, good.len() - 1] {
        let mut flipped = good.clone();
        flipped[at] ^= 0x40;
        damaged.push(flipped);
    }
    let mut longer = good.clone();
    longer.push(0);
    damaged.push(longer);
    for bytes in damaged {
        assert!(decode(&bytes).is_none());
        std::fs::write(&entry, &bytes).unwrap();
        assert!(same(&cache.check(CLAIM, &sha1_hex(CLAIM), &signature), &fresh));
        assert_eq!(std::fs::read(&entry).unwrap(), good, "the entry is written again");
    }
}

#[test]
fn a_cache_that_cannot_be_written_checks_every_time() {
    let dir = TempDir::new("unwritable");
    // a file where the directory should be: nothing can be created under it
    let blocker = dir.0.join("blocker");
    std::fs::write(&blocker, "not a directory").unwrap();
    let cache = Cache::at(blocker.join("build"), "build-a");
    let signature = claim_signature();
    for _ in 0..2 {
        assert!(same(
            &cache.check(CLAIM, &sha1_hex(CLAIM), &signature),
            &scripts_lint::check(CLAIM, &signature)
        ));
    }
    assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "not a directory");
}

#[test]
fn builds_writing_at_once_leave_whole_entries() {
    let dir = TempDir::new("concurrent");
    let signature = claim_signature();
    let fresh = scripts_lint::check(CLAIM, &signature);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                let cache = Cache::at(dir.0.join("build"), "build-a");
                for _ in 0..10 {
                    assert!(same(&cache.check(CLAIM, &sha1_hex(CLAIM), &signature), &fresh));
                }
            });
        }
    });
    let cache = Cache::at(dir.0.join("build"), "build-a");
    // one entry, no temporary file left behind
    assert_eq!(
        entries(&cache.dir),
        vec![cache.entry(&cache.key(&sha1_hex(CLAIM), &signature))]
    );
}

#[test]
fn a_new_build_removes_the_entries_of_builds_idle_for_a_day() {
    let dir = TempDir::new("prune");
    let signature = claim_signature();
    let old = Cache::at(dir.0.join("old"), "build-a");
    old.check(CLAIM, &sha1_hex(CLAIM), &signature);
    let recent = Cache::at(dir.0.join("recent"), "build-b");
    recent.check(CLAIM, &sha1_hex(CLAIM), &signature);
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 24 * 60 * 60);
    std::fs::File::open(&old.dir)
        .unwrap()
        .set_modified(two_days_ago)
        .unwrap();
    let new = Cache::at(dir.0.join("new"), "build-c");
    new.check(CLAIM, &sha1_hex(CLAIM), &signature);
    let mut left = entries(&dir.0);
    left.sort();
    // another build in use keeps its entries
    assert_eq!(left, vec![new.dir.clone(), recent.dir.clone()]);
}

#[test]
fn the_running_build_is_found_with_its_cache_beside_it() {
    // in a test, the running code is the test binary: found the same way
    let cache = Cache::current().expect("Linux maps the running code's file");
    assert!(cache.dir.parent().unwrap().ends_with("scripts-cache"));
    let exe = std::env::current_exe().unwrap();
    assert!(
        cache.build.starts_with(&*exe.to_string_lossy()),
        "{} vs {}",
        cache.build,
        exe.display()
    );
}
