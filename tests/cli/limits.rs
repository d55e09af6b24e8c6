//! Templates without end: a loop that runs too long, a string that doubles without end, a
//! template that includes itself. Each build stops within bounded time and memory with an
//! error naming the template, and leaves the previous output as it was.

use std::time::{Duration, Instant};

use crate::harness::SiteTest;

/// Builds `site` once, replaces its page template with `template`, builds again and expects
/// that build to fail, naming `templates/page.html` and saying `why`, with public/ untouched.
fn fails_in_bounded_time(site: &SiteTest, template: &str, why: &str) {
    site.run(["build"]).success();
    let before = site.tree("public");
    site.write("templates/page.html", template);
    let started = Instant::now();
    let mut build = site.spawn_until(["build"], "an error", |line| line.starts_with("error"));
    while build.exited().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the build is still running"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = build.exited().unwrap();
    // What it printed last may still be on its way through the pipe.
    let complete = |stderr: &str| stderr.contains(why) && stderr.contains("templates/page.html");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !complete(&build.stderr()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let stderr = build.stderr();
    assert!(!status.success(), "{stderr}");
    assert!(stderr.contains("templates/page.html"), "{stderr}");
    assert!(stderr.contains(why), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    before.assert_unchanged(&site.tree("public"));
}

#[test]
fn nested_ranges_stop_with_an_error_at_the_loop() {
    let site = SiteTest::new("minimal");
    fails_in_bounded_time(
        &site,
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
        "`range` made more than",
    );
}

#[test]
fn a_loop_that_calls_nothing_is_stopped_by_the_time_limit() {
    let site = SiteTest::new("minimal").with_env("WORKPLAN_RENDER_TIMEOUT", "1");
    fails_in_bounded_time(
        &site,
        "{% set all = range(end=100000) %}{% for i in all %}{% for j in all %}{% endfor %}{% endfor %}",
        "took longer than 2 s",
    );
}

#[test]
fn a_loop_that_writes_is_stopped_by_the_time_limit() {
    let site = SiteTest::new("minimal").with_env("WORKPLAN_RENDER_TIMEOUT", "1");
    fails_in_bounded_time(
        &site,
        "{% set all = range(end=100000) %}{% for i in all %}{% for j in all %}{{ i }}{% endfor %}{% endfor %}",
        "longer than 1 s",
    );
}

#[test]
fn a_string_doubled_without_end_is_stopped_by_the_memory_limit() {
    let site = SiteTest::new("minimal").with_env("WORKPLAN_MEMORY_LIMIT", "400");
    fails_in_bounded_time(
        &site,
        "{% set_global s = \"doubled\" %}{% for i in range(end=40) %}{% set_global s = s ~ s %}{% endfor %}{{ s | length }}",
        "more than 400 MiB of memory",
    );
}

#[test]
fn a_template_that_includes_itself_is_an_error() {
    let site = SiteTest::new("minimal");
    fails_in_bounded_time(&site, "{% include \"page.html\" %}", "page.html");
}
