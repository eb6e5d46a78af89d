//! Input the snapshot tree cannot hold: a file that cannot be read (a dangling
//! symbolic link; and a file without read permission, where the tests do not run as
//! root, for whom permissions do not apply).

use std::path::PathBuf;

use snapbox::cmd::{Command, cargo_bin};
use snapbox::str;

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

#[cfg(unix)]
#[test]
fn a_file_that_cannot_be_read_is_reported_and_the_rest_checked() {
    use std::os::unix::fs::PermissionsExt;

    let dir = scratch("unreadable");
    std::fs::write(dir.join("get.lua"), "--! keys: k\nreturn redis.call('GET', KEYS[1])\n").unwrap();
    std::os::unix::fs::symlink("moved-away.lua", dir.join("dangling.lua")).unwrap();
    let locked = dir.join("locked.lua");
    std::fs::write(&locked, "return 1\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let root = std::fs::read(&locked).is_ok();

    let assert = Command::new(cargo_bin!("redis-lua-lint"))
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .arg("--no-config")
        .assert()
        .code(2);
    if root {
        assert
            .stderr_eq(str![[r#"
error: cannot read `dangling.lua`: no such file or directory

"#]])
            .stdout_eq(str![[r#"
note: 1 of 2 scripts declares no keys or arguments (`locked.lua`): `keys_out_of_range`, `argv_out_of_range`, `unused_key` and `unused_arg` were skipped for it
  = help: declare them in a header (`--! keys: job  args: token`), in `redis-lua-lint.toml` (`[[scripts]]`), or name files `name-N.lua` and pass `--keys-from-file-name`
checked 2 scripts: no problems found; 1 input error

"#]]);
    } else {
        assert
            .stderr_eq(str![[r#"
error: cannot read `dangling.lua`: no such file or directory
error: cannot read `locked.lua`: permission denied

"#]])
            .stdout_eq(str![[r#"
checked 1 script: no problems found; 2 input errors

"#]]);
    }
}

#[test]
fn a_directory_named_like_a_script_is_walked_not_read() {
    let dir = scratch("dir-named-lua");
    std::fs::create_dir_all(dir.join("odd.lua")).unwrap();
    Command::new(cargo_bin!("redis-lua-lint"))
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .args(["--no-config", "odd.lua"])
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
error: no `.lua` files in `odd.lua`: pass `.lua` files or a directory that holds some (hidden files and those `.gitignore` lists are skipped)

"#]]);
}

/// A script over the checker's size limit (2 MiB) is refused before it is read, with
/// the limit and what to do, and the other files are checked; from standard input too.
#[test]
fn a_script_over_the_size_limit_is_refused_and_the_rest_checked() {
    let dir = scratch("too-large");
    std::fs::write(dir.join("get.lua"), "--! keys: k\nreturn redis.call('GET', KEYS[1])\n").unwrap();
    let line = "redis.call('SET', KEYS[1], 'v')\n";
    let big = line.repeat(100_000);
    assert_eq!(big.len(), 3_200_000);
    std::fs::write(dir.join("big.lua"), &big).unwrap();
    Command::new(cargo_bin!("redis-lua-lint"))
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .arg("--no-config")
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
error: cannot read `big.lua`: the script is 3200000 bytes, more than the 2097152 bytes (2 MiB) the checker reads: split it into smaller scripts, or the functions of a library

"#]])
        .stdout_eq(str![[r#"
checked 1 script: no problems found; 1 input error

"#]]);
    Command::new(cargo_bin!("redis-lua-lint"))
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .args(["--no-config", "-"])
        .stdin(big)
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
error: cannot read `<stdin>`: the script is more than 2097152 bytes (2 MiB), the most the checker reads: split it into smaller scripts or the functions of a library

"#]]);
}
