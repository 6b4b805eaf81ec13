#!/usr/bin/env python3
"""Where a benchmark's CPU goes: the service, the database server, the load generator, the rest.

The send goals compare MedMsg with ceilings that share the same two cores with their load
generator, so a figure alone does not say whether a run was short of CPU or waited on something
(a lock, a disk flush); these lines do, and how much CPU each request cost each side.

  cpu.py window DELAY SECONDS [--service PID] [--client PID] > FILE
      after DELAY seconds, the CPU each group used over SECONDS (run it in the background while
      the measured load runs; keep the window inside the measurement)
  cpu.py line FILE RATE
      one line: each group's cores and, at RATE requests (or transactions) a second, its
      microseconds of CPU per request; and the machine's idle cores

Groups: the service (--service, its whole process; left out without it), the database server (postgres, mariadbd,
mysqld processes), the load generator (wrk, pgbench, or --client), every other process.

The database server's CPU names its busiest connection too: the busiest postgres process (a
PostgreSQL backend serves one connection), or the busiest thread of mariadbd/mysqld (a thread per
connection). MedMsg's group-commit writer sends every write through one connection, so that
connection's CPU per send bounds the sends: one connection cannot use more than one core.

The service's CPU is split by its threads too: its writer (the group commit's thread, "medmsg-writer" in
MedMsg, "writer" in bench/RawBatchServer.java), the JVM's own (JIT compilers, garbage collector, VM
thread) and the rest, which serve the requests. The writer's share is what a send's writes cost
the service, whatever the request path costs.
"""
import json
import os
import sys
import time

DATABASE = {"postgres", "mariadbd", "mysqld"}
LOAD = {"wrk", "pgbench"}
GROUPS = ("service", "database", "load generator", "other")
WRITER = {"medmsg-writer", "writer"}
JVM = ("C1 CompilerThre", "C2 CompilerThre", "VM Thread", "GC Thread", "G1 ", "Notification Thr", "VM Periodic")
THREADS = ("writer", "jvm", "requests")


def stat(path):
    """The name and CPU ticks (user + system) in a /proc stat file; None once it has gone."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return text[text.index("(") + 1:text.rindex(")")], int(fields[11]) + int(fields[12])


def ticks():
    """CPU ticks (all threads) of every process, by pid, with its name."""
    result = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit() and (named := stat(f"/proc/{pid}/stat")) is not None:
            result[int(pid)] = named
    return result


def tasks(pid):
    """CPU ticks of a process's threads, by thread id, with their names; none once it has gone."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return {}
    result = {}
    for tid in tids:
        if (named := stat(f"/proc/{pid}/task/{tid}/stat")) is not None:
            result[int(tid)] = named
    return result


def threads(pid):
    """CPU ticks of a process's threads, by kind (THREADS)."""
    result = dict.fromkeys(THREADS, 0)
    for name, t in tasks(pid).values():
        result["writer" if name in WRITER else "jvm" if name.startswith(JVM) else "requests"] += t
    return result


def connections(processes):
    """CPU ticks of the database server's connections: each postgres process, each thread of the others."""
    result = {}
    for pid, (name, t) in processes.items():
        if name == "postgres":
            result[pid] = t
        elif name in DATABASE:
            result.update({tid: t for tid, (_, t) in tasks(pid).items()})
    return result


def machine():
    """Idle (idle + iowait) and total ticks of the whole machine."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return values[3] + values[4], sum(values)


def group(pid, name, service, client):
    if pid == service:
        return "service"
    if pid == client or name in LOAD:
        return "load generator"
    if name in DATABASE:
        return "database"
    return "other"


def window(delay, seconds, service, client):
    time.sleep(delay)
    before, idle_before, threads_before = ticks(), machine(), threads(service)
    connections_before = connections(before)
    start = time.monotonic()
    time.sleep(seconds)
    after, idle_after, threads_after = ticks(), machine(), threads(service)
    connections_after = connections(after)
    elapsed = time.monotonic() - start
    hz = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(GROUPS, 0)
    for pid, (name, t) in after.items():
        used[group(pid, name, service, client)] += t - before.get(pid, (name, 0))[1]
    cores = {g: used[g] / hz / elapsed for g in GROUPS}
    idle_ticks = idle_after[0] - idle_before[0]
    total_ticks = idle_after[1] - idle_before[1]
    ncpu = os.cpu_count()
    split = {k: (threads_after[k] - threads_before[k]) / hz / elapsed for k in THREADS}
    if service is None:
        del cores["service"]
        split = {}
    busiest = max((t - connections_before.get(c, 0) for c, t in connections_after.items()), default=0) / hz / elapsed
    print(json.dumps({"seconds": round(elapsed, 1), "cores": cores, "service threads": split,
                      "busiest connection": busiest, "cpus": ncpu,
                      "idle": idle_ticks / total_ticks * ncpu if total_ticks else 0.0}))


def line(path, rate):
    with open(path) as f:
        w = json.load(f)
    parts = []
    busiest = w.get("busiest connection") or 0
    for g, c in w["cores"].items():
        parts.append(f"{g} {c:.2f} cores" + (f" ({c * 1e6 / rate:.0f} µs a request)" if rate > 0 and g != "other" else ""))
        if g == "database" and busiest >= 0.005 and rate > 0:  # not the idle servers of a SQLite run
            parts[-1] += f", of which its busiest connection {busiest:.2f} cores ({busiest * 1e6 / rate:.0f} µs)"
    split = w.get("service threads") or {}
    threads_part = "; the service's threads: " + ", ".join(
        f"{k} {c:.2f} cores ({c * 1e6 / rate:.0f} µs)" for k, c in split.items()) if split and rate > 0 else ""
    print(f"cpu over {w['seconds']} s of the measurement: " + ", ".join(parts)
          + f"; idle {w['idle']:.2f} of {w['cpus']} cores" + threads_part)


def option(args, name):
    return int(args[args.index(name) + 1]) if name in args else None


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "window":
        window(float(sys.argv[2]), float(sys.argv[3]), option(sys.argv, "--service"), option(sys.argv, "--client"))
    elif len(sys.argv) == 4 and sys.argv[1] == "line":
        line(sys.argv[2], float(sys.argv[3]))
    else:
        sys.exit(__doc__)
