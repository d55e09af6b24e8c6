//! Numbers in the reader's language: an integer and a language code in, its ordinal
//! (`ordinal`: "fifth", `第五`) or its digits grouped by the locale's rules (`num_format`:
//! `1,000,000`, `1.000.000`) out.
//!
//! A language is known by its primary subtag (`en-GB` speaks English, `zh-TW` Chinese), as
//! the translation tables are.

use num_format::{Locale, ToFormattedString as _};

use super::i18n::primary_subtag;

/// `n` as an ordinal in `lang`: English words to "tenth", then digits with a suffix
/// ("11th", "21st"); Chinese numerals after `第` to 9999 (`第五`, `第一百零一`), then digits
/// (`第10000`); the digits alone in any other language.
pub fn ordinal(n: u64, lang: &str) -> String {
    let language = primary_subtag(lang);
    if language.eq_ignore_ascii_case("en") {
        english_ordinal(n)
    } else if language.eq_ignore_ascii_case("zh") {
        match chinese_numeral(n) {
            Some(numeral) => format!("第{numeral}"),
            None => format!("第{n}"),
        }
    } else {
        n.to_string()
    }
}

fn english_ordinal(n: u64) -> String {
    const WORDS: [&str; 10] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
    ];
    if let Some(word) = usize::try_from(n)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|index| WORDS.get(index))
    {
        return (*word).to_string();
    }
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// `n` in Chinese numerals (`十一`, `二十`, `一百零一`, `一千零一十`), for 0 to 9999.
fn chinese_numeral(n: u64) -> Option<String> {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    const UNITS: [&str; 4] = ["千", "百", "十", ""];
    if n == 0 {
        return Some(DIGITS[0].to_string());
    }
    if n > 9999 {
        return None;
    }
    let digits = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
    let mut numeral = String::new();
    // A run of zeros between two digits is read as one 零; trailing zeros are not read.
    let mut zero_pending = false;
    for (digit, unit) in digits.into_iter().zip(UNITS) {
        if digit == 0 {
            zero_pending = !numeral.is_empty();
            continue;
        }
        if zero_pending {
            numeral.push(DIGITS[0]);
            zero_pending = false;
        }
        // 十一, not 一十一, when the tens lead.
        if !(digit == 1 && unit == "十" && numeral.is_empty()) {
            numeral.push(DIGITS[usize::try_from(digit).unwrap_or_default()]);
        }
        numeral.push_str(unit);
    }
    Some(numeral)
}

/// `n` with its digits grouped as `locale` groups them (`en`, `zh`: `1,000,000`; `de`:
/// `1.000.000`; `fr`: narrow no-break spaces; `en-IN`: `10,00,000`). A locale the table
/// lacks is tried by its primary subtag (`zh-CN` as `zh`); `None` if that is unknown too.
pub fn num_format(n: i64, locale: &str) -> Option<String> {
    let locale = Locale::from_name(locale)
        .or_else(|_| Locale::from_name(primary_subtag(locale).to_ascii_lowercase()))
        .ok()?;
    Some(n.to_formatted_string(&locale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_ordinals_are_words_to_ten_then_digits_with_a_suffix() {
        let cases = [
            (1, "first"),
            (2, "second"),
            (3, "third"),
            (5, "fifth"),
            (10, "tenth"),
            (11, "11th"),
            (12, "12th"),
            (13, "13th"),
            (21, "21st"),
            (22, "22nd"),
            (23, "23rd"),
            (24, "24th"),
            (101, "101st"),
            (111, "111th"),
            (112, "112th"),
            (1002, "1002nd"),
            (0, "0th"),
        ];
        for (n, expected) in cases {
            assert_eq!(ordinal(n, "en"), expected, "{n}");
        }
        assert_eq!(ordinal(3, "en-GB"), "third");
        assert_eq!(ordinal(3, "EN_us"), "third");
    }

    #[test]
    fn chinese_ordinals_are_numerals_to_9999_then_digits() {
        let cases = [
            (1, "第一"),
            (2, "第二"),
            (5, "第五"),
            (10, "第十"),
            (11, "第十一"),
            (19, "第十九"),
            (20, "第二十"),
            (21, "第二十一"),
            (99, "第九十九"),
            (100, "第一百"),
            (101, "第一百零一"),
            (110, "第一百一十"),
            (111, "第一百一十一"),
            (1000, "第一千"),
            (1001, "第一千零一"),
            (1010, "第一千零一十"),
            (1100, "第一千一百"),
            (2024, "第二千零二十四"),
            (9999, "第九千九百九十九"),
            (10000, "第10000"),
            (0, "第零"),
        ];
        for (n, expected) in cases {
            assert_eq!(ordinal(n, "zh-Hans"), expected, "{n}");
        }
        assert_eq!(ordinal(5, "zh-CN"), "第五");
        assert_eq!(ordinal(5, "zh-TW"), "第五");
        assert_eq!(ordinal(5, "zh"), "第五");
    }

    #[test]
    fn other_languages_get_the_digits() {
        assert_eq!(ordinal(5, "fr"), "5");
        assert_eq!(ordinal(21, "de-AT"), "21");
        assert_eq!(ordinal(7, ""), "7");
    }

    #[test]
    fn numbers_are_grouped_as_the_locale_groups_them() {
        let cases = [
            (1_000_000, "en", "1,000,000"),
            (1_000_000, "zh-Hans", "1,000,000"),
            (1_000_000, "de", "1.000.000"),
            (1_000_000, "fr", "1\u{202f}000\u{202f}000"),
            (1_000_000, "en-IN", "10,00,000"),
            (-1234, "en", "-1,234"),
            (999, "en", "999"),
            (0, "de", "0"),
        ];
        for (n, locale, expected) in cases {
            assert_eq!(num_format(n, locale).as_deref(), Some(expected), "{locale}");
        }
    }

    #[test]
    fn an_unknown_locale_is_tried_by_its_primary_subtag() {
        assert_eq!(num_format(12_345, "zh-CN").as_deref(), Some("12,345"));
        assert_eq!(num_format(12_345, "DE-xx").as_deref(), Some("12.345"));
        assert_eq!(num_format(12_345, "tlh"), None);
        assert_eq!(num_format(12_345, ""), None);
    }
}
