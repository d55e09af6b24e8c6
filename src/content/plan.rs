//! The work-plan data of a priority area: its number, tasks and progress.
//!
//! `[area]` front matter as written comes in; a checked [`Area`] with its [`Progress`] goes out.

use serde::Serialize;

use super::front_matter::{AreaFrontMatter, Date, Due, Status};

/// A priority area of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub number: u32,
    pub tasks: Vec<Task>,
    pub progress: Progress,
}

/// One concrete measure of an area.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// Stable in the plan: written (`id = "5.3"`), else the area's number and the task's place.
    pub id: String,
    pub title: String,
    /// The latest update's status, else the one written, else planned.
    pub status: Status,
    /// The day of the update that set the current status, when the history says.
    pub status_since: Option<Date>,
    pub lead: Option<String>,
    pub partners: Vec<String>,
    /// The date to sort by and to call it overdue after.
    pub due: Option<Date>,
    /// The deadline in words, shown instead of the date.
    pub due_text: Option<String>,
    pub note: Option<String>,
    /// Its history, oldest first.
    pub updates: Vec<Update>,
    pub extra: toml::Table,
}

/// A task's status from a day on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub date: Date,
    pub status: Status,
    pub note: Option<String>,
}

impl Task {
    /// Whether it was due before `day` and is not done.
    pub fn is_overdue(&self, day: jiff::civil::Date) -> bool {
        self.status != Status::Done && self.due.is_some_and(|due| due.day() < day)
    }

    /// Its status on `day`: the latest update on or before it; before its first update (or
    /// without a history), the status written, else planned.
    pub fn status_on(&self, day: jiff::civil::Date) -> Status {
        match self
            .updates
            .iter()
            .rev()
            .find(|update| update.date.day() <= day)
        {
            Some(update) => update.status,
            None if self.updates.is_empty() => self.status,
            None => Status::Planned,
        }
    }

    /// The note readers see first: the latest update's, else the task's own.
    pub fn latest_note(&self) -> Option<&str> {
        self.updates
            .iter()
            .rev()
            .find_map(|update| update.note.as_deref())
            .or(self.note.as_deref())
    }
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
    /// Resolves `[area]` as written; emptiness, numbering, ids and histories are checked by
    /// the caller, which sees every area.
    pub fn new(written: &AreaFrontMatter) -> Self {
        let number = *written.number.get_ref();
        let tasks: Vec<Task> = written
            .tasks
            .iter()
            .enumerate()
            .map(|(index, task)| {
                let updates: Vec<Update> = task
                    .updates
                    .iter()
                    .map(|update| Update {
                        date: *update.date.get_ref(),
                        status: update.status,
                        note: update.note.clone(),
                    })
                    .collect();
                let written_status = task.status.as_ref().map(|status| *status.get_ref());
                let status = updates
                    .last()
                    .map(|update| update.status)
                    .or(written_status)
                    .unwrap_or_default();
                // The first update of the last run of updates with the current status.
                let status_since = updates
                    .iter()
                    .rev()
                    .take_while(|update| update.status == status)
                    .last()
                    .map(|update| update.date);
                let (due, due_text) = match &task.due {
                    Some(Due::Date(date)) => (Some(*date), task.due_text.clone()),
                    Some(Due::Text(text)) => (None, Some(text.clone())),
                    None => (None, task.due_text.clone()),
                };
                Task {
                    id: task.id.as_ref().map_or_else(
                        || format!("{number}.{}", index + 1),
                        |id| id.get_ref().trim().to_string(),
                    ),
                    title: task.title.get_ref().clone(),
                    status,
                    status_since,
                    lead: task.lead.clone(),
                    partners: task.partners.clone(),
                    due,
                    due_text,
                    note: task.note.clone(),
                    updates,
                    extra: task.extra.clone(),
                }
            })
            .collect();
        Self {
            number,
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
