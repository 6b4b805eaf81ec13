#!/usr/bin/env python3
"""Filler for the growth figures (issue #15): adds MESSAGES text messages to a MedMsg SQLite
database whose schema the service has made, while the service is stopped, so that a benchmark
can compare a small database with a large one. The messages go to sessions of their own
(PER_SESSION each, between filler patients and 1,000 filler doctors), dated the month before,
with ids shaped like the service's (48 bits of milliseconds, then the rest), so that they sort
before anything the benchmark then writes, as older messages of a real database do.

usage: bench/fill.py DB MESSAGES [PER_SESSION=100]

Written with synchronous=OFF and in large transactions: it is filler for a benchmark, and a crash
while filling means filling again.
"""
import sqlite3
import sys
import time

TEXT = "您好，我这两天咳嗽，晚上加重，需要做什么检查吗？"
DOCTORS = 1000
CHUNK = 200_000


def ident(ms, n):
    return f"{ms:012x}{n:020x}"


def main():
    path, total = sys.argv[1], int(sys.argv[2])
    per = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-262144")
    start = time.time()
    month_ago = int(time.time() * 1000) - 30 * 86_400_000
    counter = 0
    written = 0
    session_no = 0
    db.execute("BEGIN")
    while written < total:
        n = min(per, total - written)
        counter += 1
        at = month_ago + counter // 64
        sid = ident(at, counter)
        patient, doctor = f"fill-p{session_no}", f"fill-d{session_no % DOCTORS}"
        db.execute("""INSERT INTO sessions (session_id, patient_id, doctor_id, last_seq, created_at, updated_at,
                          patient_read_seq, doctor_read_seq, patient_change_seq, doctor_change_seq)
                      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", (sid, patient, doctor, n, at, at, n, n, n, n))
        rows = []
        for seq in range(1, n + 1):
            counter += 1
            sender = ("patient", patient) if seq % 2 else ("doctor", doctor)
            rows.append((ident(month_ago + counter // 64, counter), sid, seq, sender[0], sender[1], TEXT,
                         month_ago + counter // 64, seq, seq))
        db.executemany("""INSERT INTO messages (msg_id, session_id, seq, sender_role, sender_id, msg_type, text,
                              created_at, patient_change_seq, doctor_change_seq)
                          VALUES (?, ?, ?, ?, ?, 'text', ?, ?, ?, ?)""", rows)
        before = written
        written += n
        session_no += 1
        if written // CHUNK != before // CHUNK:
            db.execute("COMMIT")
            db.execute("BEGIN")
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"fill: {written:,} messages in {session_no:,} sessions added to {path} in {time.time() - start:.0f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
