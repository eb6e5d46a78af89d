//! The checker's answers kept between builds: rustc runs every expansion again on each
//! rebuild of a crate, whichever script changed, so a script whose text, signature,
//! levels and target are the same as last time takes its report from here instead of
//! being checked again.
//!
//! An entry is keyed by the SHA-1 of everything the report depends on: the script's
//! text (through its SHA-1, which the expansion computes anyway), its [`Signature`] (parameters, return type, levels, target, host), and the
//! macro's own build (the path, size, modification time and inode of the loaded
//! proc-macro library, which contains the checker: any rebuild of the macro or the
//! checker writes a new library, so an answer is never taken from another build).
//!
//! Entries live next to that library, in `<target>/<profile>/scripts-cache/<build>/`,
//! one file each, so `cargo clean` removes them and a new build of the macro starts an
//! empty directory (the directories of other builds idle for a day are removed then). Two builds
//! running at once stay correct: an entry is written to a temporary file and renamed
//! into place, so a reader sees a whole entry or none, and both writers write the same
//! bytes. An entry ends with the SHA-1 of its content and is read back whole or not at
//! all. Whatever fails (no library path, as on platforms without `/proc/self/maps`; a
//! directory that cannot be created or written; a damaged entry) falls back to
//! checking, silently: the cache only ever saves time.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use sha1::{Digest, Sha1};

use scripts_lint::{DerivedKeys, Diagnostic, Edit, Fix, KeySource, Label, Level, ParamRef, Report, Signature};

/// Bumped when the format of an entry changes.
const FORMAT: &[u8] = b"scripts-cache 2\n";

/// Where this build of the macro keeps its entries.
#[derive(Clone, Debug)]
pub(crate) struct Cache {
    dir: PathBuf,
    /// Written into every key.
    build: String,
}

impl Cache {
    /// The cache of the running macro build, or `None` when its library cannot be
    /// found (then every script is checked).
    pub(crate) fn current() -> Option<&'static Cache> {
        static CURRENT: OnceLock<Option<Cache>> = OnceLock::new();
        CURRENT.get_or_init(discover).as_ref()
    }

    /// A cache in `dir` for the build named `build` (tests).
    #[cfg(test)]
    pub(crate) fn at(dir: PathBuf, build: &str) -> Cache {
        Cache {
            dir,
            build: build.to_owned(),
        }
    }

    /// The report of `source` checked against `signature`: from the cache when this
    /// build checked the same before, else checked now and kept.
    /// `sha1` is the script's SHA-1 in hexadecimal, which the expansion needs anyway:
    /// the key hashes that rather than the text again (SHA-1 is slow in a debug build).
    pub(crate) fn check(&self, source: &str, sha1: &str, signature: &Signature) -> Report {
        let key = self.key(sha1, signature);
        if let Some(report) = self.get(&key) {
            return report;
        }
        let report = scripts_lint::check(source, signature);
        self.put(&key, &report);
        report
    }

    fn key(&self, sha1: &str, signature: &Signature) -> String {
        let mut hash = Sha1::new();
        hash.update(FORMAT);
        hash.update(self.build.as_bytes());
        hash.update([0]);
        hash.update(format!("{signature:?}").as_bytes());
        hash.update([0]);
        hash.update(sha1.as_bytes());
        hex(&hash.finalize())
    }

    fn entry(&self, key: &str) -> PathBuf {
        self.dir.join(key)
    }

    fn get(&self, key: &str) -> Option<Report> {
        let bytes = fs::read(self.entry(key)).ok()?;
        decode(&bytes)
    }

    fn put(&self, key: &str, report: &Report) {
        let Some(bytes) = encode(report) else { return };
        let _ = self.write(key, &bytes);
    }

    /// Writes an entry through a temporary file renamed into place.
    fn write(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        static WRITES: AtomicU64 = AtomicU64::new(0);
        if !self.dir.is_dir() {
            fs::create_dir_all(&self.dir)?;
            prune_other_builds(&self.dir);
        }
        let n = WRITES.fetch_add(1, Ordering::Relaxed);
        let tmp = self.dir.join(format!(".{key}.{}.{n}.tmp", std::process::id()));
        let written = fs::File::create(&tmp).and_then(|mut file| file.write_all(bytes));
        let renamed = written.and_then(|()| fs::rename(&tmp, self.entry(key)));
        if renamed.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        renamed
    }
}

/// The running macro's library and the cache directory beside it.
fn discover() -> Option<Cache> {
    let (library, mapped_inode) = loaded_library(discover as fn() -> Option<Cache> as usize)?;
    let meta = fs::metadata(&library).ok()?;
    // a library replaced since it was loaded (`... (deleted)`, or another file at its
    // path now) is not the build that runs: its answers must not be kept under the
    // new file's name
    if inode(&meta) != mapped_inode {
        return None;
    }
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    let build = format!(
        "{}|{}|{}|{}",
        library.display(),
        meta.len(),
        modified.as_nanos(),
        inode(&meta)
    );
    let parent = library.parent()?;
    // cargo keeps proc macros in `<target>/<profile>/deps`
    let base = if parent.file_name().is_some_and(|n| n == "deps") {
        parent.parent()?
    } else {
        parent
    };
    let short = &hex(&Sha1::digest(build.as_bytes()))[..16];
    Some(Cache {
        dir: base.join("scripts-cache").join(short),
        build,
    })
}

#[cfg(unix)]
fn inode(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_: &fs::Metadata) -> u64 {
    0
}

/// The file mapped at `address` in this process and its inode there (Linux:
/// `/proc/self/maps`).
fn loaded_library(address: usize) -> Option<(PathBuf, u64)> {
    let maps = fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines().find_map(|line| {
        // address range, permissions, offset, device, inode, then the path (which may
        // hold spaces)
        let mut fields = line.split_ascii_whitespace();
        let (start, end) = fields.next()?.split_once('-')?;
        let start = usize::from_str_radix(start, 16).ok()?;
        let end = usize::from_str_radix(end, 16).ok()?;
        if !(start..end).contains(&address) {
            return None;
        }
        let inode = fields.nth(3)?.parse().ok()?;
        let mut rest = line;
        for _ in 0..5 {
            rest = rest.trim_start();
            rest = &rest[rest.find(|c: char| c.is_ascii_whitespace())?..];
        }
        let path = rest.trim();
        path.starts_with('/').then(|| (PathBuf::from(path), inode))
    })
}

/// A directory of another build written to within this long is kept: two builds of
/// the macro may share a target directory (`cargo build` and an editor's, with other
/// features), and removing each other's entries would leave neither any.
const KEEP_OTHER_BUILDS: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// Removes the directories of other builds beside `dir` that nothing wrote to for a
/// day (a rebuilt macro never reads its predecessors' entries). A build still running
/// that loses its entries only checks again.
fn prune_other_builds(dir: &Path) {
    let Some(parent) = dir.parent() else { return };
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let idle = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|idle| idle > KEEP_OTHER_BUILDS);
        if path != dir && path.is_dir() && idle {
            let _ = fs::remove_dir_all(path);
        }
    }
}

/// The SHA-1 of `text` in hexadecimal: the script's name on the server, and its part
/// of a cache key.
pub(crate) fn sha1_hex(text: &str) -> String {
    hex(&Sha1::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

// ---------------------------------------------------------------- the entry format
// FORMAT, then numbers as 8 little-endian bytes and strings as their length and bytes,
// then the SHA-1 of everything before it.

/// The bytes of an entry, or `None` when a finding names no lint of the registry
/// (it could not be read back as the same `&'static str`).
fn encode(report: &Report) -> Option<Vec<u8>> {
    let mut w = Writer(FORMAT.to_vec());
    w.flag(report.read_only);
    w.num(report.flags.len());
    for flag in &report.flags {
        w.str(flag);
    }
    w.num(report.diagnostics.len());
    for d in &report.diagnostics {
        scripts_lint::lints::find(d.lint)?;
        w.str(d.lint);
        w.num(match d.level {
            Level::Allow => 0,
            Level::Warn => 1,
            Level::Deny => 2,
        });
        w.str(&d.message);
        w.label(&d.primary);
        w.num(d.secondary.len());
        for label in &d.secondary {
            w.label(label);
        }
        w.opt_str(d.help.as_deref());
        w.num(d.notes.len());
        for note in &d.notes {
            w.str(note);
        }
        match d.param {
            None => w.num(0),
            Some(ParamRef::Key(i)) => w.pair(1, i),
            Some(ParamRef::Arg(i)) => w.pair(2, i),
            Some(ParamRef::Function(i)) => w.pair(3, i),
        }
        match &d.fix {
            None => w.flag(false),
            Some(fix) => {
                w.flag(true);
                w.str(&fix.message);
                w.num(fix.edits.len());
                for edit in &fix.edits {
                    w.range(&edit.range);
                    w.str(&edit.replacement);
                }
            }
        }
    }
    w.num(report.derived_keys.len());
    for keys in &report.derived_keys {
        match &keys.from {
            KeySource::Key(i) => w.pair(0, *i),
            KeySource::Arg(i) => w.pair(1, *i),
            KeySource::Annotation { target, prefix, at } => {
                w.num(2);
                w.str(target);
                w.flag(*prefix);
                w.range(at);
            }
        }
        w.num(keys.uses.len());
        for range in &keys.uses {
            w.range(range);
        }
    }
    let digest = Sha1::digest(&w.0);
    w.0.extend_from_slice(&digest);
    Some(w.0)
}

/// The report an entry holds, or `None` when it is not a whole, intact entry of this
/// format.
fn decode(bytes: &[u8]) -> Option<Report> {
    let (content, digest) = bytes.split_at_checked(bytes.len().checked_sub(20)?)?;
    if Sha1::digest(content).as_slice() != digest {
        return None;
    }
    let mut r = Reader(content.strip_prefix(FORMAT)?);
    let read_only = r.flag()?;
    let flags = (0..r.count()?).map(|_| r.string()).collect::<Option<Vec<_>>>()?;
    let mut diagnostics = Vec::new();
    for _ in 0..r.count()? {
        let lint = scripts_lint::lints::find(&r.string()?)?.name;
        let level = match r.num()? {
            0 => Level::Allow,
            1 => Level::Warn,
            2 => Level::Deny,
            _ => return None,
        };
        let message = r.string()?;
        let primary = r.label()?;
        let secondary = (0..r.count()?).map(|_| r.label()).collect::<Option<Vec<_>>>()?;
        let help = r.opt_string()?;
        let notes = (0..r.count()?).map(|_| r.string()).collect::<Option<Vec<_>>>()?;
        let param = match r.num()? {
            0 => None,
            1 => Some(ParamRef::Key(r.num()?)),
            2 => Some(ParamRef::Arg(r.num()?)),
            3 => Some(ParamRef::Function(r.num()?)),
            _ => return None,
        };
        let fix = if r.flag()? {
            let message = r.string()?;
            let edits = (0..r.count()?)
                .map(|_| Some(Edit::new(r.range()?, r.string()?)))
                .collect::<Option<Vec<_>>>()?;
            Some(Fix { message, edits })
        } else {
            None
        };
        diagnostics.push(Diagnostic {
            lint,
            level,
            message,
            primary,
            secondary,
            help,
            notes,
            param,
            fix,
        });
    }
    let mut derived_keys = Vec::new();
    for _ in 0..r.count()? {
        let from = match r.num()? {
            0 => KeySource::Key(r.num()?),
            1 => KeySource::Arg(r.num()?),
            2 => KeySource::Annotation {
                target: r.string()?,
                prefix: r.flag()?,
                at: r.range()?,
            },
            _ => return None,
        };
        let uses = (0..r.count()?).map(|_| r.range()).collect::<Option<Vec<_>>>()?;
        derived_keys.push(DerivedKeys { from, uses });
    }
    r.0.is_empty().then_some(Report {
        diagnostics,
        read_only,
        flags,
        derived_keys,
    })
}

struct Writer(Vec<u8>);

impl Writer {
    fn num(&mut self, n: usize) {
        self.0.extend_from_slice(&(n as u64).to_le_bytes());
    }
    fn flag(&mut self, b: bool) {
        self.num(usize::from(b));
    }
    fn pair(&mut self, tag: usize, n: usize) {
        self.num(tag);
        self.num(n);
    }
    fn str(&mut self, s: &str) {
        self.num(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn opt_str(&mut self, s: Option<&str>) {
        self.flag(s.is_some());
        if let Some(s) = s {
            self.str(s);
        }
    }
    fn range(&mut self, range: &std::ops::Range<usize>) {
        self.num(range.start);
        self.num(range.end);
    }
    fn label(&mut self, label: &Label) {
        self.range(&label.range);
        self.opt_str(label.message.as_deref());
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn num(&mut self) -> Option<usize> {
        let (n, rest) = self.0.split_first_chunk::<8>()?;
        self.0 = rest;
        usize::try_from(u64::from_le_bytes(*n)).ok()
    }
    /// A number of items, each at least 8 bytes: never more than the bytes left allow
    /// (a damaged count cannot ask for a huge allocation).
    fn count(&mut self) -> Option<usize> {
        self.num().filter(|&n| n <= self.0.len() / 8)
    }
    fn flag(&mut self) -> Option<bool> {
        match self.num()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    fn string(&mut self) -> Option<String> {
        let len = self.num()?;
        let (s, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        String::from_utf8(s.to_vec()).ok()
    }
    fn opt_string(&mut self) -> Option<Option<String>> {
        if self.flag()? {
            self.string().map(Some)
        } else {
            Some(None)
        }
    }
    fn range(&mut self) -> Option<std::ops::Range<usize>> {
        Some(self.num()?..self.num()?)
    }
    fn label(&mut self) -> Option<Label> {
        let range = self.range()?;
        let message = self.opt_string()?;
        Some(Label { range, message })
    }
}

#[cfg(test)]
mod tests;
