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
    let templates = Path::new(THEME).join("templates");
    let files = fs::read_dir(&templates)
        .unwrap()
        .chain(fs::read_dir(templates.join("shortcodes")).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file());
    for path in files {
        let text = fs::read_to_string(path).unwrap();
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
                "第一个重点领域",
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
                "第一个重点领域",
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

/// Dates and the areas' ordinals follow the site's language: the format comes from the
/// theme's table (`date_format`) unless `extra.date_format` sets one, and the Chinese
/// eyebrow counts the area in Chinese numerals (`{ordinal}`) where the English one shows
/// its number.
#[test]
fn dates_and_ordinals_follow_the_language() {
    let english = SiteTest::shipped();
    english.replace(
        "content/priorities/05-basic-education.md",
        "status = \"planned\"",
        "due = 2027-03-01\nstatus = \"planned\"",
    );
    english.run(["build"]).success();
    let area = english.file("public/priorities/basic-education/index.html");
    let print = english.file("public/print/index.html");
    for text in [
        "Priority area 5",
        ">29 November 2026</time>",
        ">1 March 2027</time>",
    ] {
        assert!(area.contains(text), "no `{text}` in {area}");
    }
    for text in ["Priority area 5", ">1 March 2027</time>"] {
        assert!(print.contains(text), "no `{text}` in {print}");
    }

    let chinese = SiteTest::with_shipped_themes("zh");
    chinese.write(
        "content/priorities/preschool.md",
        "+++\ntitle = \"学前教育\"\nslug = \"preschool\"\nweight = 5\ndate = 2024-03-01\n\n\
         [area]\nnumber = 5\n\n[[area.tasks]]\ntitle = \"扩大普惠性资源\"\n\
         status = \"planned\"\ndue = 2024-12-31\n+++\n\n发展普惠性学前教育。\n",
    );
    chinese.write(
        "content/print.md",
        "+++\ntitle = \"打印版\"\ntemplate = \"print.html\"\nweight = 1000\n+++\n",
    );
    chinese.run(["build"]).success();
    let home = chinese.file("public/index.html");
    let area = chinese.file("public/priorities/preschool/index.html");
    let print = chinese.file("public/print/index.html");
    for text in ["第一个重点领域", "第四个重点领域", "第五个重点领域"] {
        assert!(home.contains(text), "no `{text}` in {home}");
    }
    for text in [
        "第五个重点领域",
        ">2024年3月1日</time>",
        ">2024年12月31日</time>",
        // The neighbour's eyebrow.
        "第四个重点领域",
    ] {
        assert!(area.contains(text), "no `{text}` in {area}");
    }
    for text in ["第五个重点领域", ">2024年12月31日</time>"] {
        assert!(print.contains(text), "no `{text}` in {print}");
    }
    assert!(!area.contains("重点领域 5"), "{area}");

    // The site's own format wins over the table's.
    chinese.write(
        "site.toml",
        chinese.file("site.toml") + "\n[extra]\ndate_format = \"%Y/%m/%d\"\n",
    );
    chinese.run(["build"]).success();
    let area = chinese.file("public/priorities/preschool/index.html");
    assert!(area.contains(">2024/03/01</time>"), "{area}");
}

/// `num_format` (Zola's) and `ordinal` speak the site's language unless told another; a
/// locale `num_format` does not know is an error at the call.
#[test]
fn numbers_are_written_in_the_language_of_the_render() {
    let site = SiteTest::shipped();
    let page = "themes/default/templates/page.html";
    site.replace(
        page,
        "<article class=\"container page\">",
        "<article class=\"container page\"><p id=\"numbers\">{{ 1234567 | num_format }} \
         {{ 1234567 | num_format(locale=\"de\") }} {{ 21 | ordinal }} \
         {{ 21 | ordinal(lang=\"zh-Hans\") }}</p>",
    );
    site.run(["build"]).success();
    let area = site.file("public/priorities/basic-education/index.html");
    assert!(
        area.contains("<p id=\"numbers\">1,234,567 1.234.567 21st 第二十一</p>"),
        "{area}"
    );
    site.replace(
        "site.toml",
        "default_language = \"en\"",
        "default_language = \"zh-CN\"",
    );
    site.run(["build"]).success();
    let area = site.file("public/priorities/basic-education/index.html");
    assert!(
        area.contains("<p id=\"numbers\">1,234,567 1.234.567 第二十一 第二十一</p>"),
        "{area}"
    );
    site.replace(page, "locale=\"de\"", "locale=\"tlh\"");
    site.run(["build"])
        .failure()
        .stderr_contains("`num_format` does not know the locale `tlh`")
        .at_some_line_of(page)
        .help("name a locale such as");
}
