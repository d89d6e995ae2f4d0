"""The serialised VEVENTs of the calendar feeds, kept in the shared cache in buckets.

Each date's VEVENT(s) are written once per version of the date (`listing.entry_version`)
and reused by every feed and every worker until the date changes (`events.feeds`). They are
kept together, not one cache entry per date: a Land's feed has some 17,000 dates, and a
cache call per date (key, validation, a hash, a round trip to Redis) cost a fifth of
building it from nothing.

- **Buckets:** the entries of one feed context (`context`: format version, language, the
  calendar's absolute URL, the audiences' names) are spread over `BUCKETS` cache entries by
  date id (`date_id % BUCKETS`); each holds {date id: (version, bytes, written at)}. A
  feed reads the buckets its dates fall in (one `get_many`, at most `BUCKETS` keys) and
  takes an entry only if its version is the date's current one. Every feed of the
  calendar (filtered, unfiltered, an event's own file) shares them.
- **Nothing kept yet** (`kept`: a marker written with every bucket): the feed skips asking
  for versions and buckets and builds every entry from its rows, which carry their version
  (one query fewer for the build that costs most); its buckets replace whatever they held.
- **Writing:** only buckets that received a newly built entry are written, each as it was
  read plus the new entries (`store`). A change to one event thus writes the bucket(s) of its
  dates. Two workers writing one bucket at once lose nothing that matters: the entry that
  did not stay is built again the next time (versions are checked on every read). An
  entry's bytes are never older than its version: the rows carry the version, and what
  else goes into the bytes (the events' audiences) is read after them.
- **Bounded:** at most `BUCKETS` keys per context. An entry written more than
  `ENTRY_SECONDS` ago is left out whenever its bucket is written (built again if still
  needed), and buckets nobody writes expire after `ENTRY_SECONDS`: a context whose feeds
  only add (filtered feeds, events' own files) holds at most a week's entries. The
  unfiltered calendar feed (`read(every=True)`, `store(keep=...)`) knows every date its
  calendar publishes: it drops the entries of dates no longer in it (left the window,
  deleted, or kept for an event's own file), writing or deleting a bucket for that alone
  if need be.
"""

import hashlib
import time

from django.core.cache import cache

BUCKETS = 64
# Keyed by the context (a change of it makes other keys) and checked by version, so they
# never go stale; an entry or a bucket a week old goes (see "Bounded").
ENTRY_SECONDS = 7 * 24 * 60 * 60


def bucket_prefix(context: str) -> str:
    """The start of the cache keys of the buckets of one feed context."""
    digest = hashlib.blake2b(context.encode(), digest_size=16).hexdigest()
    return f"events:ical:entries:{digest}:"


class Entries:
    """The cached entries of one feed context: asked whether any are kept (`kept`), read
    for a feed's dates (`read`), completed (`store`)."""

    def __init__(self, context: str):
        self.prefix = bucket_prefix(context)
        self.marker = f"{self.prefix}kept"
        self.buckets: dict[int, dict] = {}

    def kept(self) -> bool:
        """Whether entries of this context may be in the cache (one `get`)."""
        return cache.get(self.marker) is not None

    def read(self, versions: dict[int, str], *, every=False) -> dict[int, bytes]:
        """{date id: bytes} of the dates of `versions` ({date id: version}) whose current
        version is cached: one `get_many` of the buckets they fall in, or of `every`
        bucket (the unfiltered feed, which drops what its dates no longer need: `store`)."""
        numbers = range(BUCKETS) if every else {date_id % BUCKETS for date_id in versions}
        cached = cache.get_many([f"{self.prefix}{number}" for number in numbers])
        self.buckets = buckets = {
            number: cached.get(f"{self.prefix}{number}") or {} for number in numbers
        }
        found = {}
        for date_id, version in versions.items():
            entry = buckets[date_id % BUCKETS].get(date_id)
            if entry is not None and entry[0] == version:
                found[date_id] = entry[1]
        return found

    def store(self, built: dict[int, tuple[str, bytes]], *, keep=None):
        """Keep the `built` entries ({date id: (version, bytes)}): the buckets they fall
        in are written, each as `read` plus them, without entries written more than
        `ENTRY_SECONDS` ago. `keep`: the ids of every date the calendar publishes (its
        unfiltered feed, which read `every` bucket); entries of other dates are dropped (a
        bucket written for that alone if need be, deleted when nothing is left in it)."""
        now = int(time.time())
        since = now - ENTRY_SECONDS
        changed = {}
        if keep is not None:
            for number, bucket in self.buckets.items():
                if any(date_id not in keep for date_id in bucket):
                    changed[number] = {
                        date_id: entry
                        for date_id, entry in bucket.items()
                        if date_id in keep and entry[2] >= since
                    }
        for date_id, (version, body) in built.items():
            number = date_id % BUCKETS
            bucket = changed.get(number)
            if bucket is None:
                bucket = changed[number] = {
                    date_id: entry
                    for date_id, entry in self.buckets.get(number, {}).items()
                    if entry[2] >= since
                }
            bucket[date_id] = (version, body, now)
        emptied = [f"{self.prefix}{number}" for number, bucket in changed.items() if not bucket]
        if emptied:
            cache.delete_many(emptied)
        if len(changed) > len(emptied):
            values = {f"{self.prefix}{n}": bucket for n, bucket in changed.items() if bucket}
            values[self.marker] = True
            cache.set_many(values, ENTRY_SECONDS)
