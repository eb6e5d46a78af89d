//! One version for every package a release publishes.

use crate::support::{VERSION, root};

#[test]
fn every_package_carries_the_workspace_version() {
    let read_json = |relative: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(root().join(relative)).unwrap()).unwrap()
    };
    let launcher = read_json("redis-lua-lint/npm/redis-lua-lint/package.json");
    assert_eq!(launcher["version"], VERSION, "npm launcher");
    let optional = launcher["optionalDependencies"].as_object().unwrap();
    let mut platforms: Vec<String> = std::fs::read_dir(root().join("redis-lua-lint/npm/platforms"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    platforms.sort();
    assert_eq!(
        optional.len(),
        platforms.len(),
        "optional dependencies {optional:?} for platforms {platforms:?}"
    );
    for platform in &platforms {
        let manifest = read_json(&format!("redis-lua-lint/npm/platforms/{platform}/package.json"));
        let name = format!("redis-lua-lint-{platform}");
        assert_eq!(manifest["name"], name.as_str());
        assert_eq!(manifest["version"], VERSION, "{name}");
        assert_eq!(
            optional.get(&name),
            Some(&serde_json::json!(VERSION)),
            "{name} in the launcher"
        );
        let (os, cpu) = platform.split_once('-').unwrap();
        assert_eq!(
            (&manifest["os"][0], &manifest["cpu"][0]),
            (&serde_json::json!(os), &serde_json::json!(cpu))
        );
    }
    let hook_package = std::fs::read_to_string(root().join("pyproject.toml")).unwrap();
    for line in [
        format!("version = \"{VERSION}\""),
        format!("dependencies = [\"redis-lua-lint=={VERSION}\"]"),
    ] {
        assert!(hook_package.lines().any(|l| l == line), "no `{line}` in pyproject.toml");
    }
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let default = format!("    default: \"{VERSION}\"");
    let version_input = &action[action.find("  version:").expect("a `version` input")..];
    assert_eq!(
        version_input.lines().find(|l| l.trim_start().starts_with("default:")),
        Some(default.as_str())
    );
}
