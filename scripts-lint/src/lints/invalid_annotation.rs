use super::{Context, Lint, LintInfo};
use crate::annotation::LINT;
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("invalid_annotation.md")]
pub(crate) struct InvalidAnnotation;

impl Lint for InvalidAnnotation {
    const INFO: LintInfo = LintInfo {
        name: LINT,
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "an annotation comment (`-- redis-lua-lint: prefix(args[1])`) that cannot be read or declares nothing",
        doc: include_str!("invalid_annotation.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // a library's annotations are its text's: reported once, for what loads
        if cx.library.is_some_and(|library| library.function.is_some()) {
            return;
        }
        for problem in &cx.annotations.problems {
            out.push(
                Self::finding(problem.range.clone(), problem.message.clone())
                    .label("not an annotation the checker can read")
                    .help(problem.help.clone()),
            );
        }
        for &index in &cx.facts.untaken_annotations {
            let target = &cx.annotations.targets[index];
            let local = &target.local;
            out.push(
                Self::finding(
                    target.range.clone(),
                    format!(
                        "`{}` declares nothing: the assignment next to this annotation does not assign `{local}`",
                        target.text(cx.source)
                    ),
                )
                .label("no assignment takes it")
                .note("an annotation declares the value an assignment gives a local, from there on")
                .help(format!(
                    "write the annotation after `local {local} = ...` on its line, or on the line before it"
                )),
            );
        }
    }
}
