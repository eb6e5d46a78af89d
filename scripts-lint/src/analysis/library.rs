//! Function libraries: each `redis.register_function` read as `FUNCTION LOAD` reads
//! it, and the registered callback run as `FCALL` runs it, its first parameter
//! holding the keys and its second the arguments.

use std::ops::Range;
use std::sync::Arc;

use full_moon::ast::Parameter;

use super::{
    Analyzer, Arg, Callback, Constructed, Func, Mode, Registration, RegistrationForm, Table, Value, WrongType, kind,
    seed,
};

/// The literal text `value` always is as Redis reads a name or a flag: a string, or
/// a number as Lua writes it (`lua_tolstring`).
fn literal(value: &Value) -> Option<Arc<str>> {
    match value.literal() {
        Some(_) => value.string.clone(),
        None => value
            .number
            .filter(|_| value.only(kind::NUMBER))
            .map(|n| lua_number(n).into()),
    }
}

/// `n` as Lua 5.1 writes it (`%.14g`).
fn lua_number(n: f64) -> String {
    if n.is_nan() {
        return if n.is_sign_negative() { "-nan" } else { "nan" }.to_owned();
    }
    if n.is_infinite() {
        return if n < 0.0 { "-inf" } else { "inf" }.to_owned();
    }
    if n == 0.0 {
        return if n.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // 14 significant digits, then `%g`'s choice of notation by the exponent
    let scientific = format!("{n:.13e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let trim = |digits: &str| -> String {
        if digits.contains('.') {
            digits.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            digits.to_owned()
        }
    };
    if !(-4..14).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{}e{sign}{:02}", trim(mantissa), exponent.abs());
    }
    let decimals = usize::try_from(13 - exponent).unwrap_or(0);
    trim(&format!("{n:.decimals$}"))
}

/// May be a string, as Redis's `lua_isstring` reads it (a number is one).
fn may_be_string(value: &Value) -> bool {
    value.has(kind::STRINGY | kind::NUMBER | kind::OPAQUE)
}

/// What a callback value is.
fn callback(value: &Value) -> Callback {
    match value.func {
        Some(Func::Local(offset)) if value.only(kind::FUNCTION) => Callback::Function(offset),
        _ if !value.has(kind::FUNCTION | kind::OPAQUE) => Callback::NotFunction,
        _ => Callback::Unknown,
    }
}

impl<'a> Analyzer<'a> {
    /// `redis.register_function(...)`: recorded while the library loads; in the mode
    /// that checks this registration, its callback runs here with `FCALL`'s arguments.
    pub(super) fn register(&mut self, args: &[Arg], range: Range<usize>) {
        let mut registration = self.read_registration(args, range.clone());
        registration.name_literal = self.name_literal(args);
        if let Some((Callback::Function(offset), _)) = registration.callback
            && let Some(definition) = self.summary.definitions.get(&offset)
        {
            registration.params = definition
                .body
                .parameters()
                .iter()
                .filter_map(|p| match p {
                    Parameter::Name(token) => Some(super::lua::token_text(token).to_owned()),
                    _ => None,
                })
                .collect();
        }
        let nth = self.facts.registrations.len();
        let callback = registration.callback.clone();
        if self.walk.recording {
            self.facts.registrations.push(registration);
        }
        // while the library loads (not from inside another callback), each recorded
        // registration runs its callback into its own facts
        if self.library.mode == Mode::Load
            && self.walk.recording
            && let Some((Callback::Function(offset), _)) = callback
        {
            self.run_callback(nth, offset, range);
        }
    }

    fn read_registration(&self, args: &[Arg], range: Range<usize>) -> Registration {
        let mut registration = Registration {
            range: range.clone(),
            ..Registration::default()
        };
        let spread = args.last().is_some_and(|a| a.spread);
        if args.len() != 1 || spread {
            registration.form = RegistrationForm::Positional(if spread { usize::MAX } else { args.len() });
            if let Some(name) = args.first() {
                registration.name = Some((literal(&name.value), name.range.clone()));
                if !may_be_string(&name.value) {
                    registration.wrong_types.push((name.range.clone(), WrongType::Name));
                }
            }
            if let Some(given) = args.get(1) {
                registration.callback = Some((callback(&given.value), given.range.clone()));
            }
            return registration;
        }
        let arg = &args[0];
        let fields = match arg.value.table {
            Some(Table::Local(offset)) if arg.value.only(kind::TABLE) => self.library.constructed.get(&offset),
            _ => None,
        };
        let Some(fields) = fields else {
            registration.form = RegistrationForm::Unread {
                table: arg.value.has(kind::TABLE | kind::OPAQUE),
            };
            return registration;
        };
        registration.form = RegistrationForm::Table;
        for (name, key, at, value) in &fields.named {
            // a field set to `nil` is not in the table
            if value.only(kind::NIL) {
                continue;
            }
            // Redis compares the names with `strcasecmp`
            match &*name.to_ascii_lowercase() {
                "function_name" => {
                    registration.name = Some((literal(value), at.clone()));
                    if !may_be_string(value) {
                        registration.wrong_types.push((at.clone(), WrongType::Name));
                    }
                }
                "callback" => registration.callback = Some((callback(value), at.clone())),
                "flags" => self.read_flags(&mut registration, value, at),
                "description" => {
                    if !may_be_string(value) {
                        registration.wrong_types.push((at.clone(), WrongType::Description));
                    }
                }
                _ => registration.unknown_fields.push((name.clone(), key.clone())),
            }
        }
        for (at, value) in &fields.positional {
            if !value.only(kind::NIL) {
                registration.wrong_types.push((at.clone(), WrongType::NumberKey));
            }
        }
        for (at, key) in &fields.keyed {
            if key.only(kind::NUMBER) {
                registration.wrong_types.push((at.clone(), WrongType::NumberKey));
            } else if !may_be_string(key) {
                registration.wrong_types.push((at.clone(), WrongType::Key));
            }
        }
        registration
    }

    /// Where the registered name is written as a string literal.
    fn name_literal(&self, args: &[Arg]) -> Option<Range<usize>> {
        let value = match args {
            [arg] => match arg.value.table {
                Some(Table::Local(offset)) => {
                    &self
                        .library
                        .constructed
                        .get(&offset)?
                        .named
                        .iter()
                        .find(|f| f.0.eq_ignore_ascii_case("function_name"))?
                        .3
                }
                _ => return None,
            },
            [name, ..] => &name.value,
            [] => return None,
        };
        let name = literal(value)?;
        let range = value.origin()?;
        let written = self.source.get(range.clone())?;
        let quoted = [format!("'{name}'"), format!("\"{name}\"")];
        quoted.contains(&written.to_owned()).then_some(range)
    }

    fn read_flags(&self, registration: &mut Registration, value: &Value, at: &Range<usize>) {
        let written = match value.table {
            Some(Table::Local(offset)) if value.only(kind::TABLE) => self.library.constructed.get(&offset),
            _ => None,
        };
        match written {
            Some(Constructed {
                positional,
                grown: false,
                ..
            }) => {
                for (range, flag) in positional {
                    // Redis reads the flags up to the first `nil`
                    if flag.only(kind::NIL) {
                        break;
                    }
                    if !may_be_string(flag) {
                        registration.wrong_types.push((range.clone(), WrongType::Flag));
                    }
                    registration.flags.push((literal(flag), range.clone()));
                }
            }
            _ => registration.flags_unread = Some((at.clone(), value.has(kind::TABLE | kind::OPAQUE))),
        }
    }

    /// Runs the n-th registration's callback as `FCALL` does, in [`Mode::Function`],
    /// recording what it does into that registration's facts. A registration reached
    /// again (a loop's passes) replaces what an earlier pass recorded.
    fn run_callback(&mut self, nth: usize, offset: usize, range: Range<usize>) {
        if self.library.function_facts.len() <= nth {
            self.library.function_facts.resize_with(nth + 1, Default::default);
        }
        let outer = std::mem::take(&mut self.facts);
        let mode = std::mem::replace(&mut self.library.mode, Mode::Function(nth));
        // each function has the whole evaluation budget, as a script does
        let budget = std::mem::replace(&mut self.summary.context_statements, 0);
        let saved = (self.library.callback_frame, self.flow.seed, self.flow.reachable);
        let saved_existing = std::mem::take(&mut self.flow.existing);
        // the callback runs when `FCALL` calls it, not inside the helper that registers
        // it: a helper it calls is no recursion (and registers nothing then)
        let evaluating = std::mem::take(&mut self.walk.evaluating);
        self.library.callback_frame = Some(self.walk.frames.len() + 1);
        self.flow.seed = seed::UNSEEDED;
        let args = [Table::Keys, Table::Argv].map(|table| Arg {
            range: range.clone(),
            value: Value::table(Some(table)),
            spread: false,
        });
        self.call_local(offset, args.into(), range);
        (self.library.callback_frame, self.flow.seed, self.flow.reachable) = saved;
        self.flow.existing = saved_existing;
        self.walk.evaluating = evaluating;
        self.summary.context_statements = budget;
        self.library.mode = mode;
        self.library.function_facts[nth] = std::mem::replace(&mut self.facts, outer);
    }
}

#[cfg(test)]
mod tests {
    use super::lua_number;

    #[test]
    fn numbers_are_written_as_lua_writes_them() {
        for (n, text) in [
            (1.0, "1"),
            (42.0, "42"),
            (1.5, "1.5"),
            (-3.0, "-3"),
            (0.1, "0.1"),
            (1e14, "1e+14"),
            (99_999_999_999_999.0, "99999999999999"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1.0 / 3.0, "0.33333333333333"),
            (f64::INFINITY, "inf"),
        ] {
            assert_eq!(lua_number(n), text, "{n}");
        }
    }
}
