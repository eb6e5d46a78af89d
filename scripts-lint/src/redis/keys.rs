//! Which arguments of a command call are keys, following the command's key specs
//! the way the server does (src/db.c `getKeysUsingKeySpecs`).

use crate::redis::commands::{BeginSearch, Command, FindKeys, key_flag};

/// What the key finder reads of one argument of a call (the analysis's arguments
/// implement it): its literal text or number, and whether it may stand for several.
pub(crate) trait Argument {
    /// Its text, when its (first) value is always one literal string.
    fn text(&self) -> Option<&str>;
    /// Its value, when it is always one literal number.
    fn number(&self) -> Option<f64>;
    /// The last argument may expand to any number of values (a call, `unpack`, `...`).
    fn spread(&self) -> bool;
}

/// The arguments of one call that are keys (indices into the call's arguments, the
/// command name being 0), and why some may be missing from the list.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct KeyArgs {
    pub(crate) positions: Vec<usize>,
    /// Set when the key positions depend on something only known at run time.
    pub(crate) uncertain: Option<&'static str>,
}

/// The key arguments of `command` called with `args` (the command name included).
pub(crate) fn key_args(command: &Command, args: &[impl Argument]) -> KeyArgs {
    let mut out = KeyArgs::default();
    // A trailing call or `unpack` may expand to any number of values: positions at or
    // beyond it all land on that one argument.
    let spread = args.last().is_some_and(|a| a.spread());
    let argc = args.len();
    for spec in command.key_specs {
        if spec.flags & key_flag::NOT_KEY != 0 {
            continue;
        }
        let first = match spec.begin {
            BeginSearch::Index(i) => usize::from(i),
            BeginSearch::Keyword { keyword, startfrom } => match find_keyword(args, keyword, startfrom) {
                Search::Found(at) => at + 1,
                Search::Absent => continue,
                Search::Unknown => {
                    out.uncertain = Some("a keyword that marks where its keys start is computed at run time");
                    continue;
                }
            },
            // `SORT`'s other specs are its `BY`/`GET` patterns (undeclared keys, which
            // `undeclared_key_access` reports) and the `STORE` destination, found here
            BeginSearch::Unknown if command.name.starts_with("SORT") => {
                if let Search::Found(at) = find_keyword(args, "STORE", 2)
                    && !out.positions.contains(&(at + 1))
                {
                    out.positions.push(at + 1);
                }
                continue;
            }
            BeginSearch::Unknown => {
                out.uncertain = Some("some of its keys (such as `BY`/`GET` patterns) are found only at run time");
                continue;
            }
        };
        if first >= argc {
            if spread && argc > 0 {
                out.positions.push(argc - 1);
            }
            continue;
        }
        match spec.find {
            FindKeys::Range { lastkey, step, limit } => {
                let step = usize::from(step.max(1));
                let last = if lastkey >= 0 {
                    first + lastkey as usize
                } else if limit == 0 {
                    (argc as isize + lastkey as isize).max(0) as usize
                } else {
                    if spread {
                        out.uncertain = Some(
                            "its keys are a share of its arguments, and the argument count is known only at run time",
                        );
                        continue;
                    }
                    let share = (argc - first) / usize::from(limit);
                    (first as isize + share as isize + lastkey as isize).max(0) as usize
                };
                let mut at = first;
                while at <= last && at < argc {
                    out.positions.push(at);
                    at += step;
                }
                if spread && lastkey < 0 && !out.positions.contains(&(argc - 1)) {
                    out.positions.push(argc - 1);
                }
            }
            FindKeys::Keynum {
                keynumidx,
                firstkey,
                step,
            } => {
                let count_at = first + usize::from(keynumidx);
                let count = args
                    .get(count_at)
                    .filter(|a| !a.spread())
                    .and_then(|a| a.number())
                    .filter(|n| *n >= 0.0 && n.fract() == 0.0);
                let Some(count) = count else {
                    out.uncertain = Some("its number of keys is not a literal");
                    continue;
                };
                let step = usize::from(step.max(1));
                let mut at = first + usize::from(firstkey);
                for _ in 0..count as usize {
                    if at >= argc {
                        if spread {
                            out.positions.push(argc - 1);
                        }
                        break;
                    }
                    out.positions.push(at);
                    at += step;
                }
            }
            FindKeys::Unknown => {
                out.uncertain = Some("some of its keys are found only at run time");
            }
        }
    }
    out.positions.sort_unstable();
    out.positions.dedup();
    out
}

enum Search {
    Found(usize),
    Absent,
    Unknown,
}

/// Finds `keyword` among the arguments from `startfrom` (negative: from the end,
/// backwards), matching case-insensitively as the server does.
fn find_keyword(args: &[impl Argument], keyword: &str, startfrom: i16) -> Search {
    let argc = args.len() as isize;
    let (start, backwards) = if startfrom >= 0 {
        (startfrom as isize, false)
    } else {
        (argc + startfrom as isize, true)
    };
    let mut unknown = false;
    let mut at = start;
    while at >= 1 && at < argc {
        match args[at as usize].text() {
            Some(text) if text.eq_ignore_ascii_case(keyword) => return Search::Found(at as usize),
            Some(_) => {}
            None => unknown = true,
        }
        at += if backwards { -1 } else { 1 };
    }
    if unknown { Search::Unknown } else { Search::Absent }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redis::commands::lookup;

    /// An argument as the tests write it.
    #[derive(Clone)]
    struct Arg {
        text: Option<&'static str>,
        number: Option<f64>,
        spread: bool,
    }

    impl Argument for Arg {
        fn text(&self) -> Option<&str> {
            self.text
        }
        fn number(&self) -> Option<f64> {
            self.number
        }
        fn spread(&self) -> bool {
            self.spread
        }
    }

    fn lit(s: &'static str) -> Arg {
        Arg {
            text: Some(s),
            number: None,
            spread: false,
        }
    }

    fn num(n: f64) -> Arg {
        Arg {
            text: None,
            number: Some(n),
            spread: false,
        }
    }

    /// A value the analysis cannot see into.
    fn unknown() -> Arg {
        Arg {
            text: None,
            number: None,
            spread: false,
        }
    }

    fn positions(name: &str, args: Vec<Arg>) -> KeyArgs {
        key_args(lookup(name).unwrap(), &args)
    }

    #[test]
    fn index_range_and_step() {
        assert_eq!(positions("GET", vec![lit("GET"), lit("k")]).positions, [1]);
        assert_eq!(
            positions("SET", vec![lit("SET"), lit("k"), lit("v"), lit("EX"), num(5.0)]).positions,
            [1]
        );
        let mset = vec![lit("MSET"), lit("a"), lit("1"), lit("b"), lit("2")];
        assert_eq!(positions("MSET", mset).positions, [1, 3]);
        let blpop = vec![lit("BLPOP"), lit("a"), lit("b"), num(0.0)];
        assert_eq!(positions("BLPOP", blpop).positions, [1, 2]);
    }

    #[test]
    fn keynum_with_a_literal_count() {
        let args = vec![
            lit("ZUNIONSTORE"),
            lit("dst"),
            num(2.0),
            lit("a"),
            lit("b"),
            lit("WEIGHTS"),
            num(1.0),
            num(2.0),
        ];
        let keys = positions("ZUNIONSTORE", args);
        assert_eq!(keys.positions, [1, 3, 4]);
        assert_eq!(keys.uncertain, None);
        let dynamic = vec![lit("ZUNIONSTORE"), lit("dst"), unknown(), lit("a")];
        let keys = positions("ZUNIONSTORE", dynamic);
        assert_eq!(keys.positions, [1]);
        assert!(keys.uncertain.is_some());
    }

    #[test]
    fn keyword_specs() {
        let args = vec![
            lit("XREAD"),
            lit("COUNT"),
            num(2.0),
            lit("streams"),
            lit("s1"),
            lit("s2"),
            lit("0"),
            lit("0"),
        ];
        assert_eq!(positions("XREAD", args).positions, [4, 5]);
        let georadius = vec![
            lit("GEORADIUS"),
            lit("g"),
            num(1.0),
            num(2.0),
            num(3.0),
            lit("km"),
            lit("STORE"),
            lit("dst"),
        ];
        assert_eq!(positions("GEORADIUS", georadius).positions, [1, 7]);
    }

    #[test]
    fn spread_arguments_count_as_keys_where_keys_may_be() {
        // a key from `KEYS`, spread: `unpack(KEYS)`
        let spread = Arg {
            spread: true,
            ..unknown()
        };
        assert_eq!(positions("DEL", vec![lit("DEL"), spread.clone()]).positions, [1]);
        assert_eq!(positions("MGET", vec![lit("MGET"), lit("a"), spread]).positions, [1, 2]);
    }

    #[test]
    fn sort_keys_are_its_list_and_store_destination() {
        let keys = positions("SORT", vec![lit("SORT"), lit("list"), lit("BY"), lit("w_*")]);
        assert_eq!(keys.positions, [1]);
        assert!(keys.uncertain.is_none());
        let keys = positions(
            "SORT",
            vec![lit("SORT"), lit("list"), lit("ALPHA"), lit("STORE"), lit("dst")],
        );
        assert_eq!(keys.positions, [1, 4]);
    }
}
