//! Checker speed: time to check scripts of 50, 200, 1,000 and 5,000 lines.
//!
//! `cargo bench -p scripts-lint --bench check`
//!
//! - `check/typical`: the seed patterns (transfer, limiter, lock, reservation),
//!   with their comments and blank lines, repeated in `do ... end` blocks;
//! - `check/dense`: every line a statement (calls, loops, branches), no comments;
//! - `parse/typical`: full_moon's parse alone, the floor under `check/typical`.
//!
//! Linear growth shows as a constant time per line across the sizes; criterion
//! prints the throughput in lines per second (`elem/s`).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use scripts_lint::check;

#[path = "support/scripts.rs"]
mod scripts;
use scripts::{SIZES, TYPICAL, block, script, signature};

fn bench(c: &mut Criterion) {
    let signature = signature();
    let typical = |_| TYPICAL.to_owned();
    for (name, make) in [
        ("check/typical", &typical as &dyn Fn(usize) -> String),
        ("check/dense", &block),
    ] {
        let mut group = c.benchmark_group(name);
        for lines in SIZES {
            let source = script(lines, make);
            assert_eq!(source.lines().count(), lines);
            let report = check(&source, &signature);
            assert!(
                report.diagnostics.is_empty(),
                "the benchmark script must be clean: {:?}",
                report.diagnostics
            );
            group.throughput(Throughput::Elements(lines as u64));
            group.bench_with_input(BenchmarkId::from_parameter(lines), &source, |b, source| {
                b.iter(|| check(source, &signature))
            });
        }
        group.finish();
    }
    let mut group = c.benchmark_group("parse/typical");
    for lines in SIZES {
        let source = script(lines, typical);
        group.throughput(Throughput::Elements(lines as u64));
        group.bench_with_input(BenchmarkId::from_parameter(lines), &source, |b, source| {
            b.iter(|| full_moon::parse_fallible(source, full_moon::LuaVersion::lua51()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
