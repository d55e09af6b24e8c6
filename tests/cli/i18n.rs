//! Interface strings (issue 11): the default theme prints every label through `trans`, from
//! `themes/default/i18n/<code>.toml`, in English and Simplified Chinese; a missing key is a
//! located error naming the language.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::harness::SiteTest;

const THEME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default");

fn table(code: &str) -> BTreeMap<String, String> {
    let path = Path::new(THEME).join(format!("i18n/{code}.toml"));
    toml::from_str(&fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The keys the theme's templates name literally (`trans(key="home")`).
fn literal_keys() -> Vec<String> {
    let mut keys = Vec::new();
    for entry in fs::read_dir(Path::new(THEME).join("templates")).unwrap() {
        let text = fs::read_to_string(entry.unwrap().path()).unwrap();
        for call in text.split("trans(key=\"").skip(1) {
            let key = call.split('"').next().unwrap();
            // `trans(key="status_" ~ task.status)` is checked by the build.
            if !key.ends_with('_') {
                keys.push(key.to_string());
            }
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

#[test]
fn the_default_theme_has_every_key_in_english_and_chinese() {
    let english = table("en");
    let chinese = table("zh-Hans");
    assert!(english.len() > 100, "{} keys", english.len());
    assert_eq!(
        english.keys().collect::<Vec<_>>(),
        chinese.keys().collect::<Vec<_>>(),
        "en.toml and zh-Hans.toml name different keys"
    );
    for key in literal_keys() {
        assert!(english.contains_key(&key), "`{key}` is not in en.toml");
    }
    for (status, label) in [
        ("planned", "计划中"),
        ("in-progress", "进行中"),
        ("done", "已完成"),
        ("at-risk", "有风险"),
    ] {
        assert_eq!(chinese[&format!("status_{status}")], label);
    }
}

/// The shipped site with `default_language = "zh-CN"`: its labels come from `zh-Hans.toml`
/// (the primary subtag matches) and no English label of the theme is left. The content stays
/// English, so only the theme's strings are looked for.
#[test]
fn the_shipped_site_in_chinese_has_chinese_labels_only() {
    let site = SiteTest::shipped();
    site.replace(
        "site.toml",
        "default_language = \"en\"",
        "default_language = \"zh-CN\"",
    );
    // One task of each status, so that every status label is printed.
    site.replace(
        "content/priorities/01-party-building.md",
        "status = \"planned\"",
        "status = \"at-risk\"",
    );
    site.run(["build"]).success();
    let home = site.file("public/index.html");
    let area = site.file("public/priorities/party-building/index.html");
    for (page, labels) in [
        (
            &home,
            &[
                ">首页</a>",
                "跳到正文",
                "placeholder=\"搜索规划\"",
                "10 个重点领域",
                "重点领域 1",
                "总体进展",
                "各领域进展",
                ">计划中<",
                ">有风险<",
            ][..],
        ),
        (
            &area,
            &[
                ">首页</a>",
                "重点领域 1",
                ">重点任务</h2>",
                "badge--at-risk\">有风险</span>",
                "badge--planned\">计划中</span>",
                "为权威文本",
            ][..],
        ),
    ] {
        for label in labels {
            assert!(page.contains(label), "no `{label}` in {page}");
        }
    }
    let english = table("en");
    for (key, text) in &english {
        // Short words ("Home", "Due") and nouns ("priority area") are in the English content
        // too; every longer label without a placeholder must be gone, the others in their
        // markup.
        if text.chars().count() < 12 || text.contains('{') || key.starts_with("noun_") {
            continue;
        }
        for (name, page) in [("home", &home), ("area", &area)] {
            assert!(!page.contains(text.trim()), "{name} page shows `{text}`");
        }
    }
    for markup in [
        ">Home</a>",
        ">Tasks</h2>",
        ">Planned<",
        ">At risk<",
        "Priority area ",
    ] {
        assert!(!home.contains(markup), "home page shows `{markup}`");
        assert!(!area.contains(markup), "area page shows `{markup}`");
    }
}

#[test]
fn a_missing_key_names_the_template_line_and_the_language() {
    let site = SiteTest::shipped();
    site.replace(
        "site.toml",
        "default_language = \"en\"",
        "default_language = \"zh-CN\"",
    );
    site.replace(
        "themes/default/templates/page.html",
        "<article class=\"container page\">",
        "<article class=\"container page\">{{ trans(key=\"no_such_label\") }}",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("no translation of `no_such_label` for language `zh-CN`")
        .at("themes/default/templates/page.html:11:36")
        .help("themes/default/i18n/zh-Hans.toml");
    // `lang` names another language than the site's.
    site.replace(
        "themes/default/templates/page.html",
        "trans(key=\"no_such_label\")",
        "trans(key=\"home\", lang=\"fr\")",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("no translation of `home` for language `fr`")
        .at_some_line_of("themes/default/templates/page.html")
        .help("themes/default/i18n/fr.toml");
}

/// Zola's `[translations]` in the site's configuration win over the theme's table.
#[test]
fn the_sites_translations_win_over_the_themes() {
    let site = SiteTest::shipped();
    site.replace(
        "site.toml",
        "default_language = \"en\"",
        "default_language = \"en\"\ntranslations = { home = \"Start\" }",
    );
    site.run(["build"]).success();
    assert!(site.file("public/index.html").contains(">Start</a>"));
}
