//! Publication times: stored as UTC instants, shown in the site's zone.

use jiff::{Timestamp, civil, tz::TimeZone};

use super::DomainError;

/// The seed's display form, `HH:MM DD.MM.YYYY`.
const SEED_FORM: &str = "%H:%M %d.%m.%Y";

/// Shows an instant as the seed page does: `16:29 21.05.2025`, in the site's zone.
pub fn display(at: Timestamp, zone: &TimeZone) -> String {
    // Every line of every list shows a time: written out directly, not through
    // `strftime`, which interprets its format string on each call.
    let (local, _) = local(at, zone);
    if !(0..=9999).contains(&local.year()) {
        return at
            .to_zoned_datetime(zone.clone())
            .strftime(SEED_FORM)
            .to_string();
    }
    format!(
        "{:02}:{:02} {:02}.{:02}.{:04}",
        local.hour(),
        local.minute(),
        local.day(),
        local.month(),
        local.year()
    )
}

/// The `datetime` attribute of a `<time>` element: local time with its UTC offset.
pub fn machine(at: Timestamp, zone: &TimeZone) -> String {
    let (local, offset) = local(at, zone);
    if !(0..=9999).contains(&local.year()) {
        return at
            .to_zoned_datetime(zone.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string();
    }
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let magnitude = seconds.unsigned_abs();
    let mut text = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        local.year(),
        local.month(),
        local.day(),
        local.hour(),
        local.minute(),
        local.second(),
        magnitude / 3600,
        magnitude / 60 % 60
    );
    // Historic local mean times are offsets with seconds, written as `%:z` writes them.
    if magnitude % 60 != 0 {
        text.push_str(&format!(":{:02}", magnitude % 60));
    }
    text
}

/// The local date and time of an instant in a zone, and the zone's offset then.
fn local(at: Timestamp, zone: &TimeZone) -> (civil::DateTime, jiff::tz::Offset) {
    let offset = zone.to_offset(at);
    (offset.to_datetime(at), offset)
}

/// The calendar day an instant falls on in the site's zone.
pub fn local_date(at: Timestamp, zone: &TimeZone) -> civil::Date {
    at.to_zoned_datetime(zone.clone()).date()
}

/// The instants at which a local day starts and the next one starts.
pub fn day_bounds(day: civil::Date, zone: &TimeZone) -> Option<(Timestamp, Timestamp)> {
    let start = day.to_zoned_datetime(zone.clone()).ok()?.timestamp();
    let end = day
        .tomorrow()
        .ok()?
        .to_zoned_datetime(zone.clone())
        .ok()?
        .timestamp();
    Some((start, end))
}

/// Reads the seed's `HH:MM DD.MM.YYYY` as a local time in the site's zone.
pub fn parse_display(text: &str, zone: &TimeZone) -> Result<Timestamp, DomainError> {
    let invalid = || DomainError::InvalidTime(text.to_owned());
    if !matches_shape(text, "dd:dd dd.dd.dddd") {
        return Err(invalid());
    }
    let civil = civil::DateTime::strptime(SEED_FORM, text).map_err(|_| invalid())?;
    to_instant(civil, zone).ok_or_else(invalid)
}

/// Reads `YYYY-MM-DD HH:MM` (the form editors write in front matter), optionally with
/// `:SS`, as local time.
pub fn parse_local(text: &str, zone: &TimeZone) -> Result<Timestamp, DomainError> {
    let invalid = || DomainError::InvalidTime(text.to_owned());
    let format = if matches_shape(text, "dddd-dd-dd dd:dd") {
        "%Y-%m-%d %H:%M"
    } else if matches_shape(text, "dddd-dd-dd dd:dd:dd") {
        "%Y-%m-%d %H:%M:%S"
    } else {
        return Err(invalid());
    };
    let civil = civil::DateTime::strptime(format, text).map_err(|_| invalid())?;
    to_instant(civil, zone).ok_or_else(invalid)
}

fn to_instant(civil: civil::DateTime, zone: &TimeZone) -> Option<Timestamp> {
    // A local time skipped or repeated by a clock change resolves the way most
    // calendars do ("compatible"): forward across a gap, the earlier of a fold.
    zone.to_ambiguous_timestamp(civil).compatible().ok()
}

/// Checks digits and separators position by position (`d` stands for a digit).
fn matches_shape(text: &str, shape: &str) -> bool {
    text.len() == shape.len()
        && text.bytes().zip(shape.bytes()).all(|(t, s)| match s {
            b'd' => t.is_ascii_digit(),
            other => t == other,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_written_directly_match_strftime_in_every_kind_of_zone() {
        let zones = [
            "Asia/Baku",
            "America/St_Johns",
            "America/Los_Angeles",
            "Asia/Kathmandu",
            "UTC",
        ];
        let mut seconds: i64 = -2_208_988_800; // 1900
        while seconds < 4_102_444_800 {
            let at = Timestamp::from_second(seconds).expect("in range");
            for name in zones {
                let zone = TimeZone::get(name).expect("bundled");
                let zoned = at.to_zoned_datetime(zone.clone());
                assert_eq!(display(at, &zone), zoned.strftime(SEED_FORM).to_string());
                assert_eq!(
                    machine(at, &zone),
                    zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
                );
            }
            seconds += 7_919_993; // about three months, drifting through the day
        }
    }

    fn baku() -> TimeZone {
        TimeZone::get("Asia/Baku").expect("bundled tzdb has Asia/Baku")
    }

    #[test]
    fn times_show_in_baku_time_in_the_seed_form() {
        let at: Timestamp = "2025-05-21T12:29:00Z".parse().expect("valid");
        assert_eq!(display(at, &baku()), "16:29 21.05.2025");
        assert_eq!(machine(at, &baku()), "2025-05-21T16:29:00+04:00");
    }

    #[test]
    fn the_seed_form_round_trips_through_utc() {
        let at = parse_display("16:29 21.05.2025", &baku()).expect("valid");
        assert_eq!(at.to_string(), "2025-05-21T12:29:00Z");
        assert_eq!(display(at, &baku()), "16:29 21.05.2025");
    }

    #[test]
    fn malformed_times_are_refused() {
        for bad in [
            "",
            "16:29",
            "16:29 21.5.2025",
            "24:00 21.05.2025",
            "16:29 31.02.2025",
            "16:29 21.05.2025 ",
            "x6:29 21.05.2025",
        ] {
            assert!(parse_display(bad, &baku()).is_err(), "{bad:?}");
        }
        assert!(parse_local("2025-05-21 16:29", &baku()).is_ok());
        assert!(parse_local("2025-05-21 16:29:05", &baku()).is_ok());
        assert!(parse_local("2025-05-21 16:29:5", &baku()).is_err());
        assert!(parse_local("2025-13-21 16:29", &baku()).is_err());
    }

    #[test]
    fn a_local_day_spans_its_own_midnights() {
        let day = civil::date(2025, 5, 21);
        let (start, end) = day_bounds(day, &baku()).expect("valid day");
        assert_eq!(start.to_string(), "2025-05-20T20:00:00Z");
        assert_eq!(end.to_string(), "2025-05-21T20:00:00Z");
        assert_eq!(local_date(start, &baku()), day);
    }

    #[test]
    fn other_zones_use_their_own_offsets_and_clock_changes() {
        let berlin = TimeZone::get("Europe/Berlin").expect("bundled");
        let winter: Timestamp = "2025-01-10T12:00:00Z".parse().expect("valid");
        let summer: Timestamp = "2025-07-10T12:00:00Z".parse().expect("valid");
        assert_eq!(machine(winter, &berlin), "2025-01-10T13:00:00+01:00");
        assert_eq!(machine(summer, &berlin), "2025-07-10T14:00:00+02:00");
    }
}
