//! What the checker needs to know of the Rust side: parameters, their types,
//! the return type and the lint levels, read from the parsed function.

use syn::{GenericArgument, PathArguments, Type};

use scripts_lint::lints::{self, LevelError};
use scripts_lint::{Level, Param as LintParam, ParamType, ReturnType, Signature};

use crate::config::Config;
use crate::errors::Errors;
use crate::parse::{Param, Role, ScriptFn, element_of_slice};

/// The checker's view of `script`; invalid lint names in `allow(...)` and friends
/// are reported into `errors` and left out.
/// The crate's `scripts.toml` comes first: the script's own options override it.
pub fn signature(script: &ScriptFn, config: &Config, errors: &mut Errors) -> Signature {
    let params = |role: Role| -> Vec<LintParam> {
        script
            .params
            .iter()
            .filter(|p| p.role == role)
            .map(|p: &Param| {
                let ty = element_of_slice(&p.ty).unwrap_or(&p.ty);
                let param = LintParam::new(p.ident.to_string(), param_type(ty), p.variadic);
                if p.prefix.is_some() { param.prefix() } else { param }
            })
            .collect()
    };
    let (returns, return_text) = match &script.output {
        Some(ty) => (return_type(ty), type_text(ty)),
        None => (ReturnType::Any, String::new()),
    };
    Signature {
        keys: params(Role::Key),
        args: params(Role::Arg),
        returns,
        return_text,
        read_only: script.options.read_only,
        levels: config
            .levels
            .iter()
            .cloned()
            .chain(checked_levels(&script.options.levels, errors))
            .collect(),
        target: script.options.target.or(config.target).unwrap_or_default(),
        host: scripts_lint::Host::Rust,
    }
}

/// `allow(...)`, `warn(...)`, `deny(...)` as written, with unknown lints and lints that
/// cannot be switched off reported into `errors` and left out.
pub fn checked_levels(levels: &[(Level, syn::Ident)], errors: &mut Errors) -> Vec<(String, Level)> {
    let mut out = Vec::new();
    for (level, ident) in levels {
        let name = ident.to_string();
        match lints::check_level(&name, *level) {
            Ok(_) => out.push((name, *level)),
            Err(LevelError::AlwaysDenied { reason }) => errors.at(
                ident.span(),
                format!("`{name}` cannot be allowed or downgraded: {reason}"),
            ),
            Err(LevelError::Unknown { suggestion }) => {
                let hint = match suggestion {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => {
                        let names: Vec<&str> = lints::ALL.iter().map(|l| l.name).collect();
                        format!("the lints are: {}", names.join(", "))
                    }
                };
                errors.at(ident.span(), format!("unknown lint `{name}`: {hint}"));
            }
        }
    }
    out
}

/// The last path segment of a type and its generic arguments, if it is a plain path.
fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        _ => None,
    }
}

fn first_type_argument(segment: &syn::PathSegment) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

fn param_type(ty: &Type) -> ParamType {
    if let Some(target) = crate::parse::as_ref_target(ty) {
        return if matches!(target, Type::Slice(_)) {
            ParamType::Bytes
        } else {
            ParamType::Text
        };
    }
    if let Type::Reference(reference) = ty {
        return match &*reference.elem {
            Type::Slice(slice) if matches!(last_segment(&slice.elem), Some(s) if s.ident == "u8") => ParamType::Bytes,
            other => param_type(other),
        };
    }
    let Some(segment) = last_segment(ty) else {
        return ParamType::Other;
    };
    match segment.ident.to_string().as_str() {
        "i64" | "u64" | "i128" | "u128" | "isize" | "usize" => ParamType::Int64,
        "i8" | "i16" | "i32" | "u8" | "u16" | "u32" => ParamType::Int,
        "f32" | "f64" => ParamType::Float,
        // `Json<T>`: JSON text, for `cjson.decode`
        "str" | "String" | "Cow" | "Json" => ParamType::Text,
        "bool" => ParamType::Bool,
        "Vec" if matches!(first_type_argument(segment).and_then(last_segment), Some(s) if s.ident == "u8") => {
            ParamType::Bytes
        }
        _ => ParamType::Other,
    }
}

fn return_type(ty: &Type) -> ReturnType {
    match ty {
        Type::Tuple(tuple) if tuple.elems.is_empty() => return ReturnType::Unit,
        Type::Tuple(tuple) => return ReturnType::Tuple(tuple.elems.len()),
        Type::Array(_) => return ReturnType::List,
        _ => {}
    }
    let Some(segment) = last_segment(ty) else {
        return ReturnType::Any;
    };
    let inner = first_type_argument(segment);
    match segment.ident.to_string().as_str() {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
            ReturnType::Integer
        }
        "f32" | "f64" => ReturnType::Float,
        "bool" => ReturnType::Bool,
        "String" => ReturnType::Text,
        "Json" => ReturnType::Json,
        "Option" => ReturnType::Option(Box::new(inner.map_or(ReturnType::Any, return_type))),
        "Vec" if matches!(inner.and_then(last_segment), Some(s) if s.ident == "u8") => ReturnType::Bytes,
        "Vec" | "VecDeque" | "HashSet" | "BTreeSet" | "HashMap" | "BTreeMap" | "IndexMap" | "IndexSet" => {
            ReturnType::List
        }
        _ => ReturnType::Any,
    }
}

fn type_text(ty: &Type) -> String {
    quote::quote!(#ty)
        .to_string()
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace("< ", "<")
        .replace(" ,", ",")
}
