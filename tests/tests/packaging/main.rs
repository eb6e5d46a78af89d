//! What a release publishes, built and installed here without publishing anything:
//!
//! - crates.io: the five crates pass `cargo package` with its verification build, ship
//!   what their builds read and nothing else, and `cargo install` of the packaged
//!   `redis-lua-lint` gives a working binary. That install is the one release build of
//!   the linter; the npm, PyPI and Action tests below reuse it.
//! - npm: the launcher package and this platform's binary package, packed with
//!   `npm pack`, installed offline into a scratch project, run with `npx` and through a
//!   `package.json` script.
//! - PyPI: the wheel (maturin, `bindings = "bin"`) installed into a fresh virtual
//!   environment; the pre-commit hook's package installs it without building anything.
//! - GitHub Actions: `action.yml` validated against the published action schema, its
//!   install and check steps run as a runner runs them.
//!
//! Every binary must print exactly what `redis-lua-lint/tests/cmd/json.toml` expects of
//! the fixture project (the BullMQ-style queue, a lock, rate limiters), with exit
//! status 1. Needs `node` and `npm`, and a `python3` with maturin, setuptools and
//! check-jsonschema (README, "Prerequisites"). Everything is built under
//! `target/tmp/packaging`, with a target directory of its own, so it never waits for
//! the build running the tests; the packaged crates are unpacked outside the workspace,
//! as an installer sees them.

mod action;
mod crates;
mod npm;
mod python;
mod support;
mod versions;
