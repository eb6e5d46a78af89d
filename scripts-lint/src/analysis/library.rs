//! Function libraries: each `redis.register_function` read as `FUNCTION LOAD` reads
//! it, and the registered callback run as `FCALL` runs it, its first parameter
//! holding the keys and its second the arguments.

use std::ops::Range;
use std::sync::Arc;

use full_moon::ast::Parameter;

use super::{
    Analyzer, Arg, Callback, Constructed, Func, Mode, Registration, RegistrationForm, Table, Value, kind, seed,
};

/// The literal string `value` always is.
fn literal(value: &Value) -> Option<Arc<str>> {
    value.literal().and(value.string.clone())
}

/// What a callback value is.
fn callback(value: &Value) -> Callback {
    match value.func {
        Some(Func::Local(offset)) if value.only(kind::FUNCTION) => Callback::Function(offset),
        _ if !value.has(kind::FUNCTION | kind::UNKNOWN | kind::PARAM) => Callback::NotFunction,
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
                table: arg.value.has(kind::TABLE | kind::UNKNOWN | kind::PARAM),
            };
            return registration;
        };
        registration.form = RegistrationForm::Table;
        for (name, key, at, value) in &fields.named {
            match &**name {
                "function_name" => registration.name = Some((literal(value), at.clone())),
                "callback" => registration.callback = Some((callback(value), at.clone())),
                "flags" => self.read_flags(&mut registration, value, at),
                "description" => {
                    if !value.has(kind::STRING | kind::UNKNOWN | kind::PARAM) {
                        registration.wrong_types.push((at.clone(), "description", "a string"));
                    }
                }
                _ => registration.unknown_fields.push((name.clone(), key.clone())),
            }
        }
        for (at, _) in &fields.positional {
            registration.wrong_types.push((at.clone(), "entry", "a named field"));
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
                        .find(|f| &*f.0 == "function_name")?
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
                    registration.flags.push((literal(flag), range.clone()));
                }
            }
            _ => registration.flags_unread = Some((at.clone(), value.has(kind::TABLE | kind::UNKNOWN | kind::PARAM))),
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
        self.summary.context_statements = budget;
        self.library.mode = mode;
        self.library.function_facts[nth] = std::mem::replace(&mut self.facts, outer);
    }
}
