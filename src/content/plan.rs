//! The work-plan data of a priority area: its number, tasks and progress.
//!
//! `[area]` front matter as written comes in; a checked [`Area`] with its [`Progress`] goes out.

use serde::Serialize;

use super::front_matter::{AreaFrontMatter, Date, Status};

/// A priority area of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub number: u32,
    pub tasks: Vec<Task>,
    pub progress: Progress,
}

/// One concrete measure of an area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub title: String,
    pub status: Status,
    pub lead: Option<String>,
    pub due: Option<Date>,
    pub note: Option<String>,
}

/// How many tasks stand at each status.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub total: usize,
    pub done: usize,
    pub in_progress: usize,
    pub planned: usize,
    pub at_risk: usize,
    /// Share of tasks done, rounded down to a whole percent.
    pub percent: usize,
}

impl Progress {
    pub fn of<'a>(statuses: impl IntoIterator<Item = &'a Status>) -> Self {
        let mut progress = Self::default();
        for status in statuses {
            progress.total += 1;
            *match status {
                Status::Planned => &mut progress.planned,
                Status::InProgress => &mut progress.in_progress,
                Status::Done => &mut progress.done,
                Status::AtRisk => &mut progress.at_risk,
            } += 1;
        }
        progress.percent = (progress.done * 100)
            .checked_div(progress.total)
            .unwrap_or(0);
        progress
    }
}

impl Area {
    /// Resolves `[area]` as written; emptiness and numbering are checked by the caller,
    /// which sees every area.
    pub fn new(written: &AreaFrontMatter) -> Self {
        let tasks: Vec<Task> = written
            .tasks
            .iter()
            .map(|task| Task {
                title: task.title.get_ref().clone(),
                status: task.status,
                lead: task.lead.clone(),
                due: task.due,
                note: task.note.clone(),
            })
            .collect();
        Self {
            number: *written.number.get_ref(),
            progress: Progress::of(tasks.iter().map(|task| &task.status)),
            tasks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_counts_each_status_and_rounds_down() {
        let statuses = [Status::Done, Status::Planned, Status::AtRisk];
        let progress = Progress::of(&statuses);
        assert_eq!((progress.total, progress.done, progress.at_risk), (3, 1, 1));
        assert_eq!(progress.percent, 33);
    }

    #[test]
    fn no_tasks_is_zero_percent() {
        assert_eq!(Progress::of(&[]).percent, 0);
    }
}
