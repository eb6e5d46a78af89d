//! Paths as the user sees them, and I/O errors as messages.

use std::path::{Component, Path, PathBuf};

/// `path` made absolute against `cwd`, with `.` and `..` resolved lexically (symbolic
/// links are left alone: a path names the file the user named).
pub(crate) fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in cwd.join(path).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// How a file is named in the output: relative to `cwd` when inside it, with `/`
/// separators on every platform (SARIF and GitHub want them).
pub(crate) fn display(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let text = shown.to_string_lossy();
    let text = if std::path::MAIN_SEPARATOR == '\\' {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    };
    if text.is_empty() { ".".to_owned() } else { text }
}

/// An I/O error as a lowercase message without the OS error number.
pub(crate) fn io_error(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "no such file or directory".to_owned(),
        ErrorKind::PermissionDenied => "permission denied".to_owned(),
        ErrorKind::IsADirectory => "it is a directory".to_owned(),
        _ => {
            let text = error.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => text.to_owned(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_resolved_lexically_and_shown_relative() {
        let cwd = Path::new("/work/app");
        assert_eq!(
            absolute(cwd, Path::new("./lua/../lua/a.lua")),
            Path::new("/work/app/lua/a.lua")
        );
        assert_eq!(absolute(cwd, Path::new("/etc/x.lua")), Path::new("/etc/x.lua"));
        assert_eq!(display(Path::new("/work/app/lua/a.lua"), cwd), "lua/a.lua");
        assert_eq!(display(Path::new("/etc/x.lua"), cwd), "/etc/x.lua");
    }
}
