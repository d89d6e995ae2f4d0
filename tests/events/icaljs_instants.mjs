// Read an iCalendar file from stdin with Mozilla's ical.js (the parser in Thunderbird and
// many web calendars) and print, as JSON, each VEVENT's UID with the UTC instants (Unix
// seconds) of its DTSTART and DTEND. The file's own VTIMEZONEs are registered with
// ical.js's TimezoneService first, as Thunderbird does. A DTSTART whose TZID does not
// resolve to a VTIMEZONE makes the script fail instead of silently reading floating time.
// Used by tests/events/test_ical_clients.py.
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
