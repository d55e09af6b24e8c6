//! The live preview's incremental updates against clean builds: after every edit of a seeded
//! random sequence (bodies, front matter, task statuses, new, deleted and renamed pages,
//! sections, templates, static files, site.toml, and mistakes that are later fixed), the
//! updated folder must hold exactly what a clean build of the same files writes, or both must
//! fail and the updated folder must still hold the last good site.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use workplan::build::{BuildOptions, Session, build};

use crate::harness::{SiteTest, copy_dir};

#[test]
fn random_edits_of_the_shipped_site_match_clean_builds() {
    for seed in [1, 2] {
        check_random_edits(&SiteTest::shipped(), seed, 50);
    }
}

#[test]
fn random_edits_of_the_minimal_site_match_clean_builds() {
    for seed in [3, 4, 7, 8] {
        check_random_edits(&SiteTest::new("minimal"), seed, 50);
    }
}

/// A task's status changed, and a mistake in an area made and mended, in one page's front
/// matter: the update patches that page and re-sorts, and must still match a clean build and
/// report what a clean build reports.
#[test]
fn area_edits_match_clean_builds_and_report_mistakes() {
    let site = SiteTest::shipped();
    let mut live = Live::open(&site);
    let page = site.path("content/priorities/07-teachers.md");
    let text = fs::read_to_string(&page).unwrap();

    fs::write(
        &page,
        text.replacen("status = \"planned\"", "status = \"done\"", 1),
    )
    .unwrap();
    live.session.update(std::slice::from_ref(&page)).unwrap();
    live.assert_matches_clean("status");

    fs::write(&page, with_first_task_untitled(&text)).unwrap();
    let error = live
        .session
        .update(std::slice::from_ref(&page))
        .unwrap_err();
    assert!(
        format!("{error:#}").contains("empty task title"),
        "{error:#}"
    );

    fs::write(&page, &text).unwrap();
    live.session.update(std::slice::from_ref(&page)).unwrap();
    live.assert_matches_clean("mended");
}

/// Code highlighting and footnotes at the bottom switched on, re-themed and off in site.toml:
/// every page with code or notes changes, the code stylesheet comes and goes, and each update
/// matches a clean build.
#[test]
fn highlighting_switched_in_site_toml_matches_clean_builds() {
    let site = SiteTest::with_shipped_themes("highlight");
    site.replace(
        "site.toml",
        "highlight_code = true",
        "highlight_code = false",
    );
    let mut live = Live::open(&site);
    let config = site.path("site.toml");
    let steps = [
        ("highlight_code = false", "highlight_code = true", "on"),
        (
            "highlight_code = true",
            "highlight_code = true\nhighlight_theme = \"base16-ocean-light\"",
            "inline",
        ),
        (
            "bottom_footnotes = true",
            "bottom_footnotes = false",
            "notes in place",
        ),
        (
            "highlight_code = true\nhighlight_theme = \"base16-ocean-light\"",
            "highlight_code = false",
            "off",
        ),
    ];
    for (from, to, what) in steps {
        site.replace("site.toml", from, to);
        live.session.update(std::slice::from_ref(&config)).unwrap();
        live.assert_matches_clean(what);
    }
}

/// A retitled page moves within the listings of its terms: the update sorts again just the
/// terms that show it, and must match a clean build.
#[test]
fn a_retitled_page_moves_within_its_terms() {
    let site = SiteTest::shipped();
    // The default theme shows areas in plan order; this one shows the term's own order.
    site.write(
        "templates/taxonomy_single.html",
        "{% for p in term.pages %}{{ p.title }}\n{% endfor %}",
    );
    let mut live = Live::open(&site);
    let listed = |dir: &Path| {
        let term = dir.join("topics/ideological-and-political-work/index.html");
        fs::read_to_string(term).unwrap()
    };
    // The areas under the topic have no date: the term lists them by title.
    let (virtue, party) = ("Fostering virtue through education", "Party leadership");
    let before = listed(&live.dir);
    assert!(before.find(virtue).unwrap() < before.find(party).unwrap());

    let page = "content/priorities/02-cultivating-virtue.md";
    let retitled = "Virtue: fostering it through education";
    let title = |title: &str| format!("title = \"{title}\"");
    site.replace(page, &title(virtue), &title(retitled));
    live.session.update(&[site.path(page)]).unwrap();
    let after = listed(&live.dir);
    assert!(after.find(party).unwrap() < after.find(retitled).unwrap());
    live.assert_matches_clean("retitled");
}

/// A section that is no longer rendered leaves the sitemap, though nothing a template shows
/// of it changed.
#[test]
fn a_section_no_longer_rendered_leaves_the_sitemap() {
    let site = SiteTest::shipped();
    let mut live = Live::open(&site);
    let sitemap = |dir: &Path| fs::read_to_string(dir.join("sitemap.xml")).unwrap();
    let listed = "<loc>https://example.org/priorities/</loc>";
    assert!(sitemap(&live.dir).contains(listed));

    let section = "content/priorities/_index.md";
    site.replace(section, "+++\n", "+++\nrender = false\n");
    live.session.update(&[site.path(section)]).unwrap();
    assert!(!sitemap(&live.dir).contains(listed));
    live.assert_matches_clean("unrendered");
}

/// What a section sets for its pages and itself (anchor links, templates, pagination) reaches
/// every output it concerns, though no value a template shows changed.
#[test]
fn section_settings_re_render_what_they_concern() {
    let site = SiteTest::new("minimal");
    site.write(
        "templates/alt.html",
        "{% extends \"page.html\" %}{% block title %}alt: {{ page.title }}{% endblock title %}",
    );
    site.write(
        "templates/alt-section.html",
        "{% extends \"section.html\" %}{% block title %}alt section{% endblock title %}",
    );
    let mut live = Live::open(&site);
    let section = "content/priorities/_index.md";
    for (key, value) in [
        ("insert_anchor_links", "\"left\""),
        ("page_template", "\"alt.html\""),
        ("template", "\"alt-section.html\""),
        ("paginate_by", "2"),
        ("paginate_path", "\"p\""),
        ("paginate_reversed", "true"),
        ("insert_anchor_links", "\"right\""),
        ("page_template", "\"page.html\""),
    ] {
        set_key(&site.path(section), key, value);
        live.session.update(&[site.path(section)]).unwrap();
        live.assert_matches_clean(&format!("{key}-{}", value.trim_matches('"')));
    }
}

/// A static file added at the address of a page fails the update as it fails a clean build,
/// and the live folder keeps the last good site until the file goes again.
#[test]
fn a_static_file_at_a_pages_address_fails_the_update_as_a_clean_build() {
    let site = SiteTest::new("minimal");
    let mut live = Live::open(&site);
    let before = tree(&live.dir);
    let clash = "static/priorities/index.html";
    site.write(clash, "<p>mine</p>");
    let clean = build(&BuildOptions {
        output_dir: Some(site.outside().join("clean")),
        ..live.options.clone()
    });
    let clean_error = format!("{:#}", clean.unwrap_err());
    let error = live.session.update(&[site.path(clash)]).unwrap_err();
    assert_eq!(format!("{error:#}"), clean_error);
    assert_same(&tree(&live.dir), &before, "after the clash");

    fs::remove_file(site.path(clash)).unwrap();
    live.session.update(&[site.path(clash)]).unwrap();
    live.assert_matches_clean("clash removed");
}

/// One batch with a page's edit and a static file's: the static file is copied, and one added
/// at a page's address fails the update as a clean build fails.
#[test]
fn a_page_and_a_static_file_saved_together_match_a_clean_build() {
    let site = SiteTest::new("minimal");
    let mut live = Live::open(&site);
    let page = site.path("content/priorities/higher.md");
    let style = site.path("static/style.css");
    append(&page, "\nA body edit.\n");
    append(&style, "\n/* a style edit */\n");
    live.session.update(&[page.clone(), style]).unwrap();
    live.assert_matches_clean("body and style");

    set_key(&page, "title", "\"Retitled\"");
    let clash = site.path("static/priorities/index.html");
    fs::create_dir_all(clash.parent().unwrap()).unwrap();
    fs::write(&clash, "<p>mine</p>").unwrap();
    let error = live
        .session
        .update(&[page.clone(), clash.clone()])
        .unwrap_err();
    assert!(
        format!("{error:#}").contains("two pages would be written"),
        "{error:#}"
    );
    fs::remove_file(&clash).unwrap();
    live.session.update(&[clash]).unwrap();
    live.assert_matches_clean("clash removed");
}

/// Files that template functions read (`load_data`, `get_hash`, `get_url(cachebust=true)`,
/// `get_image_metadata`) saved, made, broken and moved during a live preview: what read them
/// renders again, and the folder matches a clean build after each.
#[test]
fn files_read_by_functions_edited_live_match_clean_builds() {
    let site = SiteTest::new("everything");
    let mut live = Live::open(&site);
    let about = |dir: &Path| fs::read_to_string(dir.join("about/index.html")).unwrap();

    // A data file outside the folders the build reads: only the page that loads it (in both
    // languages) renders again.
    site.replace("data/people.toml", "Zhang Min", "Wang Fang");
    let update = live
        .session
        .update(&[site.path("data/people.toml")])
        .unwrap();
    assert!(about(&live.dir).contains("Wang Fang (Teachers"));
    assert_eq!(update.changed, ["/about/", "/fr/about/"]);
    assert_eq!(update.rendered, 2);
    live.assert_matches_clean("data");

    // The theme's stylesheet, which `get_hash` and `cachebust` read, and the image and CSV
    // files beside the content.
    let before = about(&live.dir);
    append(
        &site.path("themes/all/static/style.css"),
        "\np { margin: 0; }\n",
    );
    let update = live
        .session
        .update(&[site.path("themes/all/static/style.css")])
        .unwrap();
    assert!(
        update.changed.iter().any(|path| path == "/about/"),
        "{update:?}"
    );
    assert_ne!(
        about(&live.dir),
        before,
        "the hashes of the stylesheet changed"
    );
    live.assert_matches_clean("stylesheet");
    append(&site.path("content/priorities/chart.csv"), "3,4\n");
    live.session
        .update(&[site.path("content/priorities/chart.csv")])
        .unwrap();
    assert!(about(&live.dir).contains("[1,2][3,4]"));
    live.assert_matches_clean("csv");

    // A file made where a function found none (`required=false`), and one made in an earlier
    // place than the one found: `static/style.css` now wins over the theme's.
    site.write("static/added-0.txt", "Added live");
    site.write("static/style.css", "p { color: blue; }\n");
    live.session
        .update(&[
            site.path("static/added-0.txt"),
            site.path("static/style.css"),
        ])
        .unwrap();
    assert!(about(&live.dir).contains("Added live"));
    live.assert_matches_clean("made");

    // A broken file fails the update as it fails a clean build, then mended.
    let people = fs::read_to_string(site.path("data/people.toml")).unwrap();
    site.write("data/people.toml", "people = [");
    let error = live.session.update(&[site.path("data/people.toml")]);
    let error = format!("{:#}", error.unwrap_err());
    assert!(
        error.contains("`data/people.toml:1:11` is not valid TOML"),
        "{error}"
    );
    site.write("data/people.toml", &people);
    live.session
        .update(&[site.path("data/people.toml")])
        .unwrap();
    live.assert_matches_clean("mended");

    // The data folder moved away and back, as a watcher reports it: the folders alone.
    let (data, away) = (site.path("data"), site.path("data-away"));
    fs::rename(&data, &away).unwrap();
    let error = live.session.update(&[data.clone(), away.clone()]);
    assert!(format!("{:#}", error.unwrap_err()).contains("no file `data/people.toml`"));
    fs::rename(&away, &data).unwrap();
    live.session.update(&[data, away]).unwrap();
    live.assert_matches_clean("moved back");
}

/// A live preview's session of a site, keeping `live/` beside it up to date.
struct Live<'a> {
    site: &'a SiteTest,
    options: BuildOptions,
    dir: PathBuf,
    session: Session,
}

impl<'a> Live<'a> {
    fn open(site: &'a SiteTest) -> Self {
        let options = options_of(site);
        let dir = site.outside().join("live");
        let session = Session::open(&options, &dir).unwrap();
        Self {
            site,
            options,
            dir,
            session,
        }
    }

    /// Asserts that `live/` holds what a clean build writes (into `clean-<what>/`), once its
    /// search index is written again, as the live preview does after each update.
    fn assert_matches_clean(&self, what: &str) {
        self.session.index_search().unwrap();
        let clean = self.site.outside().join(format!("clean-{what}"));
        Session::open(&self.options, &clean).unwrap();
        assert_same(&tree(&self.dir), &tree(&clean), what);
    }
}

fn options_of(site: &SiteTest) -> BuildOptions {
    BuildOptions {
        root: site.root().to_path_buf(),
        ..BuildOptions::default()
    }
}

/// `text` with the first task's title emptied.
fn with_first_task_untitled(text: &str) -> String {
    let task = text.find("[[area.tasks]]").unwrap();
    let start = task + text[task..].find("title = \"").unwrap() + "title = \"".len();
    let end = start + text[start..].find('"').unwrap();
    format!("{}{}", &text[..start], &text[end..])
}

/// Exactness alone would allow re-rendering everything: an edit must re-render what shows it.
#[test]
fn edits_re_render_only_what_shows_them() {
    let site = SiteTest::shipped();
    let options = options_of(&site);
    let mut session = Session::open(&options, &site.outside().join("live")).unwrap();
    let source = site.path("content/source.md");
    append(&source, "\nMore words.\n");
    let update = session.update(std::slice::from_ref(&source)).unwrap();
    assert_eq!(update.rendered, 1, "a body edit renders its page alone");
    assert_eq!(update.changed, ["/source/"]);

    // An area's text is also in the print edition.
    let page = site.path("content/priorities/07-teachers.md");
    append(&page, "\nMore words.\n");
    let update = session.update(std::slice::from_ref(&page)).unwrap();
    for shown in ["/priorities/teachers/", "/print/"] {
        assert!(
            update.changed.iter().any(|path| path == shown),
            "{shown}: {:?}",
            update.changed
        );
    }
    assert!(
        !update
            .changed
            .iter()
            .any(|path| path == "/priorities/party-building/"),
        "{:?}",
        update.changed
    );

    set_key(&page, "description", "\"A new description.\"");
    let update = session.update(std::slice::from_ref(&page)).unwrap();
    // What shows an area's description: its page, the listing, the plan's pages (home,
    // print edition) and its topics; other areas' pages render the same bytes.
    for shown in ["/priorities/teachers/", "/priorities/", "/"] {
        assert!(
            update.changed.iter().any(|path| path == shown),
            "{shown}: {:?}",
            update.changed
        );
    }
    for unrelated in [
        "/priorities/party-building/",
        "/priorities/higher-education/",
        "/source/",
    ] {
        assert!(
            !update.changed.iter().any(|path| path == unrelated),
            "{unrelated}: {:?}",
            update.changed
        );
    }
    // Besides those: the neighbours (their links name it), the four exports of the plan
    // (plan.json, tasks.csv, tasks.xlsx, updates.xml read it whole), the feeds; about 20 of the
    // site's 140 outputs.
    assert!(
        update.rendered < 24,
        "{} outputs rendered for one description",
        update.rendered
    );

    let update = session
        .update(&[site.path("themes/default/static/style.css")])
        .unwrap();
    assert_eq!(update.rendered, 0);
    assert!(
        update.changed.is_empty(),
        "an unchanged file changes nothing"
    );
}

/// Every front-matter key of pages and sections, every `site.toml` key, templates and static
/// files added, removed and renamed, on a site whose templates print every value and call
/// every template function (`tests/sites/everything`).
#[test]
fn random_edits_of_every_key_match_clean_builds() {
    for seed in [11, 12, 13] {
        check_edits(&SiteTest::new("everything"), seed, 60, key_edit);
    }
}

/// Each `[slugify]` strategy in turn, and back to the default: the live folder matches a clean
/// build after each (paths, terms and heading ids all move).
#[test]
fn slugify_edits_match_clean_builds() {
    let site = SiteTest::with_shipped_themes("slugify");
    let root = site.root().to_path_buf();
    let config = site.file("site.toml");
    let live = site.outside().join("live");
    let options = BuildOptions {
        root: root.clone(),
        ..BuildOptions::default()
    };
    let mut session = Session::open(&options, &live).expect("the fixture builds");
    let tables = [
        "[slugify]\npaths = \"on\"\ntaxonomies = \"on\"\nanchors = \"on\"\n",
        "[slugify]\nanchors = \"safe\"\npaths_keep_dates = true\n",
        "[slugify]\npaths = \"off\"\ntaxonomies = \"safe\"\nanchors = \"off\"\n",
        "",
    ];
    let mut before = tree(&live);
    for (step, table) in tables.into_iter().enumerate() {
        site.write("site.toml", format!("{config}\n{table}"));
        session.update(&[root.join("site.toml")]).unwrap();
        let clean = site.outside().join(format!("clean-{step}"));
        let clean_options = BuildOptions {
            output_dir: Some(clean.clone()),
            ..options.clone()
        };
        build(&clean_options).unwrap();
        let now = tree(&live);
        assert_same(&now, &tree(&clean), &format!("step {step}: {table}"));
        assert!(now != before, "step {step} changed nothing: {table}");
        before = now;
    }
}

fn check_random_edits(site: &SiteTest, seed: u64, steps: usize) {
    check_edits(site, seed, steps, edit);
}

/// After each of `steps` edits made by `edit`, the live folder matches a clean build, or both
/// fail and the live folder keeps the last good site.
fn check_edits(
    site: &SiteTest,
    seed: u64,
    steps: usize,
    edit: fn(&Path, &mut Random, usize) -> (String, Vec<PathBuf>),
) {
    let root = site.root().to_path_buf();
    let live = site.outside().join(format!("live-{seed}"));
    let clean = site.outside().join(format!("clean-{seed}"));
    let options = BuildOptions {
        root: root.clone(),
        ..BuildOptions::default()
    };
    let mut session = Session::open(&options, &live).expect("the fixture builds");
    let mut last_good = tree(&live);
    let mut random = Random(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut built = 0;
    // The site as it last built: a site broken for three edits in a row is put back, as an
    // author would undo a mistake, so that most edits apply to a site that builds.
    let good = site.outside().join(format!("good-{seed}"));
    copy_dir(&root, &good);
    let mut failing = 0;
    for step in 0..steps {
        let (edit, touched) = if failing >= 3 {
            failing = 0;
            (
                "undo back to the last good site".to_string(),
                restore(&root, &good),
            )
        } else {
            edit(&root, &mut random, step)
        };
        // As the live preview does: update, then the search index.
        let updated = session.update(&touched);
        if updated.is_ok() {
            session.index_search().unwrap();
        }
        let clean_options = BuildOptions {
            output_dir: Some(clean.clone()),
            ..options.clone()
        };
        match build(&clean_options) {
            Ok(_) => {
                if let Err(error) = &updated {
                    panic!(
                        "seed {seed} step {step} ({edit}): the update failed, a clean build did not:\n{error:#}"
                    );
                }
                let now = tree(&live);
                assert_same(
                    &now,
                    &tree(&clean),
                    &format!("seed {seed} step {step} ({edit})"),
                );
                last_good = now;
                built += 1;
                failing = 0;
                fs::remove_dir_all(&good).unwrap();
                copy_dir(&root, &good);
            }
            Err(clean_error) => {
                failing += 1;
                assert!(
                    updated.is_err(),
                    "seed {seed} step {step} ({edit}): a clean build failed, the update did not:\n{clean_error:#}"
                );
                assert_same(
                    &tree(&live),
                    &last_good,
                    &format!("seed {seed} step {step} ({edit}), failed"),
                );
            }
        }
    }
    // Sequences that leave the site broken most of the time would test little.
    assert!(
        built * 2 >= steps,
        "seed {seed}: only {built} of {steps} steps built"
    );
}

/// Puts the site back as `good` holds it; returns every path that this touched.
fn restore(root: &Path, good: &Path) -> Vec<PathBuf> {
    let mut touched = walk(root);
    fs::remove_dir_all(root).unwrap();
    copy_dir(good, root);
    touched.extend(walk(root));
    touched.sort();
    touched.dedup();
    touched
}

fn assert_same(live: &BTreeMap<String, Vec<u8>>, clean: &BTreeMap<String, Vec<u8>>, what: &str) {
    let only_live: Vec<_> = live.keys().filter(|k| !clean.contains_key(*k)).collect();
    let only_clean: Vec<_> = clean.keys().filter(|k| !live.contains_key(*k)).collect();
    let differ: Vec<_> = live
        .iter()
        .filter(|(k, v)| clean.get(*k).is_some_and(|c| c != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        only_live.is_empty() && only_clean.is_empty() && differ.is_empty(),
        "{what}: only in the live folder {only_live:?}, only in the clean build {only_clean:?}, different {differ:?}"
    );
}

/// Every file below `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|file| {
            let relative = file
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (relative, fs::read(&file).unwrap())
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// A small seeded generator, so that a failure names a sequence that can be replayed.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Makes one random edit; returns what it did and the paths it touched.
fn edit(root: &Path, random: &mut Random, step: usize) -> (String, Vec<PathBuf>) {
    let content = root.join("content");
    let markdown: Vec<PathBuf> = walk(&content)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    let pages: Vec<PathBuf> = markdown
        .iter()
        .filter(|p| !is_section(p))
        .cloned()
        .collect();
    let sections: Vec<PathBuf> = markdown
        .iter()
        .filter(|p| !pages.contains(p))
        .cloned()
        .collect();
    let page = random.pick(&pages).clone();
    let shown = |path: &Path| path.strip_prefix(root).unwrap().display().to_string();
    match random.below(14) {
        0 | 1 => {
            append(&page, &format!("\nA paragraph added in step {step}.\n"));
            (format!("body of {}", shown(&page)), vec![page])
        }
        2 => {
            set_key(&page, "title", &format!("\"Retitled in step {step}\""));
            (format!("title of {}", shown(&page)), vec![page])
        }
        3 => {
            // The weight orders listings; the date orders feeds.
            let (key, value) = if random.below(2) == 0 {
                ("weight", random.below(20).to_string())
            } else {
                let (month, day) = (random.below(12) + 1, random.below(28) + 1);
                ("updated", format!("2024-{month:02}-{day:02}"))
            };
            set_key(&page, key, &value);
            (format!("{key} of {}", shown(&page)), vec![page])
        }
        4 => {
            let text = fs::read_to_string(&page).unwrap();
            let statuses = ["planned", "in-progress", "done", "at-risk"];
            let status = random.pick(&statuses);
            match random.below(3) {
                0 => {
                    // A task's id renamed: ids are checked across the plan.
                    let edited = text.replacen("id = \"", &format!("id = \"r{step}-"), 1);
                    fs::write(&page, edited).unwrap();
                    (format!("a task id of {}", shown(&page)), vec![page])
                }
                1 => {
                    // A status update of the first task: its history and the as-of day move.
                    let (month, day) = (random.below(12) + 1, random.below(28) + 1);
                    let update = format!(
                        "status = \"{status}\"\n\n[[area.tasks.updates]]\ndate = 2024-{month:02}-{day:02}\nstatus = \"{status}\"\nnote = \"Step {step}\"\n"
                    );
                    let edited = text.replacen("status = \"planned\"\n", &update, 1);
                    fs::write(&page, edited).unwrap();
                    (format!("a task update in {}", shown(&page)), vec![page])
                }
                _ => {
                    let edited =
                        text.replacen("status = \"planned\"", &format!("status = \"{status}\""), 1);
                    fs::write(&page, edited).unwrap();
                    (format!("a task status of {}", shown(&page)), vec![page])
                }
            }
        }
        5 => {
            let section = random.pick(&sections).parent().unwrap().to_path_buf();
            let target = random
                .pick(&pages)
                .strip_prefix(&content)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let new = section.join(format!("new-{step}.md"));
            let text = format!(
                "+++\ntitle = \"New in step {step}\"\nweight = {}\n+++\n\n## Added\n\nSee [this](@/{target}).\n",
                random.below(20)
            );
            fs::write(&new, text).unwrap();
            (format!("new page {}", shown(&new)), vec![new])
        }
        6 => {
            fs::remove_file(&page).unwrap();
            (format!("deleted {}", shown(&page)), vec![page])
        }
        7 => {
            let renamed = page.with_file_name(format!("renamed-{step}.md"));
            fs::rename(&page, &renamed).unwrap();
            (
                format!("renamed {} to {}", shown(&page), shown(&renamed)),
                vec![page, renamed],
            )
        }
        8 => {
            let section = random.pick(&sections).clone();
            if random.below(2) == 0 {
                append(&section, &format!("\nSection text of step {step}.\n"));
                (format!("body of {}", shown(&section)), vec![section])
            } else {
                // A section no longer rendered leaves the sitemap; rendered again, it is back.
                let render = fs::read_to_string(&section)
                    .unwrap()
                    .contains("render = false");
                set_key(&section, "render", &render.to_string());
                (
                    format!("render = {render} in {}", shown(&section)),
                    vec![section],
                )
            }
        }
        9 => {
            let templates: Vec<PathBuf> = walk(&root.join("templates"))
                .into_iter()
                .chain(walk(&root.join("themes")))
                .filter(|p| p.to_string_lossy().ends_with("base.html"))
                .collect();
            let template = random.pick(&templates).clone();
            let text = fs::read_to_string(&template).unwrap();
            fs::write(
                &template,
                text.replacen("</body>", &format!("<!-- step {step} --></body>"), 1),
            )
            .unwrap();
            (format!("template {}", shown(&template)), vec![template])
        }
        10 => {
            let styles: Vec<PathBuf> = walk(root)
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "css"))
                .collect();
            let style = random.pick(&styles).clone();
            append(&style, &format!("\n/* step {step} */\n"));
            (format!("stylesheet {}", shown(&style)), vec![style])
        }
        11 => {
            let config = root.join("site.toml");
            set_key(&config, "title", &format!("\"Site of step {step}\""));
            ("site.toml title".to_string(), vec![config])
        }
        12 => {
            // Renaming a heading may break `@/page.md#anchor` links in other pages.
            let text = fs::read_to_string(&page).unwrap();
            let edited: Vec<String> = text
                .lines()
                .map(|line| {
                    if line.starts_with("## ") && !line.contains("{#") {
                        format!("## Heading of step {step}")
                    } else {
                        line.to_string()
                    }
                })
                .collect();
            fs::write(&page, edited.join("\n") + "\n").unwrap();
            (format!("headings of {}", shown(&page)), vec![page])
        }
        _ => {
            // A mistake half the time, its fix the other half.
            let text = fs::read_to_string(&page).unwrap();
            let (edited, what) = if text.contains("wieght = ") || random.below(2) == 0 {
                (
                    text.lines()
                        .filter(|l| !l.starts_with("wieght = "))
                        .collect::<Vec<_>>()
                        .join("\n")
                        + "\n",
                    "fixed",
                )
            } else {
                (text.replacen("+++\n", "+++\nwieght = 1\n", 1), "broke")
            };
            fs::write(&page, edited).unwrap();
            (
                format!("{what} the front matter of {}", shown(&page)),
                vec![page],
            )
        }
    }
}

/// The keys [`key_edit`] sets (and `properties` writes): every key a page, a section and
/// `site.toml` take (`every_key_is_edited` checks this against the keys the build accepts).
pub const PAGE_KEYS: [&str; 15] = [
    "title",
    "description",
    "date",
    "updated",
    "weight",
    "draft",
    "slug",
    "path",
    "aliases",
    "authors",
    "template",
    "in_search_index",
    "taxonomies",
    "extra",
    "area",
];
pub const SECTION_KEYS: [&str; 18] = [
    "title",
    "description",
    "weight",
    "draft",
    "sort_by",
    "paginate_by",
    "paginate_path",
    "paginate_reversed",
    "template",
    "page_template",
    "insert_anchor_links",
    "in_search_index",
    "render",
    "redirect_to",
    "transparent",
    "generate_feeds",
    "aliases",
    "extra",
];
const CONFIG_KEYS: [&str; 26] = [
    "base_url",
    "title",
    "description",
    "default_language",
    "theme",
    "taxonomies",
    "slugify",
    "generate_sitemap",
    "generate_robots_txt",
    "generate_exports",
    "build_search_index",
    "generate_feeds",
    "feed_limit",
    "author",
    "translations",
    "languages",
    "as_of",
    "ignored_content",
    "ignored_static",
    "feed_filenames",
    "markdown",
    "link_checker",
    "compile_sass",
    "minify_html",
    "relative_links",
    "extra",
];

/// Sets a random key of a page, a section or `site.toml` to a random value, adds, removes or
/// renames a template or static file, or edits the Sass; otherwise one of [`edit`]'s edits.
fn key_edit(root: &Path, random: &mut Random, step: usize) -> (String, Vec<PathBuf>) {
    let markdown: Vec<PathBuf> = walk(&root.join("content"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    let (sections, pages): (Vec<PathBuf>, Vec<PathBuf>) =
        markdown.into_iter().partition(|p| is_section(p));
    let choice = Choice::new(random, step);
    let (file, key) = match random.below(11) {
        0..=3 => (random.pick(&pages).clone(), *random.pick(&PAGE_KEYS)),
        4..=6 => (random.pick(&sections).clone(), *random.pick(&SECTION_KEYS)),
        7 => (root.join("site.toml"), *random.pick(&CONFIG_KEYS)),
        8 => return file_edit(root, random, step),
        10 => return sass_edit(root, random, step),
        _ => return edit(root, random, step),
    };
    let value = if file.ends_with("site.toml") {
        choice.config_value(key)
    } else if is_section(&file) {
        choice.section_value(key)
    } else {
        choice.page_value(key)
    };
    set_key(&file, key, &value);
    let shown = file.strip_prefix(root).unwrap().display().to_string();
    (format!("{key} = {value} in {shown}"), vec![file])
}

/// The random parts of one key edit's value.
struct Choice {
    step: usize,
    n: usize,
    m: usize,
    flag: &'static str,
    date: String,
}

impl Choice {
    fn new(random: &mut Random, step: usize) -> Self {
        Self {
            step,
            n: random.below(4),
            m: random.below(4),
            flag: ["true", "false"][random.below(2)],
            date: format!(
                "2024-{:02}-{:02}",
                random.below(12) + 1,
                random.below(28) + 1
            ),
        }
    }

    fn page_value(&self, key: &str) -> String {
        let Self {
            step,
            n,
            m,
            flag,
            ref date,
        } = *self;
        match key {
            "title" => format!("\"Page of step {step}\""),
            "description" => format!("\"Described in step {step}\""),
            "date" => date.clone(),
            "updated" => format!("{date}T09:30:00+08:00"),
            "weight" => (n * 7).to_string(),
            "draft" | "in_search_index" => flag.to_string(),
            "slug" => format!("\"slug-{n}\""),
            "path" => format!("\"moved-{n}/\""),
            "aliases" => format!("[\"old-{n}/\", \"older-{m}/\"]"),
            "authors" => format!("[\"Author {n}\"]"),
            "template" => {
                ["\"page.html\"", "\"alt.html\"", "\"functions.html\""][n % 3].to_string()
            }
            "taxonomies" => {
                format!("{{ topics = [\"topic-{n}\", \"shared\"], leads = [\"Office {m}\"] }}")
            }
            "extra" => format!("{{ rank = {n}, tag = \"x{m}\" }}"),
            "area" => {
                let status = ["planned", "in-progress", "done", "at-risk"][n];
                format!(
                    "{{ number = {}, tasks = [{{ id = \"t{m}\", title = \"Task of step {step}\", lead = \"Office {m}\", partners = [\"Unit {n}\"], due = {date}, note = \"Note {n}\", updates = [{{ date = 2024-0{}-01, status = \"{status}\", note = \"Update {step}\" }}] }}, {{ title = \"Second task\", due = \"by June\" }}] }}",
                    n + 1,
                    m + 1
                )
            }
            other => panic!("no values for the page key `{other}`"),
        }
    }

    fn section_value(&self, key: &str) -> String {
        let Self { step, n, flag, .. } = *self;
        match key {
            "title" => format!("\"Section of step {step}\""),
            "description" => format!("\"Described in step {step}\""),
            "weight" | "paginate_by" => n.to_string(),
            "draft" | "paginate_reversed" | "in_search_index" | "render" | "transparent"
            | "generate_feeds" => flag.to_string(),
            "sort_by" => {
                let orders = [
                    "weight",
                    "date",
                    "update_date",
                    "title",
                    "title_bytes",
                    "slug",
                    "permalink",
                    "none",
                ];
                format!("\"{}\"", orders[(step + n) % orders.len()])
            }
            "paginate_path" => format!("\"{}\"", ["page", "p"][n % 2]),
            "template" => ["\"section.html\"", "\"alt-section.html\""][n % 2].to_string(),
            "page_template" => {
                ["\"page.html\"", "\"alt.html\"", "\"functions.html\""][n % 3].to_string()
            }
            "insert_anchor_links" => {
                format!("\"{}\"", ["none", "left", "right", "heading"][n])
            }
            "redirect_to" => [
                "\"@/notes/first.md\"",
                "\"elsewhere/\"",
                "\"https://example.com/\"",
            ][n % 3]
                .to_string(),
            "aliases" => format!("[\"was-{n}/\"]"),
            "extra" => format!("{{ kind = \"k{n}\" }}"),
            other => panic!("no values for the section key `{other}`"),
        }
    }

    fn config_value(&self, key: &str) -> String {
        let Self {
            step, n, m, flag, ..
        } = *self;
        match key {
            "base_url" => {
                ["\"https://example.org/\"", "\"https://example.org/sub/\""][n % 2].to_string()
            }
            "title" => format!("\"Site of step {step}\""),
            "description" => format!("\"Described in step {step}\""),
            "default_language" => ["\"en\"", "\"zh-CN\""][n % 2].to_string(),
            "theme" => "\"all\"".to_string(),
            "taxonomies" => format!(
                "[{{ name = \"topics\", feed = {flag}, paginate_by = {} }}, {{ name = \"leads\" }}]",
                n + 1
            ),
            // Each kind by its own strategy, or all by the readable default.
            "slugify" => match ["on", "safe", "off"].get(n) {
                Some(paths) => format!(
                    "{{ paths = \"{paths}\", taxonomies = \"{}\", anchors = \"{}\", \
                     paths_keep_dates = {flag} }}",
                    ["on", "safe", "off"][m % 3],
                    ["on", "safe", "off"][(n + m) % 3],
                ),
                None => format!("{{ paths_keep_dates = {flag} }}"),
            },
            "generate_sitemap" | "generate_robots_txt" | "generate_exports" | "generate_feeds"
            | "compile_sass" | "minify_html" | "relative_links" => flag.to_string(),
            // The search index is slow to make: on rarely.
            "build_search_index" => (n == 0 && flag == "true").to_string(),
            "feed_limit" => (n + 1).to_string(),
            "as_of" => format!("2024-{:02}-15", n * 3 + 1),
            // A page, an asset or nothing left out; a static file or nothing.
            "ignored_content" => ["[\"area-4.md\"]", "[\"*.csv\"]", "[]"][n % 3].to_string(),
            "ignored_static" => ["[\"notes.txt\"]", "[]"][n % 2].to_string(),
            "feed_filenames" => "[\"atom.xml\"]".to_string(),
            // Read by `check --external` alone: a build must not change with it.
            "link_checker" => format!(
                "{{ skip_prefixes = [\"https://example.com/{n}\"], external_level = \"{}\" }}",
                ["warn", "error"][n % 2]
            ),
            "markdown" => format!(
                "{{ smart_punctuation = {flag}, external_links_target_blank = {}, lazy_async_image = {flag}, \
                 highlight_code = {}, highlight_theme = \"{}\", bottom_footnotes = {} }}",
                n % 2 == 0,
                m % 3 != 0,
                ["css", "base16-ocean-dark", "InspiredGitHub"][n % 3],
                m % 2 == 0
            ),
            "author" => format!("\"Author {n}\""),
            "translations" => format!("{{ greeting = \"Hello {n}\" }}"),
            // Without `fr`, its translations are pages named `*.fr.md` of no language: the
            // build refuses them, as a clean build does.
            "languages" => [
                "{ fr = { title = \"Tout\", translations = { greeting = \"Bonjour\" } } }".to_string(),
                format!("{{ fr = {{ title = \"Tout {step}\", prefix = \"fr-{n}\", generate_feeds = {flag}, translations = {{ greeting = \"Salut\" }}, extra = {{ motto = \"tout\" }} }} }}"),
                "{ fr = { taxonomies = [{ name = \"topics\" }], translations = { greeting = \"Allô\" } }, en-GB = { prefix = \"uk\" } }".to_string(),
            ][n % 3]
                .clone(),
            "extra" => format!("{{ motto = \"m{n}\" }}"),
            other => panic!("no values for the site.toml key `{other}`"),
        }
    }
}

/// The fixture of the random edits calls every template function, so that what each reads is
/// checked against clean builds.
#[test]
fn every_template_function_is_called() {
    let site = SiteTest::new("everything");
    let templates: String = walk(site.root())
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "html"))
        .map(|path| fs::read_to_string(path).unwrap())
        .collect();
    for (name, _) in workplan::templates::FUNCTIONS {
        assert!(
            templates.contains(&format!("{{{{ {name}("))
                || templates.contains(&format!("= {name}(")),
            "no template calls `{name}`"
        );
    }
}

/// The random edits cover every key the build accepts: a key added to the front matter or
/// `site.toml` must be added to the edits too.
#[test]
fn every_key_is_edited() {
    let files = [
        ("site.toml", &CONFIG_KEYS[..]),
        ("content/priorities/area-1.md", &PAGE_KEYS),
        ("content/notes/_index.md", &SECTION_KEYS),
    ];
    for (file, edited) in files {
        // An unknown key makes the build list the keys it takes.
        let site = SiteTest::new("everything");
        site.replace(file, "title = ", "unknown_key = 1\ntitle = ");
        let stderr = site.run(["build"]).stderr();
        let listed = stderr
            .lines()
            .find_map(|line| line.strip_prefix("help: the keys allowed here are "))
            .unwrap_or_else(|| panic!("{file}: no list of keys in {stderr}"));
        let mut keys: Vec<&str> = listed
            .split(", ")
            .map(|key| key.trim_matches('`'))
            .collect();
        keys.sort_unstable();
        let mut edited = edited.to_vec();
        edited.sort_unstable();
        assert_eq!(keys, edited, "{file}");
    }
    let choice = Choice::new(&mut Random(1), 0);
    for key in PAGE_KEYS {
        choice.page_value(key);
    }
    for key in SECTION_KEYS {
        choice.section_value(key);
    }
    for key in CONFIG_KEYS {
        choice.config_value(key);
    }
}

/// Edits the Sass: a partial's value, a mistake in it (fixed by the next such edit), a
/// stylesheet added or removed, a static file at a stylesheet's address added or removed.
fn sass_edit(root: &Path, random: &mut Random, step: usize) -> (String, Vec<PathBuf>) {
    let toggle = |file: PathBuf, text: &str| {
        let removed = fs::remove_file(&file).is_ok();
        if !removed {
            fs::write(&file, text).unwrap();
        }
        let shown = file.strip_prefix(root).unwrap().display().to_string();
        (format!("{shown} removed {removed}"), vec![file])
    };
    let partial = root.join("sass/_tone.scss");
    match random.below(4) {
        0 => {
            fs::write(&partial, format!("$tone: #{:06};\n", step * 7)).unwrap();
            (format!("tone {step}"), vec![partial])
        }
        1 => {
            fs::write(&partial, "$tone: ;\n").unwrap();
            ("a mistake in the tone".to_string(), vec![partial])
        }
        2 => toggle(root.join("sass/extra.scss"), "b { font-weight: bold; }\n"),
        _ => toggle(root.join("static/site.css"), "body { color: red; }\n"),
    }
}

/// Adds, changes, removes or renames a template of the site (which may replace the theme's)
/// or a static file.
fn file_edit(root: &Path, random: &mut Random, step: usize) -> (String, Vec<PathBuf>) {
    let shown = |path: &Path| path.strip_prefix(root).unwrap().display().to_string();
    let theme = root.join("themes/all/templates");
    let mut names: Vec<String> = walk(&theme)
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.push("alt.html".to_string());
    let name = random.pick(&names).as_str();
    let own = root.join("templates").join(name);
    match random.below(8) {
        0 => {
            // A template of the site's own, replacing the theme's: a copy with a mark.
            let original = fs::read_to_string(theme.join(name))
                .or_else(|_| fs::read_to_string(&own))
                .unwrap_or_else(|_| "{% extends \"page.html\" %}".to_string());
            fs::create_dir_all(own.parent().unwrap()).unwrap();
            fs::write(&own, format!("{original}{{# step {step} #}}")).unwrap();
            (format!("wrote {}", shown(&own)), vec![own])
        }
        1 => {
            let removed = fs::remove_file(&own).is_ok();
            (format!("removed {} ({removed})", shown(&own)), vec![own])
        }
        2 => {
            // Renamed away and back: a page using it fails, then builds again.
            let away = own.with_file_name(format!("renamed-{name}"));
            rename_away_or_back(root, own, away)
        }
        3 => {
            // Now and then at the address of a generated file: a clash both must report.
            let names = ["added-0.txt", "added-1.txt", "added-2.txt", "plan.json"];
            let file = root.join("static").join(random.pick(&names));
            fs::write(&file, format!("added in step {step}")).unwrap();
            (format!("wrote {}", shown(&file)), vec![file])
        }
        4 => {
            let files = walk(&root.join("static"));
            let Some(file) = files.first() else {
                return (format!("no static file in step {step}"), Vec::new());
            };
            fs::remove_file(file).unwrap();
            (format!("removed {}", shown(file)), vec![file.clone()])
        }
        6 => data_edit(root, random, step),
        // The folder of the data files moved away or back: the site fails without them.
        7 => rename_away_or_back(root, root.join("data"), root.join("data-away")),
        _ => {
            let files = walk(&root.join("static"));
            let Some(file) = files.first() else {
                return (format!("no static file in step {step}"), Vec::new());
            };
            let to = root.join(format!("static/renamed/{step}.txt"));
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::rename(file, &to).unwrap();
            (
                format!("renamed {} to {}", shown(file), shown(&to)),
                vec![file.clone(), to],
            )
        }
    }
}

/// Renames `here` to `away`, or back when it is away; returns what it did and both paths.
fn rename_away_or_back(root: &Path, here: PathBuf, away: PathBuf) -> (String, Vec<PathBuf>) {
    let (from, to) = if away.exists() {
        (away, here)
    } else {
        (here, away)
    };
    let renamed = fs::rename(&from, &to).is_ok();
    let shown = |path: &Path| path.strip_prefix(root).unwrap().display().to_string();
    (
        format!("renamed {} to {} ({renamed})", shown(&from), shown(&to)),
        vec![from, to],
    )
}

/// Rewrites a file that `load_data` reads, now and then with a mistake in it.
fn data_edit(root: &Path, random: &mut Random, step: usize) -> (String, Vec<PathBuf>) {
    let broken = random.below(4) == 0;
    let (file, text) = match random.below(3) {
        0 if broken => ("data/people.toml", "people = [".to_string()),
        0 => (
            "data/people.toml",
            format!(
                "updated = 2024-06-{:02}\n[[people]]\nname = \"Person {step}\"\noffice = \"Office\"\n",
                random.below(28) + 1
            ),
        ),
        1 if broken => ("data/numbers.json", "{\"schools\":".to_string()),
        1 => (
            "data/numbers.json",
            format!(
                "{{\"schools\": {step}, \"names\": [\"n{}\"]}}",
                random.below(9)
            ),
        ),
        _ if broken => ("content/priorities/chart.csv", "a,b\n1\n".to_string()),
        _ => (
            "content/priorities/chart.csv",
            format!("a,b\n{step},{}\n", random.below(9)),
        ),
    };
    let path = root.join(file);
    if let Some(folder) = path.parent().filter(|folder| folder.is_dir()) {
        fs::write(folder.join(path.file_name().unwrap()), text).unwrap();
    }
    (format!("data file {file} (broken: {broken})"), vec![path])
}

/// Whether `path` is a section's file: `_index.md` or a translation of it (`_index.fr.md`).
fn is_section(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name.to_string_lossy().starts_with("_index."))
}

fn append(path: &Path, text: &str) {
    let mut contents = fs::read_to_string(path).unwrap();
    contents.push_str(text);
    fs::write(path, contents).unwrap();
}

/// Sets `key = value` in the TOML at the top of `path` (front matter or site.toml).
fn set_key(path: &Path, key: &str, value: &str) {
    let text = fs::read_to_string(path).unwrap();
    let prefix = format!("{key} = ");
    let edited = if text.lines().any(|line| line.starts_with(&prefix)) {
        text.lines()
            .map(|line| {
                if line.starts_with(&prefix) {
                    format!("{prefix}{value}")
                } else {
                    line.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    } else if text.starts_with("+++") {
        text.replacen("+++\n", &format!("+++\n{prefix}{value}\n"), 1)
    } else {
        format!("{prefix}{value}\n{text}")
    };
    fs::write(path, edited).unwrap();
}

/// A page showing an area through a shortcode (`area_progress`, `area_tasks`) depends on the
/// plan: a task's status edited live re-renders it, as a body, a shortcode's template and
/// a call's mistake do, each matching a clean build.
#[test]
fn shortcodes_edited_live_match_clean_builds() {
    let site = SiteTest::with_shipped_themes("shortcodes");
    let mut live = Live::open(&site);

    site.replace(
        "content/areas/schools.md",
        "status = \"in-progress\"",
        "status = \"done\"",
    );
    let update = live
        .session
        .update(&[site.path("content/areas/schools.md")])
        .unwrap();
    assert!(
        update.changed.iter().any(|path| path == "/notes/"),
        "{update:?}"
    );
    live.assert_matches_clean("status");

    site.replace("content/notes.md", "Deadlines move.", "Deadlines hold.");
    live.session
        .update(&[site.path("content/notes.md")])
        .unwrap();
    live.assert_matches_clean("body");

    site.replace(
        "content/notes.md",
        "area_tasks(number=1)",
        "area_tasks(numbr=1)",
    );
    let error = live
        .session
        .update(&[site.path("content/notes.md")])
        .unwrap_err();
    assert!(
        format!("{error:#}").contains("no argument `numbr`"),
        "{error:#}"
    );
    site.replace(
        "content/notes.md",
        "area_tasks(numbr=1)",
        "area_tasks(number=1)",
    );
    live.session
        .update(&[site.path("content/notes.md")])
        .unwrap();
    live.assert_matches_clean("mended");

    site.replace(
        "templates/shortcodes/quote.html",
        "<cite>",
        "<cite class=\"by\">",
    );
    live.session
        .update(&[site.path("templates/shortcodes/quote.html")])
        .unwrap();
    live.assert_matches_clean("template");
}
