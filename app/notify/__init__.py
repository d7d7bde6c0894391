"""Notifications core (issue 23): what is notified, to whom, and how it is
delivered. No feature imports anything here but `events`.

- `kinds.py`    — every kind: code, Chinese label, whether a person may mute it.
- `links.py`    — the record a notification points to: (record kind, id) → model, path.
- `emitter.py`  — `emit(...)`: inbox rows and outbox messages in the caller's
  session (flush, never commit), only to people who may see the record, minus mutes.
- `events.py`   — one function per event, the one call a causing service makes.
- `scan.py`     — `flask notify-scan`: the timed events (clocks, milestones,
  monthly report, red lights, the weekly desk), once a day.
- `digest.py`   — the daily digest per person (and per department robot).
- `robots.py`   — the payload of each channel kind (企业微信, 钉钉 signed, JSON, e-mail).
- `worker.py`   — `flask notify-worker`: delivers the outbox with retries and backoff.
- `cli.py`      — the two commands.
"""
