//! The oldest server a script must run on, and what that server has.
//!
//! Redis grows commands and relaxes rules between versions: Redis 7.0 refuses `BLPOP`,
//! `BLMOVE`, `BZPOPMIN` and `WAIT` inside scripts (`This Redis command is not allowed
//! from script`), 7.2 runs them without blocking, and `HEXPIRE` exists from 7.4 on. A
//! script declares the oldest server it must run on (`min_version = "7.4"`); the
//! default is the oldest one supported, Redis 7.0.
//!
//! ```
//! use scripts_lint::Target;
//!
//! let target: Target = "7.4".parse().unwrap();
//! assert_eq!(target, Target::Redis7_4);
//! assert_eq!(target.to_string(), "Redis 7.4");
//! assert_eq!(Target::default(), Target::Redis7_0);
//! assert!("6.2".parse::<Target>().unwrap_err().contains("7.0"));
//! ```

use std::fmt;
use std::str::FromStr;

use super::commands::{Command, version};

/// The oldest server a script must run on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// Redis 7.0, the oldest supported (the default).
    #[default]
    Redis7_0,
    /// Redis 7.2 (blocking commands allowed in scripts, never blocking).
    Redis7_2,
    /// Redis 7.4 (hash field expiry, ...).
    Redis7_4,
    /// Valkey 8.0.
    Valkey8_0,
}

impl Target {
    /// Every target, oldest first.
    pub const ALL: [Target; 4] = [Target::Redis7_0, Target::Redis7_2, Target::Redis7_4, Target::Valkey8_0];

    /// How the target is written in `min_version = "..."`.
    pub fn spelling(self) -> &'static str {
        match self {
            Target::Redis7_0 => "7.0",
            Target::Redis7_2 => "7.2",
            Target::Redis7_4 => "7.4",
            Target::Valkey8_0 => "valkey-8.0",
        }
    }

    /// True for a Valkey server (whose scripts also have Valkey's own globals).
    pub fn is_valkey(self) -> bool {
        matches!(self, Target::Valkey8_0)
    }

    /// The command table's data closest to this server: 7.2 had every 7.0 command
    /// and the rules of 7.4 for scripts (blocking commands run, never block).
    fn data(self) -> u8 {
        match self {
            Target::Redis7_0 => version::REDIS_7_0,
            Target::Redis7_2 | Target::Redis7_4 => version::REDIS_7_4,
            Target::Valkey8_0 => version::VALKEY_8_0,
        }
    }

    /// True when this server has `command`.
    pub fn has(self, command: &Command) -> bool {
        match self {
            // 7.2's commands: every 7.0 command, and the 7.4 ones that 7.2 introduced
            Target::Redis7_2 => {
                command.known_in(version::REDIS_7_0)
                    || (command.known_in(version::REDIS_7_4) && since(command.since) <= (7, 2))
            }
            _ => command.known_in(self.data()),
        }
    }

    /// True when this server refuses `command` inside scripts.
    pub fn refuses_in_scripts(self, command: &Command) -> bool {
        command.noscript_in & self.data() != 0
    }

    /// The oldest target that has `command`, when a later one does.
    pub fn first_with(command: &Command) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.has(command))
    }

    /// The oldest target that runs `command` inside scripts.
    pub fn first_running(command: &Command) -> Option<Target> {
        Target::ALL
            .into_iter()
            .find(|t| t.has(command) && !t.refuses_in_scripts(command))
    }
}

/// `major.minor` of a `since` field such as `7.2.0`.
fn since(text: &str) -> (u8, u8) {
    let mut parts = text.split('.').map(|p| p.parse::<u8>().unwrap_or(u8::MAX));
    (parts.next().unwrap_or(u8::MAX), parts.next().unwrap_or(u8::MAX))
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Target::Redis7_0 => "Redis 7.0",
            Target::Redis7_2 => "Redis 7.2",
            Target::Redis7_4 => "Redis 7.4",
            Target::Valkey8_0 => "Valkey 8.0",
        })
    }
}

impl FromStr for Target {
    type Err = String;

    /// `7.0`, `7.2`, `7.4` (or `redis-7.4`) and `valkey-8.0` (or `valkey-8`); patch
    /// versions are accepted and ignored (`7.2.4`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let lower = text.trim().to_ascii_lowercase();
        let (valkey, number) = match lower.strip_prefix("valkey") {
            Some(rest) => (true, rest.trim_start_matches(['-', ' '])),
            None => (
                false,
                lower
                    .strip_prefix("redis")
                    .unwrap_or(&lower)
                    .trim_start_matches(['-', ' ']),
            ),
        };
        let mut parts = number.split('.');
        let major = parts.next().unwrap_or("");
        let minor = parts.next().unwrap_or(if valkey { "0" } else { "" });
        let patch_ok = parts
            .next()
            .is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let found = match (valkey, major, minor) {
            (false, "7", "0") => Some(Target::Redis7_0),
            (false, "7", "2") => Some(Target::Redis7_2),
            (false, "7", "4") => Some(Target::Redis7_4),
            (true, "8", "0") => Some(Target::Valkey8_0),
            _ => None,
        };
        match found {
            Some(target) if patch_ok && parts.next().is_none() => Ok(target),
            _ => Err(format!(
                "unknown server version `{text}`: expected one of {}",
                Target::ALL.map(|t| format!("`{}`", t.spelling())).join(", ")
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redis::commands::lookup;

    #[test]
    fn spellings_round_trip() {
        for target in Target::ALL {
            assert_eq!(target.spelling().parse::<Target>(), Ok(target));
        }
        assert_eq!("redis-7.4".parse::<Target>(), Ok(Target::Redis7_4));
        assert_eq!("7.2.4".parse::<Target>(), Ok(Target::Redis7_2));
        assert_eq!("Valkey 8".parse::<Target>(), Ok(Target::Valkey8_0));
        for bad in ["6.2", "8.0", "7", "7.", "7.4.x", "valkey-7.2", "", "latest", "7.4.1.2"] {
            assert!(bad.parse::<Target>().is_err(), "{bad}");
        }
    }

    #[test]
    fn commands_by_version() {
        let hexpire = lookup("HEXPIRE").unwrap();
        assert!(!Target::Redis7_0.has(hexpire));
        assert!(!Target::Redis7_2.has(hexpire));
        assert!(Target::Redis7_4.has(hexpire));
        assert!(!Target::Valkey8_0.has(hexpire));
        assert_eq!(Target::first_with(hexpire), Some(Target::Redis7_4));

        // introduced in 7.2
        let waitaof = lookup("WAITAOF").unwrap();
        assert!(!Target::Redis7_0.has(waitaof));
        assert!(Target::Redis7_2.has(waitaof));

        let blpop = lookup("BLPOP").unwrap();
        assert!(Target::Redis7_0.refuses_in_scripts(blpop));
        assert!(!Target::Redis7_2.refuses_in_scripts(blpop));
        assert_eq!(Target::first_running(blpop), Some(Target::Redis7_2));

        let multi = lookup("MULTI").unwrap();
        assert!(Target::ALL.iter().all(|t| t.refuses_in_scripts(multi)));
        assert_eq!(Target::first_running(multi), None);
    }
}
