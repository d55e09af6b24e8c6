//! The plan's progress as pictures drawn at build time: task counts by status in, an HTML
//! fragment out, with no script to run in the reader's browser.
//!
//! Each chart is a `<figure class="chart">` holding an inline SVG picture (`role="img"`, named
//! by its `<title>` and described by its `<desc>`), then a `<table>` with exactly the numbers
//! drawn, then a `<figcaption>`. A reader who cannot see the picture reads the table. Every
//! status has a CSS class (`chart__done`, `chart__in-progress`, `chart__at-risk`,
//! `chart__planned`) that a theme may colour, and a fallback fill: a colour-blind-safe colour
//! with a pattern of its own (solid, diagonal lines, cross-hatch, dots), so that the picture
//! still reads when printed in grey. Sizes are in `viewBox` units: the picture scales with
//! its container. Words come from the caller's [`Labels`] (the module speaks no language),
//! dates are written `YYYY-MM-DD`, and the same input always gives the same bytes.

use std::fmt::Write as _;

use jiff::civil::Date;

/// How many tasks are in each status, at a date or in an area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Counts {
    pub done: usize,
    pub in_progress: usize,
    pub at_risk: usize,
    pub planned: usize,
}

impl Counts {
    /// All the tasks counted.
    #[must_use]
    pub fn total(&self) -> usize {
        self.done + self.in_progress + self.at_risk + self.planned
    }

    /// The counts in the order the charts stack them, bottom (or left) first.
    fn stacked(self) -> [usize; 4] {
        [self.done, self.in_progress, self.at_risk, self.planned]
    }
}

/// The words a chart shows, in the reader's language, all given by the caller. Every one is
/// escaped for HTML.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// The chart's name: the picture's `<title>` and the figure's `<figcaption>`.
    pub title: String,
    /// A sentence that says what the picture shows: its `<desc>`.
    pub description: String,
    /// The table's `<caption>`.
    pub caption: String,
    /// What the figure says instead when there is nothing to draw.
    pub no_data: String,
    /// The header of the table's first column in [`progress_over_time`], and its x axis.
    pub date: String,
    /// The header of the table's first column in [`area_bars`].
    pub area: String,
    /// The y axis of [`progress_over_time`]: what is counted ("tasks").
    pub tasks: String,
    /// The header of the table's last column, all tasks of a row.
    pub total: String,
    pub done: String,
    pub in_progress: String,
    pub at_risk: String,
    pub planned: String,
}

impl Labels {
    fn statuses(&self) -> [&str; 4] {
        [&self.done, &self.in_progress, &self.at_risk, &self.planned]
    }
}

/// The drawing's width in `viewBox` units; its height follows from what it holds.
const WIDTH: f64 = 640.0;
/// Space around the drawing.
const PAD: f64 = 8.0;
/// The size of every text, in `viewBox` units.
const FONT: f64 = 12.0;
/// The height of the plot of [`progress_over_time`].
const PLOT_HEIGHT: f64 = 200.0;
/// The width of the single column drawn when all points share one date.
const COLUMN: f64 = 48.0;
/// The height of one bar of [`area_bars`], and the space under it.
const BAR: f64 = 18.0;
const BAR_GAP: f64 = 10.0;

/// Per status, bottom of the stack first: its CSS class, its fallback colour (Okabe and Ito's
/// palette, told apart by colour-blind readers) and the marks of its pattern, drawn over the
/// colour in a 6 by 6 tile.
const STATUSES: [(&str, &str, &str); 4] = [
    ("done", "#009e73", ""),
    (
        "in-progress",
        "#0072b2",
        r##"<path d="M-1 1l2-2M0 6l6-6M5 7l2-2" stroke="#fff" stroke-width="1.5"/>"##,
    ),
    (
        "at-risk",
        "#d55e00",
        r##"<path d="M0 0l6 6M6 0l-6 6" stroke="#000" stroke-width="1"/>"##,
    ),
    (
        "planned",
        "#dddddd",
        r##"<circle cx="3" cy="3" r="1.2" fill="#444"/>"##,
    ),
];

/// A stacked area chart of the tasks in each status by date (a single column when all points
/// share one date), the x axis spaced in proportion to time, then a table with one row per
/// point. Points may come in any order: they are sorted by date (stably).
///
/// `id` names the figure and prefixes the ids inside it: it must be unique in the page
/// (characters other than letters, digits, `-` and `_` become `-`).
#[must_use]
pub fn progress_over_time(id: &str, points: &[(Date, Counts)], labels: &Labels) -> String {
    let id = html_id(id);
    if points.is_empty() {
        return empty(&id, "chart--progress", &labels.into());
    }
    let mut points = points.to_vec();
    points.sort_by_key(|(date, _)| *date);

    let highest = points.iter().map(|(_, c)| c.total()).max().unwrap_or(0);
    let (step, top) = scale(highest);
    let ticks: Vec<String> = (0..=top / step).map(|i| (i * step).to_string()).collect();
    let tick_width = ticks.iter().map(|t| text_width(t)).fold(0.0, f64::max);
    let left = PAD + tick_width + 6.0;
    let right = WIDTH - PAD - FONT;
    let plot_top = PAD + FONT + 8.0;
    let bottom = plot_top + PLOT_HEIGHT;
    let y = |count: usize| bottom - PLOT_HEIGHT * count as f64 / top as f64;

    let first = points[0].0;
    let last = points[points.len() - 1].0;
    let span = days(first, last);
    let x = |date: Date| {
        if span == 0 {
            f64::midpoint(left, right)
        } else {
            left + (right - left) * days(first, date) as f64 / span as f64
        }
    };

    let mut svg = String::new();
    // The axis' name, over the plot; the ticks with their grid lines.
    text(&mut svg, PAD, PAD + FONT, "start", &labels.tasks);
    for (i, tick) in ticks.iter().enumerate() {
        let at = y(i * step);
        let _ = write!(
            svg,
            r##"<path class="chart__grid" d="M{} {}H{}" stroke="#bbb" stroke-width="0.5"/>"##,
            num(left),
            num(at),
            num(right)
        );
        text(&mut svg, left - 4.0, at + FONT / 3.0, "end", tick);
    }

    // The layers, done at the bottom: each runs along its top edge left to right, then back
    // along the top of the layer under it.
    let mut under: Vec<usize> = vec![0; points.len()];
    for (layer, (class, _, _)) in STATUSES.iter().enumerate() {
        let over: Vec<usize> = points
            .iter()
            .zip(&under)
            .map(|((_, counts), below)| below + counts.stacked()[layer])
            .collect();
        let d = if span == 0 {
            // One date: a column, from the last point's counts.
            let (x0, x1) = (x(first) - COLUMN / 2.0, x(first) + COLUMN / 2.0);
            let (y0, y1) = (y(under[under.len() - 1]), y(over[over.len() - 1]));
            format!(
                "M{} {}H{}V{}H{}Z",
                num(x0),
                num(y0),
                num(x1),
                num(y1),
                num(x0)
            )
        } else {
            let mut d = String::new();
            for (i, ((date, _), count)) in points.iter().zip(&over).enumerate() {
                let command = if i == 0 { 'M' } else { 'L' };
                let _ = write!(d, "{command}{} {}", num(x(*date)), num(y(*count)));
            }
            for ((date, _), count) in points.iter().zip(&under).rev() {
                let _ = write!(d, "L{} {}", num(x(*date)), num(y(*count)));
            }
            d.push('Z');
            d
        };
        if over != under {
            let _ = write!(
                svg,
                r#"<path class="chart__{class}" fill="url(#{id}-{class})" d="{d}"/>"#
            );
        }
        under = over;
    }
    let _ = write!(
        svg,
        r##"<path class="chart__axis" d="M{l} {t}V{b}H{r}" fill="none" stroke="#333" stroke-width="1"/>"##,
        l = num(left),
        t = num(plot_top),
        b = num(bottom),
        r = num(right),
    );

    // A few dates under the axis: the first, the last and up to three evenly between.
    let labelled = span.min(4) + 1;
    let mut tick_y = bottom + FONT + 4.0;
    for i in 0..labelled {
        let offset = if labelled == 1 {
            0
        } else {
            span * i / (labelled - 1)
        };
        let date = first
            .checked_add(jiff::Span::new().days(offset))
            .unwrap_or(last);
        let at = x(date);
        let anchor = match i {
            _ if labelled == 1 => "middle",
            0 => "start",
            _ if i == labelled - 1 => "end",
            _ => "middle",
        };
        let _ = write!(
            svg,
            r##"<path d="M{x} {b}v4" stroke="#333" stroke-width="1"/>"##,
            x = num(at),
            b = num(bottom)
        );
        text(&mut svg, at, tick_y, anchor, &date.to_string());
    }
    tick_y += FONT + 4.0;
    text(
        &mut svg,
        f64::midpoint(left, right),
        tick_y,
        "middle",
        &labels.date,
    );
    let height = legend(&mut svg, &id, tick_y + 8.0, labels);

    let mut html = figure_start(&id, "chart--progress", height, &labels.into(), &svg);
    table_start(&mut html, &id, &labels.date, labels);
    for (date, counts) in &points {
        row(
            &mut html,
            &format!(r#"<time datetime="{date}">{date}</time>"#),
            *counts,
        );
    }
    figure_end(&mut html, &labels.into());
    html
}

/// One horizontal stacked bar per area, in the order given, each under its label and with
/// its total at its end, then a table with one row per area. `id` as in
/// [`progress_over_time`].
#[must_use]
pub fn area_bars(id: &str, rows: &[(String, Counts)], labels: &Labels) -> String {
    let id = html_id(id);
    if rows.is_empty() {
        return empty(&id, "chart--areas", &labels.into());
    }
    let highest = rows
        .iter()
        .map(|(_, c)| c.total())
        .max()
        .unwrap_or(0)
        .max(1);
    let totals_width = text_width(&highest.to_string()) + 6.0;
    let length = WIDTH - 2.0 * PAD - totals_width;
    let mut svg = String::new();
    let mut top = PAD;
    for (label, counts) in rows {
        text(
            &mut svg,
            PAD,
            top + FONT,
            "start",
            &fit(label, WIDTH - 2.0 * PAD),
        );
        let bar_top = top + FONT + 4.0;
        let mut start = PAD;
        for ((class, _, _), count) in STATUSES.iter().zip(counts.stacked()) {
            if count == 0 {
                continue;
            }
            let width = length * count as f64 / highest as f64;
            let _ = write!(
                svg,
                r#"<rect class="chart__{class}" fill="url(#{id}-{class})" x="{}" y="{}" width="{}" height="{BAR}"/>"#,
                num(start),
                num(bar_top),
                num(width),
            );
            start += width;
        }
        text(
            &mut svg,
            start + 4.0,
            bar_top + BAR / 2.0 + FONT / 3.0,
            "start",
            &counts.total().to_string(),
        );
        top = bar_top + BAR + BAR_GAP;
    }
    let height = legend(&mut svg, &id, top, labels);

    let mut html = figure_start(&id, "chart--areas", height, &labels.into(), &svg);
    table_start(&mut html, &id, &labels.area, labels);
    for (label, counts) in rows {
        row(&mut html, &escape(label), *counts);
    }
    figure_end(&mut html, &labels.into());
    html
}

/// A task past its deadline on the plan's as-of day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Late {
    /// How the task is named: its id and title.
    pub name: String,
    pub due: Date,
    /// Days from `due` to the as-of day (at least one).
    pub days: i64,
}

/// The words of [`overdue_bars`], in the reader's language, all given by the caller.
#[derive(Debug, Clone, Default)]
pub struct LateLabels {
    pub title: String,
    pub description: String,
    pub caption: String,
    /// What the figure says instead when no task is overdue.
    pub no_data: String,
    /// The table's columns: the task, its deadline, the days it is late.
    pub task: String,
    pub due: String,
    pub days: String,
}

/// One horizontal bar per overdue task, in the order given, as long as the days it is late,
/// each under its name and with the days at its end; then a table of the tasks, their
/// deadlines and the days. `id` as in [`progress_over_time`].
#[must_use]
pub fn overdue_bars(id: &str, tasks: &[Late], labels: &LateLabels) -> String {
    let id = html_id(id);
    let names = Names::from(labels);
    if tasks.is_empty() {
        return empty(&id, "chart--overdue", &names);
    }
    let most = tasks.iter().map(|task| task.days).max().unwrap_or(1).max(1);
    let days_width = text_width(&most.to_string()) + 6.0;
    let length = WIDTH - 2.0 * PAD - days_width;
    let mut svg = String::new();
    let mut top = PAD;
    for task in tasks {
        text(
            &mut svg,
            PAD,
            top + FONT,
            "start",
            &fit(&task.name, WIDTH - 2.0 * PAD),
        );
        let bar_top = top + FONT + 4.0;
        let width = length * task.days.max(0) as f64 / most as f64;
        let _ = write!(
            svg,
            r#"<rect class="chart__overdue" fill="{LATE_COLOUR}" x="{}" y="{}" width="{}" height="{BAR}"/>"#,
            num(PAD),
            num(bar_top),
            num(width),
        );
        text(
            &mut svg,
            PAD + width + 4.0,
            bar_top + BAR / 2.0 + FONT / 3.0,
            "start",
            &task.days.to_string(),
        );
        top = bar_top + BAR + BAR_GAP;
    }

    let mut html = figure_start(&id, "chart--overdue", top, &names, &svg);
    table_open(&mut html, &id, &labels.caption);
    let _ = write!(
        html,
        "<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        escape(&labels.task),
        escape(&labels.due),
        escape(&labels.days),
    );
    for task in tasks {
        let _ = writeln!(
            html,
            "<tr><th scope=\"row\">{}</th><td><time datetime=\"{due}\">{due}</time></td><td>{}</td></tr>",
            escape(&task.name),
            task.days,
            due = task.due,
        );
    }
    figure_end(&mut html, &names);
    html
}

/// The colour of an overdue task's bar: the at-risk status's.
const LATE_COLOUR: &str = "#d55e00";

/// What every figure is called and says: from [`Labels`] or [`LateLabels`].
struct Names<'a> {
    title: &'a str,
    description: &'a str,
    no_data: &'a str,
}

impl<'a> From<&'a LateLabels> for Names<'a> {
    fn from(labels: &'a LateLabels) -> Self {
        Names {
            title: &labels.title,
            description: &labels.description,
            no_data: &labels.no_data,
        }
    }
}

impl<'a> From<&'a Labels> for Names<'a> {
    fn from(labels: &'a Labels) -> Self {
        Names {
            title: &labels.title,
            description: &labels.description,
            no_data: &labels.no_data,
        }
    }
}

/// The figure for no data: its caption and the caller's words saying there is nothing yet.
fn empty(id: &str, kind: &str, names: &Names<'_>) -> String {
    format!(
        "<figure class=\"chart {kind} chart--empty\" id=\"{id}\">\n<p class=\"chart__empty\">{}</p>\n<figcaption>{}</figcaption>\n</figure>\n",
        escape(names.no_data),
        escape(names.title)
    )
}

/// The figure's start with the whole picture: `body` drawn in a `viewBox` `height` high,
/// after the title, the description and the patterns.
fn figure_start(id: &str, kind: &str, height: f64, names: &Names<'_>, body: &str) -> String {
    let mut html = format!(
        "<figure class=\"chart {kind}\" id=\"{id}\">\n\
         <svg class=\"chart__picture\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         viewBox=\"0 0 {} {}\" font-size=\"{FONT}\" font-family=\"sans-serif\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc><defs>",
        num(WIDTH),
        num(height.ceil()),
        escape(names.title),
        escape(names.description),
    );
    for (class, colour, marks) in STATUSES {
        let _ = write!(
            html,
            r#"<pattern id="{id}-{class}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="{colour}"/>{marks}</pattern>"#
        );
    }
    html.push_str("</defs>");
    html.push_str(body);
    html.push_str("</svg>\n");
    html
}

/// The table's caption and header row: `first` over the rows' names, then the statuses and
/// the total.
fn table_start(html: &mut String, id: &str, first: &str, labels: &Labels) {
    table_open(html, id, &labels.caption);
    let _ = write!(html, "<thead><tr><th scope=\"col\">{}</th>", escape(first));
    for status in labels.statuses() {
        let _ = write!(html, "<th scope=\"col\">{}</th>", escape(status));
    }
    let _ = write!(
        html,
        "<th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        escape(&labels.total)
    );
}

/// The table's box and caption: a group named by the caption that scrolls sideways (and
/// takes the keyboard's focus to do so) where the screen is narrower than the table. A group,
/// not a region: a landmark would have to be named unlike every other on the page.
fn table_open(html: &mut String, id: &str, caption: &str) {
    let _ = write!(
        html,
        "<div class=\"chart__table-wrap\" role=\"group\" tabindex=\"0\" aria-labelledby=\"{id}-caption\">\n\
         <table class=\"chart__table\">\n<caption id=\"{id}-caption\">{}</caption>\n",
        escape(caption)
    );
}

/// One row of the table: its name (already HTML) and its counts.
fn row(html: &mut String, name: &str, counts: Counts) {
    let _ = write!(html, "<tr><th scope=\"row\">{name}</th>");
    for count in counts.stacked() {
        let _ = write!(html, "<td>{count}</td>");
    }
    let _ = writeln!(html, "<td>{}</td></tr>", counts.total());
}

fn figure_end(html: &mut String, names: &Names<'_>) {
    let _ = write!(
        html,
        "</tbody>\n</table>\n</div>\n<figcaption>{}</figcaption>\n</figure>\n",
        escape(names.title)
    );
}

/// Draws the legend from `top` down, its entries flowing into as many lines as their words
/// need; returns the drawing's height under it.
fn legend(svg: &mut String, id: &str, top: f64, labels: &Labels) -> f64 {
    const SWATCH: f64 = 12.0;
    let room = WIDTH - 2.0 * PAD;
    let (mut x, mut y) = (PAD, top);
    for ((class, _, _), name) in STATUSES.iter().zip(labels.statuses()) {
        let name = fit(name, room - SWATCH - 4.0);
        let width = SWATCH + 4.0 + text_width(&name);
        if x > PAD && x + width > WIDTH - PAD {
            x = PAD;
            y += FONT + 6.0;
        }
        let _ = write!(
            svg,
            r##"<rect class="chart__{class}" fill="url(#{id}-{class})" stroke="#333" stroke-width="0.5" x="{}" y="{}" width="{SWATCH}" height="{SWATCH}"/>"##,
            num(x),
            num(y),
        );
        text(svg, x + SWATCH + 4.0, y + FONT - 2.0, "start", &name);
        x += width + 16.0;
    }
    y + SWATCH + PAD
}

fn text(svg: &mut String, x: f64, y: f64, anchor: &str, words: &str) {
    let _ = write!(
        svg,
        r##"<text x="{}" y="{}" text-anchor="{anchor}" fill="#222">{}</text>"##,
        num(x),
        num(y),
        escape(words)
    );
}

/// A step between ticks (1, 2 or 5 times a power of ten) and the top of the scale, a
/// multiple of it at or over `highest`, with at most about five ticks.
fn scale(highest: usize) -> (usize, usize) {
    let mut power = 1;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * power;
            if highest.div_ceil(step) <= 5 {
                return (step, highest.div_ceil(step).max(1) * step);
            }
        }
        power *= 10;
    }
}

/// Days from `from` to `to`, both in jiff's range (within ±20,000 years), so never out of
/// `i64`.
fn days(from: Date, to: Date) -> i64 {
    i64::from(to.since(from).map_or(0, |span| span.get_days()))
}

/// A guess of how wide `words` are drawn: wide (East Asian) characters a whole font size,
/// others a little over half of one; the layout keeps room to spare.
fn text_width(words: &str) -> f64 {
    words
        .chars()
        .map(|c| if c >= '\u{2e80}' { FONT } else { FONT * 0.6 })
        .sum()
}

/// `words`, cut with `…` to fit in `room` (the whole words are in the table).
fn fit(words: &str, room: f64) -> String {
    if text_width(words) <= room {
        return words.to_owned();
    }
    let mut kept = String::new();
    let mut used = text_width("…");
    for c in words.chars() {
        used += text_width(c.encode_utf8(&mut [0; 4]));
        if used > room {
            break;
        }
        kept.push(c);
    }
    kept.push('…');
    kept
}

/// A coordinate to one decimal, without a needless `.0`.
fn num(value: f64) -> String {
    let text = format!("{value:.1}");
    match text.strip_suffix(".0") {
        Some("-0") => "0".to_owned(),
        Some(whole) => whole.to_owned(),
        None => text,
    }
}

/// `id` made safe as an HTML id and the start of others: letters, digits, `-` and `_` kept,
/// anything else `-`.
fn html_id(id: &str) -> String {
    let id: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if id.is_empty() {
        "chart".to_owned()
    } else {
        id
    }
}

/// `text` escaped for HTML text and attribute values (and for SVG in HTML).
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn labels() -> Labels {
        Labels {
            title: "Progress over the year".to_owned(),
            description: "Tasks by status at each update.".to_owned(),
            caption: "Tasks by status".to_owned(),
            no_data: "No status updates yet.".to_owned(),
            date: "Date".to_owned(),
            area: "Area".to_owned(),
            tasks: "Tasks".to_owned(),
            total: "Total".to_owned(),
            done: "Done".to_owned(),
            in_progress: "In progress".to_owned(),
            at_risk: "At risk".to_owned(),
            planned: "Planned".to_owned(),
        }
    }

    fn counts(done: usize, in_progress: usize, at_risk: usize, planned: usize) -> Counts {
        Counts {
            done,
            in_progress,
            at_risk,
            planned,
        }
    }

    /// The table read back: its header cells, then per row its name and its numbers.
    fn table(html: &str) -> (Vec<String>, Vec<(String, Vec<usize>)>) {
        let between = |text: &'_ str, start: &str, end: &str| -> String {
            let from = text.find(start).expect(start) + start.len();
            let to = from + text[from..].find(end).expect(end);
            text[from..to].to_owned()
        };
        let head = between(html, "<thead><tr>", "</tr></thead>");
        let header = head
            .split("</th>")
            .filter_map(|cell| cell.split_once('>').map(|(_, text)| text.to_owned()))
            .collect();
        let body = between(html, "<tbody>\n", "</tbody>");
        let rows = body
            .lines()
            .map(|line| {
                let name = between(line, "<th scope=\"row\">", "</th>");
                let numbers = line
                    .split("<td>")
                    .skip(1)
                    .map(|cell| cell.split("</td>").next().unwrap().parse().unwrap())
                    .collect();
                (name, numbers)
            })
            .collect();
        (header, rows)
    }

    fn numbers(counts: Counts) -> Vec<usize> {
        let [a, b, c, d] = counts.stacked();
        vec![a, b, c, d, counts.total()]
    }

    #[test]
    fn the_table_holds_the_numbers_drawn() {
        let points = [
            (date(2026, 1, 15), counts(1, 2, 0, 7)),
            (date(2026, 4, 1), counts(3, 4, 1, 2)),
            (date(2026, 11, 29), counts(6, 2, 1, 1)),
        ];
        let html = progress_over_time("progress", &points, &labels());
        let (header, rows) = table(&html);
        assert_eq!(
            header,
            ["Date", "Done", "In progress", "At risk", "Planned", "Total"]
        );
        assert_eq!(rows.len(), points.len());
        for ((name, row), (day, counts)) in rows.iter().zip(&points) {
            assert_eq!(*name, format!(r#"<time datetime="{day}">{day}</time>"#));
            assert_eq!(*row, numbers(*counts));
        }

        let areas = [
            ("1 Early childhood".to_owned(), counts(2, 1, 0, 0)),
            ("5 Basic education".to_owned(), counts(0, 3, 2, 5)),
        ];
        let html = area_bars("areas", &areas, &labels());
        let (header, rows) = table(&html);
        assert_eq!(header[0], "Area");
        for ((name, row), (area, counts)) in rows.iter().zip(&areas) {
            assert_eq!(name, area);
            assert_eq!(*row, numbers(*counts));
        }
        assert_eq!(rows.len(), areas.len());
        // Each bar's total is drawn at its end.
        assert!(
            html.contains(">3</text>") && html.contains(">10</text>"),
            "{html}"
        );
    }

    fn late_labels() -> LateLabels {
        LateLabels {
            title: "Overdue tasks".to_owned(),
            description: "Days past the deadline of each overdue task.".to_owned(),
            caption: "Overdue tasks".to_owned(),
            no_data: "No task is overdue.".to_owned(),
            task: "Task".to_owned(),
            due: "Deadline".to_owned(),
            days: "Days overdue".to_owned(),
        }
    }

    #[test]
    fn overdue_bars_are_as_long_as_the_days_and_the_table_says_them() {
        let late = [
            Late {
                name: "5.3 Teachers' <pay>".to_owned(),
                due: date(2026, 6, 30),
                days: 152,
            },
            Late {
                name: "1.10 学前教育".to_owned(),
                due: date(2026, 10, 29),
                days: 31,
            },
        ];
        let html = overdue_bars("late", &late, &late_labels());
        let rows: Vec<&str> = html.lines().filter(|l| l.starts_with("<tr><th")).collect();
        assert_eq!(
            rows,
            [
                r#"<tr><th scope="row">5.3 Teachers&#39; &lt;pay&gt;</th><td><time datetime="2026-06-30">2026-06-30</time></td><td>152</td></tr>"#,
                r#"<tr><th scope="row">1.10 学前教育</th><td><time datetime="2026-10-29">2026-10-29</time></td><td>31</td></tr>"#,
            ]
        );
        // The bars' widths stand in the ratio of the days.
        let widths: Vec<f64> = html
            .split(r#"class="chart__overdue""#)
            .skip(1)
            .map(|rect| {
                let from = rect.find(r#"width=""#).unwrap() + 7;
                rect[from..from + rect[from..].find('"').unwrap()]
                    .parse()
                    .unwrap()
            })
            .collect();
        assert_eq!(widths.len(), 2);
        assert!(
            (widths[0] / widths[1] - 152.0 / 31.0).abs() < 0.05,
            "{widths:?}"
        );
        assert!(html.contains(">152</text>") && html.contains(">31</text>"));

        let none = overdue_bars("late", &[], &late_labels());
        assert!(
            none.contains("No task is overdue.") && !none.contains("<svg"),
            "{none}"
        );
    }

    #[test]
    fn every_word_is_escaped() {
        let hostile = r#"<b>"Q&A"</b> 'x'"#;
        let escaped = "&lt;b&gt;&quot;Q&amp;A&quot;&lt;/b&gt; &#39;x&#39;";
        let mut words = labels();
        for field in [
            &mut words.title,
            &mut words.description,
            &mut words.caption,
            &mut words.date,
            &mut words.area,
            &mut words.tasks,
            &mut words.total,
            &mut words.done,
            &mut words.in_progress,
            &mut words.at_risk,
            &mut words.planned,
            &mut words.no_data,
        ] {
            field.push_str(hostile);
        }
        let charts = [
            progress_over_time("a", &[(date(2026, 1, 1), counts(1, 1, 1, 1))], &words),
            area_bars("b", &[(hostile.to_owned(), counts(1, 0, 0, 0))], &words),
            progress_over_time("c", &[], &words),
            area_bars("d", &[], &words),
        ];
        for html in charts {
            assert!(!html.contains("<b>") && !html.contains('\''), "{html}");
            assert!(html.contains(escaped), "{html}");
        }
        assert_eq!(html_id("a b\"<c>"), "a-b--c-");
        assert_eq!(html_id(""), "chart");
    }

    #[test]
    fn the_same_input_gives_the_same_bytes_in_any_order() {
        let mut points: Vec<(Date, Counts)> = (0..40)
            .map(|i| {
                let day = date(2026, 1, 1)
                    .checked_add(jiff::Span::new().days(i * 7))
                    .unwrap();
                (day, counts(i as usize, 3, 1, 40 - i as usize))
            })
            .collect();
        let first = progress_over_time("p", &points, &labels());
        assert_eq!(first, progress_over_time("p", &points, &labels()));
        points.reverse();
        assert_eq!(first, progress_over_time("p", &points, &labels()));
    }

    #[test]
    fn no_data_gives_a_figure_that_says_so() {
        for html in [
            progress_over_time("p", &[], &labels()),
            area_bars("a", &[], &labels()),
        ] {
            assert!(html.starts_with("<figure class=\"chart "), "{html}");
            assert!(html.contains("No status updates yet."), "{html}");
            assert!(html.contains("<figcaption>Progress over the year</figcaption>"));
            assert!(!html.contains("<svg") && !html.contains("<table"), "{html}");
        }
    }

    #[test]
    fn one_point_is_a_column_and_zeros_draw_no_layer() {
        let html = progress_over_time("p", &[(date(2026, 6, 1), counts(2, 0, 1, 0))], &labels());
        assert_eq!(html.matches("<path class=\"chart__done\"").count(), 1);
        assert_eq!(html.matches("<path class=\"chart__at-risk\"").count(), 1);
        assert!(!html.contains("<path class=\"chart__planned\""), "{html}");
        assert_eq!(table(&html).1.len(), 1);

        let zeros = [
            (date(2026, 1, 1), Counts::default()),
            (date(2026, 2, 1), Counts::default()),
        ];
        let html = progress_over_time("z", &zeros, &labels());
        for (class, _, _) in STATUSES {
            assert!(
                !html.contains(&format!("<path class=\"chart__{class}\"")),
                "{html}"
            );
        }
        assert_eq!(table(&html).1[1].1, [0, 0, 0, 0, 0]);
        let html = area_bars("z", &[("Empty".to_owned(), Counts::default())], &labels());
        assert!(!html.contains(r#"fill="url(#z-done)" x="#), "{html}");
        assert_eq!(table(&html).1[0].1, [0, 0, 0, 0, 0]);
    }

    /// A year of daily points: a row each, and every drawn point inside the picture.
    #[test]
    fn a_point_a_day_stays_in_the_picture() {
        let points: Vec<(Date, Counts)> = (0..365)
            .map(|i| {
                let day = date(2026, 1, 1)
                    .checked_add(jiff::Span::new().days(i))
                    .unwrap();
                let done = i as usize / 10;
                (day, counts(done, 10, i as usize % 3, 40 - done))
            })
            .collect();
        let html = progress_over_time("year", &points, &labels());
        assert_eq!(table(&html).1.len(), 365);
        let view = html.split("viewBox=\"0 0 ").nth(1).unwrap();
        let (width, rest) = view.split_once(' ').unwrap();
        let height: f64 = rest.split('"').next().unwrap().parse().unwrap();
        let width: f64 = width.parse().unwrap();
        let mut layers = Vec::new();
        for (class, _, _) in STATUSES {
            let start = format!("<path class=\"chart__{class}\"");
            layers.extend(html.split(&start).skip(1));
        }
        assert_eq!(layers.len(), 4);
        for path in layers {
            let d = path
                .split(" d=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            for pair in d.split(['M', 'L', 'Z']).filter(|p| p.contains(' ')) {
                let (x, y) = pair.split_once(' ').unwrap();
                let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
                assert!(
                    (0.0..=width).contains(&x) && (0.0..=height).contains(&y),
                    "{pair}"
                );
            }
        }
        // The first and last dates label the axis.
        assert!(html.contains(">2026-01-01</text>") && html.contains(">2026-12-31</text>"));
    }

    #[test]
    fn long_words_are_cut_in_the_picture_and_whole_in_the_table() {
        let long = format!("5 {}", "基础教育".repeat(60));
        let mut words = labels();
        words.planned = "Planned but not yet started by anyone at all ".repeat(3);
        let html = area_bars("a", &[(long.clone(), counts(1, 2, 3, 4))], &words);
        assert_eq!(table(&html).1[0].0, long);
        let drawn: Vec<&str> = html
            .split("<text ")
            .skip(1)
            .map(|t| {
                t.split_once('>')
                    .unwrap()
                    .1
                    .split("</text>")
                    .next()
                    .unwrap()
            })
            .collect();
        assert!(
            drawn
                .iter()
                .any(|t| t.starts_with("5 基础教育") && t.ends_with('…'))
        );
        for t in drawn {
            assert!(text_width(t) <= WIDTH - 2.0 * PAD, "{t}");
        }
        // The legend takes two lines: the picture is taller than with short words.
        let short = area_bars("a", &[(long, counts(1, 2, 3, 4))], &labels());
        let height = |html: &str| html.split("viewBox=\"0 0 640 ").nth(1).unwrap()[..3].to_owned();
        assert!(height(&html) > height(&short), "{html}");
    }

    #[test]
    fn ids_differ_between_charts() {
        let page = [
            progress_over_time("one", &[(date(2026, 1, 1), counts(1, 0, 0, 0))], &labels()),
            area_bars("two", &[("A".to_owned(), counts(1, 0, 0, 0))], &labels()),
        ]
        .concat();
        let mut ids: Vec<&str> = page
            .split(" id=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
            .collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "{page}");
        assert!(page.contains(r#"aria-labelledby="two-title two-desc""#));
        assert!(page.contains(r#"fill="url(#two-at-risk)""#));
    }

    #[test]
    fn scales_step_by_one_two_or_five() {
        assert_eq!(scale(0), (1, 1));
        assert_eq!(scale(3), (1, 3));
        assert_eq!(scale(7), (2, 8));
        assert_eq!(scale(10), (2, 10));
        assert_eq!(scale(23), (5, 25));
        assert_eq!(scale(120), (50, 150));
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(12.25), "12.2");
        assert_eq!(num(3.0), "3");
    }
}
