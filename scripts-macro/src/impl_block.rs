//! `#[redis_script]` on an `impl` block: every function in it that carries
//! `#[redis_script(...)]` too becomes a script, with its companion next to the block.
//!
//! An attribute on a function inside an `impl` sees only that function, and the
//! companion module a free function gets cannot go inside an `impl` (nor can a
//! `static`). On the block, the macro sees the whole `impl` and may write items beside
//! it: per script, a companion type `RepoTransferScript` holding the descriptor and
//! the helpers, reached as the associated const `Repo::TRANSFER`.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::{ImplItem, ItemFn, ItemImpl};

use crate::codegen::{self, Expansion, Host};
use crate::errors::Errors;
use crate::expand;
use crate::parse;

pub(crate) fn expand(attr: TokenStream, mut block: ItemImpl) -> TokenStream {
    let mut errors = Errors::default();
    if !attr.is_empty() {
        errors.spanned(
            &attr,
            "options go on each script function of the `impl`, as `#[redis_script(...)]`, not on the block",
        );
    }
    if let Some((path, _)) = &block.trait_ {
        errors.spanned(
            path,
            "`#[redis_script]` goes on an inherent `impl` block (`impl Repo { ... }`): a trait impl cannot hold the scripts' companion consts",
        );
    }
    let type_name = type_name(&block.self_ty);
    // the companion's methods repeat the parameter types outside the `impl`, where its
    // generics and `Self` mean nothing
    let generic = block
        .generics
        .params
        .iter()
        .any(|p| !matches!(p, syn::GenericParam::Lifetime(_)));

    let mut outer = TokenStream::new();
    let mut found = false;
    for item in &mut block.items {
        let ImplItem::Fn(function) = item else { continue };
        let Some(position) = function.attrs.iter().position(is_script_attr) else {
            continue;
        };
        found = true;
        let script_attr = function.attrs.remove(position);
        let options = match &script_attr.meta {
            syn::Meta::Path(_) => TokenStream::new(),
            syn::Meta::List(list) => list.tokens.clone(),
            syn::Meta::NameValue(nv) => {
                errors.spanned(nv, "write `#[redis_script]` or `#[redis_script(option, ...)]`");
                TokenStream::new()
            }
        };
        let item_fn = ItemFn {
            attrs: std::mem::take(&mut function.attrs),
            vis: function.vis.clone(),
            modifiers: function.modifiers.clone(),
            sig: function.sig.clone(),
            block: Box::new(function.block.clone()),
        };
        let mut fn_errors = Errors::default();
        let script = parse::parse_fn(options, item_fn, &crate::crate_root(), &mut fn_errors);
        let uses_self = mentions_self(&script.item.sig);
        let host = Host::Impl {
            type_name: type_name.clone(),
            const_name: codegen::const_name(&script.item.sig.ident),
            companion: codegen::companion_name(&type_name, &script.item.sig.ident),
            helpers: !generic && !uses_self && block.trait_.is_none(),
        };
        let Expansion { inner, outer: beside } = expand::script_fn(&script, &host, fn_errors);
        *item = ImplItem::Verbatim(inner);
        outer.extend(beside);
    }
    if !found && block.trait_.is_none() {
        errors.at(
            Span::call_site(),
            "mark each script function of this `impl` with `#[redis_script]` too: `#[redis_script] async fn name(con: &mut impl scripts::AsyncConnection, ...) -> scripts::Result<T> { r#\"...\"# }`",
        );
    }
    let errors = errors.into_compile_errors();
    let mut out = errors;
    out.extend(block.into_token_stream());
    if !outer.is_empty() {
        out.extend(quote!(#outer));
    }
    out
}

/// `#[redis_script]` or `#[scripts::redis_script(...)]`.
fn is_script_attr(attr: &syn::Attribute) -> bool {
    attr.path().segments.last().is_some_and(|s| s.ident == "redis_script")
}

/// `Repo` for `Repo`, `Repo<T>`, `crate::Repo`; `Script` when the type is not a path.
fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_else(|| "Script".to_owned()),
        syn::Type::Group(group) => type_name(&group.elem),
        syn::Type::Paren(paren) => type_name(&paren.elem),
        _ => "Script".to_owned(),
    }
}

/// True when the signature names `Self`, which means another type in the companion.
fn mentions_self(sig: &syn::Signature) -> bool {
    fn walk(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == "Self",
            proc_macro2::TokenTree::Group(group) => walk(group.stream()),
            _ => false,
        })
    }
    walk(sig.inputs.to_token_stream()) || walk(sig.output.to_token_stream())
}
