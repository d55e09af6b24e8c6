//! The plan's pictures as templates get them (`plan.charts`, `page.charts`): the data of the
//! plan turned into [`crate::charts`] figures, with the words of the plan's language.

use jiff::civil::Date as Day;
use serde::Serialize;

use crate::charts::{Counts, Labels, Late, LateLabels};
use crate::content::front_matter::Date;
use crate::content::{Area, Page, Progress};

/// The theme's interface string of a key in the plan's language (empty when it has none).
pub(super) type Words<'a> = &'a dyn Fn(&str) -> String;

/// `plan.charts`: the whole plan's pictures.
#[derive(Serialize)]
pub(super) struct PlanCharts {
    /// Tasks by status over the year.
    progress: String,
    /// Tasks by status in each area.
    areas: String,
    /// The overdue tasks, by the days they are late.
    overdue: String,
}

/// `page.charts` of a priority area's page: the same pictures for its tasks alone.
#[derive(Serialize)]
pub(super) struct AreaCharts {
    progress: String,
    overdue: String,
}

impl PlanCharts {
    pub(super) fn new(areas: &[(&Page, &Area)], as_of: Option<Date>, words: Words<'_>) -> Self {
        let rows: Vec<(String, Counts)> = areas
            .iter()
            .map(|(page, area)| {
                let name = format!("{} {}", area.number, page.front.title);
                (name, counts(area.progress))
            })
            .collect();
        let labels = Labels {
            title: words("chart_areas_title"),
            description: words("chart_areas_description"),
            caption: words("chart_areas_title"),
            ..labels(words)
        };
        Self {
            progress: over_time("chart-progress", areas, as_of, words),
            areas: crate::charts::area_bars("chart-areas", &rows, &labels),
            overdue: overdue("chart-overdue", areas, as_of, words),
        }
    }
}

impl AreaCharts {
    pub(super) fn new(page: &Page, area: &Area, as_of: Option<Date>, words: Words<'_>) -> Self {
        let areas = [(page, area)];
        Self {
            progress: over_time("chart-area-progress", &areas, as_of, words),
            overdue: overdue("chart-area-overdue", &areas, as_of, words),
        }
    }
}

/// How many tasks of `areas` stood at each status on each day a status changed, and on the
/// as-of day; updates after the as-of day are not the plan's state yet.
pub(super) fn history(areas: &[(&Page, &Area)], as_of: Option<Date>) -> Vec<(Day, Counts)> {
    let tasks = || areas.iter().flat_map(|(_, area)| &area.tasks);
    let mut days: Vec<Day> = tasks()
        .flat_map(|task| task.updates.iter().map(|update| update.date.day()))
        .chain(as_of.map(Date::day))
        .collect();
    days.sort_unstable();
    days.dedup();
    if let Some(as_of) = as_of {
        days.retain(|day| *day <= as_of.day());
    }
    days.into_iter()
        .map(|day| {
            let statuses: Vec<_> = tasks().map(|task| task.status_on(day)).collect();
            (day, counts(Progress::of(&statuses)))
        })
        .collect()
}

/// The overdue tasks of `areas` on the as-of day, in the plan's order.
pub(super) fn late(areas: &[(&Page, &Area)], as_of: Option<Date>) -> Vec<Late> {
    let Some(today) = as_of.map(Date::day) else {
        return Vec::new();
    };
    areas
        .iter()
        .flat_map(|(_, area)| &area.tasks)
        .filter(|task| task.is_overdue(today))
        .filter_map(|task| {
            let due = task.due?.day();
            Some(Late {
                name: format!("{} {}", task.id, task.title),
                due,
                days: i64::from(today.since(due).ok()?.get_days()),
            })
        })
        .collect()
}

fn over_time(id: &str, areas: &[(&Page, &Area)], as_of: Option<Date>, words: Words<'_>) -> String {
    crate::charts::progress_over_time(id, &history(areas, as_of), &labels(words))
}

fn overdue(id: &str, areas: &[(&Page, &Area)], as_of: Option<Date>, words: Words<'_>) -> String {
    let labels = LateLabels {
        title: words("chart_overdue_title"),
        description: words("chart_overdue_description"),
        caption: words("chart_overdue_title"),
        no_data: words("chart_overdue_none"),
        task: words("chart_task"),
        due: words("due"),
        days: words("chart_days_overdue"),
    };
    crate::charts::overdue_bars(id, &late(areas, as_of), &labels)
}

/// The words of the charts by status; the progress over time's title.
fn labels(words: Words<'_>) -> Labels {
    Labels {
        title: words("chart_over_time_title"),
        description: words("chart_over_time_description"),
        caption: words("chart_over_time_title"),
        no_data: words("chart_no_data"),
        date: words("chart_date"),
        area: words("priority_area"),
        tasks: words("tasks"),
        total: words("table_total"),
        done: words("status_done"),
        in_progress: words("status_in-progress"),
        at_risk: words("status_at-risk"),
        planned: words("status_planned"),
    }
}

fn counts(progress: Progress) -> Counts {
    Counts {
        done: progress.done,
        in_progress: progress.in_progress,
        at_risk: progress.at_risk,
        planned: progress.planned,
    }
}
