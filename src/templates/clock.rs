//! The build's time in, `now()` out.
//!
//! The time is read once, when the templates load, so that every output of a build shows the
//! same instant (as Zola's `now()` does). `SOURCE_DATE_EPOCH` (seconds since 1970, the
//! reproducible-builds convention) replaces the clock: two builds of the same files then write
//! the same bytes. A live preview keeps the time until the templates or `site.toml` change.

use anyhow::bail;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use tera::{Kwargs, State, TeraResult, Value};

/// The variable that fixes the build's time, in seconds since 1970-01-01 UTC.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// The instant a build stands for.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    now: Timestamp,
}

impl Clock {
    /// `SOURCE_DATE_EPOCH` when set (an empty value counts as unset), else the system clock;
    /// a value that is not a number of seconds is an error, as the convention asks.
    pub fn read() -> anyhow::Result<Self> {
        match std::env::var(SOURCE_DATE_EPOCH) {
            Ok(text) if !text.trim().is_empty() => Self::from_epoch(&text),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(Self::at(Timestamp::now())),
            Err(std::env::VarError::NotUnicode(_)) => {
                bail!("{SOURCE_DATE_EPOCH} is not text\nhelp: set it to seconds since 1970")
            }
        }
    }

    fn from_epoch(text: &str) -> anyhow::Result<Self> {
        let seconds = text.trim().parse::<i64>().ok();
        match seconds.and_then(|seconds| Timestamp::from_second(seconds).ok()) {
            Some(now) => Ok(Self { now }),
            None => bail!(
                "{SOURCE_DATE_EPOCH} is `{text}`, not a time\n\
                 help: set it to whole seconds since 1970-01-01 UTC (`date +%s`), or unset it"
            ),
        }
    }

    /// A clock at `now`, to the second: the seconds are what `now()` shows.
    fn at(now: Timestamp) -> Self {
        let now = Timestamp::from_second(now.as_second()).unwrap_or(now);
        Self { now }
    }

    /// Zola's `now()`: the time as RFC 3339 in the machine's time zone, or in UTC with
    /// `utc=true`; with `timestamp=true`, seconds since 1970 instead.
    pub fn now(self, kwargs: &Kwargs) -> TeraResult<Value> {
        if kwargs.get::<bool>("timestamp")?.unwrap_or(false) {
            return Ok(Value::from(self.now.as_second()));
        }
        let zone = if kwargs.get::<bool>("utc")?.unwrap_or(false) {
            TimeZone::UTC
        } else {
            TimeZone::system()
        };
        Ok(Value::from(rfc3339(self.now, zone)))
    }
}

/// `2024-06-01T09:30:00+08:00`: an instant as the `date` filter reads it, with its offset.
fn rfc3339(now: Timestamp, zone: TimeZone) -> String {
    let zoned = now.to_zoned_datetime(zone);
    jiff::fmt::strtime::format("%Y-%m-%dT%H:%M:%S%:z", &zoned).unwrap_or_else(|_| now.to_string())
}

/// `now()` in templates; `_` is tera's render state, not needed.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes function arguments by value"
)]
pub(super) fn now(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    super::accept("now", &kwargs, &["timestamp", "utc"])?;
    super::with_resources(|resources| resources.clock.now(&kwargs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_epoch_is_read_to_the_second_and_mistakes_refused() {
        let clock = Clock::from_epoch(" 1717205400\n").unwrap();
        assert_eq!(clock.now.as_second(), 1_717_205_400);
        assert_eq!(
            rfc3339(clock.now, TimeZone::UTC),
            "2024-06-01T01:30:00+00:00"
        );
        let shanghai = TimeZone::fixed(jiff::tz::offset(8));
        assert_eq!(rfc3339(clock.now, shanghai), "2024-06-01T09:30:00+08:00");
        for wrong in ["yesterday", "1.5", "99999999999999999999"] {
            let error = Clock::from_epoch(wrong).unwrap_err().to_string();
            assert!(error.contains(SOURCE_DATE_EPOCH), "{error}");
        }
    }

    #[test]
    fn the_shown_time_has_no_fraction() {
        let clock = Clock::at(Timestamp::from_millisecond(1_717_205_400_999).unwrap());
        assert_eq!(clock.now.as_second(), 1_717_205_400);
        assert_eq!(clock.now.subsec_nanosecond(), 0);
    }
}
