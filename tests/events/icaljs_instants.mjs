// Read an iCalendar file from stdin with Mozilla's ical.js (the parser in Thunderbird and
// many web calendars) and print, as JSON, each VEVENT's UID with the UTC instants (Unix
// seconds) of its DTSTART and DTEND. The file's own VTIMEZONEs are registered with
// ical.js's TimezoneService first, as Thunderbird does. A DTSTART whose TZID does not
// resolve to a VTIMEZONE makes the script fail instead of silently reading floating time.
// Used by tests/events/test_ical_clients.py.
// With --occurrences: every occurrence of every event instead (recurring ones expanded by
// ical.js, their EXDATEs and RECURRENCE-ID overrides applied), as [{uid, start, end}] in
// UTC seconds, at most 1000 per series (tests/events/test_recurrence.py).
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const calendar = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}

const instant = (time, tzid) => {
  if (time.isDate) {
    return { date: time.toString() };
  }
  if (tzid && time.zone.tzid !== tzid) {
    throw new Error(`TZID ${tzid} did not resolve (zone ${time.zone.tzid})`);
  }
  return { utc: time.toUnixTime() };
};

if (process.argv.includes("--occurrences")) {
  const vevents = calendar.getAllSubcomponents("vevent");
  const overrides = vevents.filter((vevent) => vevent.hasProperty("recurrence-id"));
  const occurrences = [];
  for (const vevent of vevents.filter((v) => !v.hasProperty("recurrence-id"))) {
    const event = new ICAL.Event(vevent);
    for (const override of overrides) {
      if (override.getFirstPropertyValue("uid") === event.uid) {
        event.relateException(override);
      }
    }
    if (!event.isRecurring()) {
      occurrences.push({ uid: event.uid, start: event.startDate.toUnixTime(), end: event.endDate.toUnixTime() });
      continue;
    }
    const iterator = event.iterator();
    for (let next = iterator.next(), count = 0; next && count < 1000; next = iterator.next(), count++) {
      const details = event.getOccurrenceDetails(next);
      occurrences.push({ uid: event.uid, start: details.startDate.toUnixTime(), end: details.endDate.toUnixTime() });
    }
  }
  process.stdout.write(JSON.stringify(occurrences));
  process.exit(0);
}

const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  const tzid = (name) => vevent.getFirstProperty(name).getParameter("tzid");
  return {
    uid: event.uid,
    start: instant(event.startDate, tzid("dtstart")),
    end: instant(event.endDate, tzid("dtend")),
  };
});
process.stdout.write(JSON.stringify(events));
