//! The text formats CKAN and ckanext-scheming accept for dates, times and
//! whole numbers, as JSON Schema `format` checks: what the portal's
//! validators accept, no more and no less, so that a finding is a value the
//! portal refuses.

/// CKAN's `isodate` (the `date` preset): what `h.date_str_to_datetime` reads.
pub(crate) const ISODATE: &str = "ckan-isodate";
/// `scheming_isodatetime`: a date, optionally `T` or a space and a time,
/// optionally a UTC offset.
pub(crate) const DATETIME: &str = "ckan-datetime";
/// `scheming_isodatetime_tz`: a date, `T` and a time, optionally an offset.
pub(crate) const DATETIME_TZ: &str = "ckan-datetime-tz";
/// `int_validator`: base-10 digits with an optional sign (Python's `int()`).
pub(crate) const INTEGER: &str = "ckan-integer";
/// `scheming_valid_json_object`: text holding a JSON object.
pub(crate) const JSON_OBJECT: &str = "ckan-json-object";

/// CKAN's `isodate` validator, which calls `h.date_str_to_datetime`
/// (`ckan/lib/helpers.py`, the same at 2.9.0–2.9.11 and 2.10.0–2.10.10): the
/// text is split at runs of non-digits, at most 5 times; the first five
/// parts are year, month, day, hour and minute, and a sixth must be
/// `SS[.digits]`; `datetime(...)` then wants at least year, month and day,
/// each in range. So `2020/01/01` and `2020-1-1 9:5` are dates, `2020-01`,
/// ` 2020-01-01` and `2020-01-01T10:00Z` are not. CKAN 2.11 first tries
/// Python's `datetime.fromisoformat`, which also reads a UTC offset: those
/// forms are accepted too (on 2.9 and 2.10 such a date is refused but not
/// reported), since the schema does not say which CKAN serves it.
pub(super) fn isodate(s: &str) -> bool {
    ckan_date_parts(s) || datetime(s)
}

fn ckan_date_parts(s: &str) -> bool {
    let mut parts: Vec<&str> = Vec::with_capacity(6);
    let mut rest = s;
    while parts.len() < 5 {
        let Some(cut) = rest.find(|c: char| !c.is_ascii_digit()) else {
            break;
        };
        parts.push(&rest[..cut]);
        rest = rest[cut..].trim_start_matches(|c: char| !c.is_ascii_digit());
    }
    parts.push(rest);
    let mut numbers: Vec<u64> = Vec::with_capacity(7);
    for (i, part) in parts.iter().enumerate() {
        if i == 5 {
            // `(?P<seconds>\d{2})(\.(?P<microseconds>\d+))?$`; `$` also before a final newline
            let part = part.strip_suffix('\n').unwrap_or(part);
            let (seconds, fraction) = match part.split_once('.') {
                Some((seconds, fraction)) => (seconds, Some(fraction)),
                None => (part, None),
            };
            let ok = seconds.len() == 2
                && seconds.bytes().all(|b| b.is_ascii_digit())
                && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
            if !ok {
                return false;
            }
            numbers.push(seconds.parse().expect("two digits"));
        } else {
            // Python's int(): digits only here, and none is not a number
            match part.parse::<u64>() {
                Ok(n) if !part.is_empty() => numbers.push(n),
                _ => return false,
            }
        }
    }
    let in_range = |i: usize, max: u64| numbers.get(i).is_none_or(|n| *n <= max);
    match numbers[..] {
        [year, month, day, ..] => {
            (1..=9999).contains(&year)
                && (1..=12).contains(&month)
                && day >= 1
                && day <= days_in_month(year, month)
                && in_range(3, 23)
                && in_range(4, 59)
                && in_range(5, 59)
        }
        _ => false,
    }
}

fn days_in_month(year: u64, month: u64) -> u64 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        _ => 28,
    }
}

pub(super) fn datetime(s: &str) -> bool {
    match s.get(..10).zip(s.get(10..)) {
        Some((date, "")) => is_date(date),
        Some((date, rest)) if rest.starts_with(['T', ' ']) => {
            is_date(date) && is_time_and_offset(&rest[1..])
        }
        _ => false,
    }
}

pub(super) fn datetime_tz(s: &str) -> bool {
    match s.split_once('T') {
        Some((date, rest)) => is_date(date) && is_time_and_offset(rest),
        None => false,
    }
}

pub(super) fn integer(s: &str) -> bool {
    let t = s.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    !digits.is_empty()
        && digits
            .split('_')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

pub(super) fn json_object(s: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(s).is_ok_and(|v| v.is_object())
}

/// `YYYY-MM-DD`, a real calendar day.
fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts[..] else { return false };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (number(y), number(m), number(d)) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1 && (1..=days).contains(&d)
}

/// `HH[:MM[:SS[.ffffff]]]`, then `Z` or `±HH[:MM]` or nothing.
fn is_time_and_offset(s: &str) -> bool {
    let (time, offset) = match s.find(['Z', '+', '-']) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let offset_ok = match offset {
        "" | "Z" => true,
        o => {
            let hm = &o[1..];
            match hm.split_once(':') {
                Some((h, m)) => two_digits(h, 23) && two_digits(m, 59),
                None => {
                    two_digits(hm, 23)
                        || (hm.len() == 4 && two_digits(&hm[..2], 23) && two_digits(&hm[2..], 59))
                }
            }
        }
    };
    let (hms, fraction) = match time.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (time, None),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    let time_ok = match parts[..] {
        [h] => two_digits(h, 23) && fraction.is_none(),
        [h, m] => two_digits(h, 23) && two_digits(m, 59) && fraction.is_none(),
        [h, m, sec] => {
            two_digits(h, 23)
                && two_digits(m, 59)
                && two_digits(sec, 59)
                && fraction.is_none_or(|f| {
                    (3..=6).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit())
                })
        }
        _ => false,
    };
    time_ok && offset_ok
}

fn two_digits(s: &str, max: u32) -> bool {
    s.len() == 2 && number(s).is_some_and(|n| n <= max)
}

fn number(s: &str) -> Option<u32> {
    s.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| s.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_as_scheming_reads_them() {
        for ok in [
            "2024-02-15",
            "2024-02-15T10",
            "2024-02-15T10:30",
            "2024-02-15 10:30:05",
            "2024-02-15T10:30:05.123",
            "2024-02-29T23:59:59Z",
            "2024-02-15T10:30+01:00",
        ] {
            assert!(datetime(ok), "{ok}");
        }
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "15/02/2024",
            "2024-02-15T25:00",
            "2024-02-15T",
            "x",
        ] {
            assert!(!datetime(bad), "{bad}");
        }
    }

    #[test]
    fn dates_as_ckan_isodate_reads_them() {
        for ok in [
            "2024-02-15",
            "2020/01/01",
            "2020-1-1",
            "2020.01.01",
            "2024-02-29",
            "2020-01-01 10:30",
            "2020-01-01T10:30:05",
            "2020/01/01 17.04.59.123",
            "2020-01-01 10:30:05\n",
            "0001-01-01",
            // CKAN 2.11 reads ISO text with an offset first
            "2024-02-15T10:30+01:00",
        ] {
            assert!(isodate(ok), "{ok}");
        }
        for bad in [
            // year 15, month 2, day 2024
            "15/02/2024",
            "2023-02-29",
            "2024-13-01",
            "2024-02",
            "2024",
            " 2024-02-15",
            "2024-02-15 ",
            "2024-02-15T25:00",
            "2024-02-15 10:30:5",
            "2024-02-15 10:30:05.",
            "10000-01-01",
            "0000-01-01",
            "yesterday",
            "",
            "99999999999999999999999-01-01",
        ] {
            assert!(!isodate(bad), "{bad}");
        }
    }

    #[test]
    fn datetime_tz_needs_a_time() {
        assert!(datetime_tz("2024-02-15T10:30:00Z"));
        assert!(datetime_tz("2024-02-15T10:30-08:00"));
        assert!(!datetime_tz("2024-02-15"));
        assert!(!datetime_tz("2024-02-15 10:30"));
        assert!(!datetime_tz("2024-02-15T10:30:00.1"));
    }

    #[test]
    fn json_object_text_holds_an_object() {
        assert!(json_object(r#"{"a": 1}"#));
        assert!(!json_object("[1, 2]"));
        assert!(!json_object("{a: 1}"));
    }

    #[test]
    fn integers_as_python_reads_them() {
        for ok in ["2", " -12 ", "+7", "1_000"] {
            assert!(integer(ok), "{ok}");
        }
        for bad in ["", "2.5", "two", "1__0", "_1", "0x10"] {
            assert!(!integer(bad), "{bad}");
        }
    }
}
