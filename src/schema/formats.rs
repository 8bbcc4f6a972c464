//! The text formats CKAN and ckanext-scheming accept for dates, times and
//! whole numbers, as JSON Schema `format` checks. Each accepts the ISO 8601
//! forms the portal reads; CKAN also reads some looser forms (`2020/01/01`),
//! which a record should not rely on (CKAN's own docs say they may go).

/// `scheming_isodatetime`: a date, optionally `T` or a space and a time,
/// optionally a UTC offset.
pub(crate) const DATETIME: &str = "ckan-datetime";
/// `scheming_isodatetime_tz`: a date, `T` and a time, optionally an offset.
pub(crate) const DATETIME_TZ: &str = "ckan-datetime-tz";
/// `int_validator`: base-10 digits with an optional sign (Python's `int()`).
pub(crate) const INTEGER: &str = "ckan-integer";
/// `scheming_valid_json_object`: text holding a JSON object.
pub(crate) const JSON_OBJECT: &str = "ckan-json-object";

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
