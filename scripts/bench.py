"""The measurements behind scripts/bench (see that script for usage).

- `list` over N profiles in 4 regions with a fixed injected latency per AWS
  call: aipctl's wall time (median of runs) and calls. Tags come in bulk from
  `tag:GetResources`, so the calls are bounded by one list page plus
  ceil(n/100) tagging calls per region. The ideal is the longer of every call
  at full concurrency and the critical path (`listing_rounds`: the list pages
  with the index's first page beside them, then the rest of the tags by ARN,
  side by side); the paged ideal, a region's calls one after another
  (regions in parallel), is reported beside it. Against the same `list`
  with `tag:GetResources` denied (the per-profile path, `ListTagsForResource`
  for each profile, measured in the same run) and against the AWS CLI v1 doing
  the per-profile job as a shell loop (list-inference-profiles per region plus
  list-tags-for-resource per profile), timed on a sample of profiles and
  extrapolated from the per-call median, which the result says.
- `list` at 1,000 profiles a region (4,000), and `delete --tag` of the 100
  profiles of one department there: no per-profile tag reads.
- `usage` and `prune` (dry run), medians of the runs: GetMetricData calls and wall time against
  one call per profile (what per-resource tools do), the latter at its ideal.
- `apply` of a spec creating 100 profiles, and again (zero writes), and
  `delete` of 100 profiles: wall time and calls.
- start-up: `aipctl --version` and a one-call command, against `aws --version`.
- peak memory (max RSS) of `list` at 1,000 and 10,000 profiles.
- `org` (`scripts/bench org`): `list --accounts all` over an organization of N member
  accounts x 4 regions x P profiles (the management account has none) at a fixed injected
  latency: the median wall time against the ideal, the longer of the calls at full concurrency
  (calls x latency / concurrency) and the critical path (ListAccounts, then AssumeRole, then a
  region's listing pages; see `org_ideal`), with the calls by operation and by account.
- `cost` (`scripts/bench cost`): the paid Cost Explorer requests one `aipctl cost` report makes over a
  bench account (N departments, a year of daily usage): a 12-month daily report,
  a 12-month monthly one, the monthly one with a forecast per department, and
  each again from the cache. aipctl's own count (`paid_requests`) is checked
  against the emulator's request log, which logs every attempt.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from awsemu.server import (  # PYTHONPATH=tests/emulator (scripts/bench sets it)
    Spawned,
    spawn,
)

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"]
MANY_REGIONS = REGIONS + ["us-east-2", "eu-central-1", "eu-west-3", "eu-north-1", "ap-southeast-2", "ca-central-1"]


def control(url: str, method: str, path: str, body: object | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as resp:
        return json.loads(resp.read() or b"null")


def start_emulator() -> Spawned:
    """An emulator on a port the OS assigns (its ready line names it); it exits with us."""
    return spawn(["--exit-with-stdin"], stdin=subprocess.PIPE, timeout=120)


def env_for(url: str) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
        "AWS_ENDPOINT_URL": url, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, bytes]:
    """Wall seconds, max RSS (KiB) and stdout of one child process.

    The child's maximum RSS is read from wait4, which on Linux counts what the
    forked process held before exec (this Python process): below that size it
    reads the parent, not aipctl. `peak_rss` measures aipctl alone."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd} failed")
    return wall, usage.ru_maxrss, out


def peak_rss(cmd: list[str], env: dict[str, str]) -> tuple[float, int, bytes]:
    """Like `timed`, but the RSS is aipctl's alone: GNU time (`/usr/bin/time`,
    Debian's `time` package) forks and execs it from a small process."""
    gnu_time = "/usr/bin/time"
    if not os.access(gnu_time, os.X_OK):
        raise SystemExit(f"{gnu_time} is missing: `sudo apt-get install -y time` (it measures aipctl's memory alone)")
    t0 = time.perf_counter()
    proc = subprocess.run([gnu_time, "-f", "%M", *cmd], env=env, capture_output=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed")
    return wall, int(proc.stderr.decode().strip().splitlines()[-1]), proc.stdout


def calls_of(url: str, operation: str) -> int:
    return sum(1 for r in control(url, "GET", "/_emu/requests")["requests"] if r["operation"] == operation)


def bench_more(args: argparse.Namespace) -> dict:
    """usage/prune metric calls, delete 100, start-up and memory."""
    out: dict = {}
    emu = start_emulator()
    url = emu.url
    try:
        env = env_for(url)
        control(url, "POST", "/_emu/seed", {"scenario": "bench", "profiles": args.profiles, "regions": REGIONS, "days": 30, "departments": 40})
        control(url, "POST", "/_emu/faults", {"seed": 1, "rules": [{"service": "*", "operation": "*", "delay_ms": args.latency_ms}]})
        for name, cmd in [("usage", ["usage", "--since", "30d"]), ("prune_dry_run", ["prune"])]:
            walls = []
            for _ in range(args.runs):
                control(url, "DELETE", "/_emu/requests")
                walls.append(timed([args.aipctl, *cmd, "--region", ",".join(REGIONS), "-o", "json"], env)[0])
            gmd = calls_of(url, "GetMetricData")
            per_profile_ideal = args.profiles * args.latency_ms / 1000 / args.concurrency
            out[name] = {"wall_s": round(statistics.median(walls), 2), "get_metric_data_calls": gmd,
                         "one_call_per_profile_calls": args.profiles,
                         "one_call_per_profile_ideal_s": round(per_profile_ideal, 2)}
        # create 100 with `apply` (50 teams x 1 model x 2 regions), then the same again (no writes).
        spec = ROOT / "target" / "bench-spec.toml"
        teams = "".join(f'\n[teams.t{i:02d}]\ndepartment = "Dept{i % 7}"\n' for i in range(50))
        spec.write_text('[defaults]\nregions = ["us-east-2", "eu-central-1"]\nmodels = ["nova"]\n\n'
                        '[models.nova]\nsource = "amazon.nova-pro-v1:0"\n' + teams)
        control(url, "DELETE", "/_emu/requests")
        wall, _, _ = timed([args.aipctl, "apply", "-f", str(spec), "--yes", "-o", "json"], env)
        creates = calls_of(url, "CreateInferenceProfile")
        out["create_100_apply"] = {"wall_s": round(wall, 2), "api_calls": len(control(url, "GET", "/_emu/requests")["requests"]),
                                   "create_calls": creates}
        control(url, "DELETE", "/_emu/requests")
        wall, _, _ = timed([args.aipctl, "apply", "-f", str(spec), "--yes", "-o", "json"], env)
        writes = sum(calls_of(url, op) for op in ("CreateInferenceProfile", "TagResource", "UntagResource", "DeleteInferenceProfile"))
        out["apply_again"] = {"wall_s": round(wall, 2), "api_calls": len(control(url, "GET", "/_emu/requests")["requests"]),
                              "write_calls": writes}
        listed = json.loads(timed([args.aipctl, "list", "--region", ",".join(REGIONS), "-o", "json"], env)[2])
        names = sorted(p["name"] for p in listed)[:100]
        control(url, "DELETE", "/_emu/requests")
        wall, _, _ = timed([args.aipctl, "delete", *names, "--region", ",".join(REGIONS), "--yes", "-o", "json"], env)
        out["delete_100"] = {"wall_s": round(wall, 2), "api_calls": len(control(url, "GET", "/_emu/requests")["requests"]),
                             "delete_calls": calls_of(url, "DeleteInferenceProfile")}
        control(url, "DELETE", "/_emu/faults")
        # Start-up, no injected latency.
        ver = [timed([args.aipctl, "--version"], env)[0] for _ in range(10)]
        one = [timed([args.aipctl, "list", "--region", "eu-west-1", "--name", "none-*", "-o", "json"], env)[0] for _ in range(10)]
        aws = [timed([args.aws, "--version"], env)[0] for _ in range(5)]
        out["startup"] = {"aipctl_version_ms": round(statistics.median(ver) * 1000, 1),
                          "aipctl_one_call_ms": round(statistics.median(one) * 1000, 1),
                          "aws_version_ms": round(statistics.median(aws) * 1000, 1)}
    finally:
        emu.stop()
    # Memory: list at 1,000 and 10,000 profiles (1,000 a region).
    memory = {}
    for total, regions in [(1000, REGIONS[:1]), (10_000, MANY_REGIONS)]:
        emu = start_emulator()
        url = emu.url
        try:
            control(url, "POST", "/_emu/seed", {"scenario": "bench", "profiles": total, "regions": regions, "days": 1, "departments": 40})
            wall, rss, stdout = peak_rss([args.aipctl, "list", "--region", ",".join(regions), "-o", "json"], env_for(url))
            assert len(json.loads(stdout)) == total
            memory[str(total)] = {"max_rss_mib": round(rss / 1024, 1), "wall_s": round(wall, 2)}
        finally:
            emu.stop()
    out["list_memory"] = memory
    return out


def count_ops(log: list[dict]) -> dict[str, int]:
    ops: dict[str, int] = {}
    for r in log:
        ops[r["operation"]] = ops.get(r["operation"], 0) + 1
    return dict(sorted(ops.items()))


def listing_rounds(list_pages: int, tagging_calls: int, tag_reads: int) -> int:
    """Round trips one region's unfiltered listing needs one after another:
    the `ListInferenceProfiles` pages (the index's first page beside them),
    then the rest of the `GetResources` calls (by ARN, side by side), then any
    `ListTagsForResource` (side by side)."""
    return max(list_pages, 1) + (1 if tagging_calls > 1 else 0) + (1 if tag_reads else 0)


def list_runs(url: str, env: dict[str, str], args: argparse.Namespace, runs: int) -> dict:
    """`list` over REGIONS `runs` times: median wall, the last run's calls by
    operation and region, the call bound (one list page and ceil(n/100)
    tagging calls a region), the ideal (the longer of the calls at full
    concurrency and the critical path, at the injected latency) and the paged
    ideal (the busiest region's calls one after another)."""
    walls = []
    for _ in range(runs):
        control(url, "DELETE", "/_emu/requests")
        t0 = time.perf_counter()
        out = subprocess.run(
            [args.aipctl, "list", "--region", ",".join(REGIONS), "--concurrency", str(args.concurrency), "-o", "json"],
            env=env, capture_output=True, check=True,
        )
        walls.append(time.perf_counter() - t0)
    log = control(url, "GET", "/_emu/requests")["requests"]
    listed = json.loads(out.stdout)
    per_region = {r: sum(1 for p in listed if p["region"] == r) for r in REGIONS}
    calls_in = {r: sum(1 for c in log if c.get("region") == r) for r in REGIONS}
    busiest = max(calls_in.values())

    def ops_in(region: str, operation: str) -> int:
        return sum(1 for c in log if c.get("region") == region and c["operation"] == operation)

    rounds = max(
        listing_rounds(ops_in(r, "ListInferenceProfiles"), ops_in(r, "GetResources"), ops_in(r, "ListTagsForResource"))
        for r in REGIONS
    )
    latency = args.latency_ms / 1000
    ideal = max(rounds * latency, len(log) * latency / args.concurrency)
    wall = statistics.median(walls)
    return {
        "wall_s_median": round(wall, 3), "wall_s_all": [round(w, 3) for w in walls],
        "api_calls": len(log), "by_operation": count_ops(log), "calls_per_region": calls_in,
        "call_bound": sum(1 + -(-n // 100) for n in per_region.values()),
        "critical_path_rounds": rounds, "ideal_s": round(ideal, 3),
        "paged_ideal_s": round(busiest * latency, 3), "listed": len(listed), "output": out.stdout,
    }


def cost_main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="scripts/bench cost")
    ap.add_argument("--aipctl", required=True)
    ap.add_argument("--build", default="release")
    ap.add_argument("--departments", type=int, default=40)
    ap.add_argument("--profiles-per-department", type=int, default=2)
    ap.add_argument("--days", type=int, default=365)
    args = ap.parse_args(argv)

    reports = [
        ("12 months, daily", ["--last", "12mo", "--granularity", "daily"]),
        ("12 months, monthly", ["--last", "12mo"]),
        ("12 months, monthly, with --forecast", ["--last", "12mo", "--forecast"]),
    ]
    emu = start_emulator()
    url = emu.url
    rows = []
    try:
        profiles = args.departments * args.profiles_per_department
        t0 = time.perf_counter()
        control(url, "POST", "/_emu/seed", {"scenario": "bench", "profiles": profiles, "regions": REGIONS,
                                            "days": args.days, "departments": args.departments})
        seed_s = time.perf_counter() - t0
        for name, flags in reports:
            # Each report starts from an empty cache: its first run is what it costs alone.
            with tempfile.TemporaryDirectory() as cache:
                env = env_for(url) | {"XDG_CACHE_HOME": cache}
                for attempt in ("first run", "again (cache)"):
                    control(url, "DELETE", "/_emu/requests")
                    t0 = time.perf_counter()
                    out = subprocess.run([args.aipctl, "cost", *flags, "-o", "json"], env=env,
                                         capture_output=True, check=True)
                    wall = time.perf_counter() - t0
                    report = json.loads(out.stdout)
                    logged = control(url, "GET", "/_emu/requests?service=ce")["requests"]
                    by_op: dict[str, int] = {}
                    for r in logged:
                        by_op[r["operation"]] = by_op.get(r["operation"], 0) + 1
                    assert report["paid_requests"] == len(logged), (name, report["paid_requests"], len(logged))
                    rows.append({
                        "report": name, "run": attempt, "flags": flags, "periods": len(report["periods"]),
                        "rows": len(report["rows"]), "paid_requests": len(logged), "by_operation": by_op,
                        "usd": f"{len(logged) * 0.01:.2f}", "wall_s": round(wall, 2),
                    })
    finally:
        emu.stop()

    result = {
        "benchmark": "cost", "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "aipctl_build": args.build, "departments": args.departments, "profiles": profiles, "days": args.days,
        "seed_s": round(seed_s, 1), "reports": rows,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"cost-{result['date'][:10]}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{args.departments} departments, {profiles} profiles, {args.days} days of daily usage\n")
    print("| report | run | periods × rows | paid requests | by operation | USD | wall |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        ops = ", ".join(f"{op} {n}" for op, n in sorted(r["by_operation"].items())) or "-"
        print(f"| {r['report']} | {r['run']} | {r['periods']} × {r['rows']} | {r['paid_requests']} | {ops} "
              f"| {r['usd']} | {r['wall_s']:.2f} s |")
    print(f"\nwritten to {path.relative_to(ROOT)}", file=sys.stderr)


def org_ideal(logged: list[dict], latency_ms: int, concurrency: int) -> dict:
    """The least time the logged calls can take at `latency_ms` each: the longer of two bounds.

    - calls: every call at full concurrency, `calls x latency / concurrency`;
    - the critical path: calls that must follow one another. The organization's accounts
      (`ListAccounts` pages, one after another, beside `GetCallerIdentity`), then a member's
      `AssumeRole`, then its regions' listings (`listing_rounds`); the caller's account
      needs no `AssumeRole`.
    Both are lower bounds: the ideal is the larger, and aipctl's wall time is compared with it.
    """
    latency = latency_ms / 1000
    org_rounds = max(1, sum(1 for r in logged if r["operation"] == "ListAccounts"))
    pages: dict[tuple[str, str, str], int] = {}
    for r in logged:
        key = (r["account"], r["region"], r["operation"])
        pages[key] = pages.get(key, 0) + 1
    members = {r["account"] for r in logged if r["operation"] not in ("AssumeRole", "GetCallerIdentity", "ListAccounts")}
    caller = next((r["account"] for r in logged if r["operation"] == "GetCallerIdentity"), None)
    longest = org_rounds
    for account in members:
        regions = {region for (a, region, _) in pages if a == account}
        listing = max(
            listing_rounds(
                pages.get((account, region, "ListInferenceProfiles"), 0),
                pages.get((account, region, "GetResources"), 0),
                pages.get((account, region, "ListTagsForResource"), 0),
            )
            for region in regions
        )
        longest = max(longest, org_rounds + (0 if account == caller else 1) + listing)
    calls_bound = len(logged) * latency / concurrency
    critical = longest * latency
    return {
        "calls_bound_s": round(calls_bound, 3), "critical_path_rounds": longest, "critical_path_s": round(critical, 3),
        "basis": "calls at full concurrency" if calls_bound >= critical else "critical path",
        "ideal_s": round(max(calls_bound, critical), 3),
    }


def org_main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="scripts/bench org")
    ap.add_argument("--aipctl", required=True)
    ap.add_argument("--build", default="release")
    ap.add_argument("--accounts", type=int, default=10)
    ap.add_argument("--profiles-per-region", type=int, default=100)
    ap.add_argument("--latency-ms", type=int, default=40)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=16, help="aipctl's default")
    args = ap.parse_args(argv)

    emu = start_emulator()
    url = emu.url
    try:
        t0 = time.perf_counter()
        control(url, "POST", "/_emu/seed/bench-org", {"accounts": args.accounts, "regions": REGIONS,
                                                      "profiles_per_region": args.profiles_per_region, "days": 1})
        seed_s = time.perf_counter() - t0
        control(url, "POST", "/_emu/faults", {"seed": 1, "rules": [{"service": "*", "operation": "*",
                                                                   "delay_ms": args.latency_ms}]})
        env = env_for(url)
        cmd = [args.aipctl, "list", "--accounts", "all", "--region", ",".join(REGIONS),
               "--concurrency", str(args.concurrency), "-o", "json"]
        walls, logged = [], []
        for _ in range(args.runs):
            control(url, "DELETE", "/_emu/requests")
            t0 = time.perf_counter()
            out = subprocess.run(cmd, env=env, capture_output=True, check=True)
            walls.append(time.perf_counter() - t0)
            listed = json.loads(out.stdout)
            logged = control(url, "GET", "/_emu/requests")["requests"]
        # The floor: the same runs with no injected latency, the emulator's and aipctl's own time.
        control(url, "DELETE", "/_emu/faults")
        floors = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, env=env, capture_output=True, check=True)
            floors.append(time.perf_counter() - t0)
    finally:
        emu.stop()
    expected = args.accounts * len(REGIONS) * args.profiles_per_region
    assert len(listed) == expected, f"listed {len(listed)} of {expected}"
    accounts = {p["account"] for p in listed}
    assert len(accounts) == args.accounts, f"profiles from {len(accounts)} of {args.accounts} accounts"
    calls = len(logged)
    by_op: dict[str, int] = {}
    by_account: dict[str, int] = {}
    for r in logged:
        by_op[r["operation"]] = by_op.get(r["operation"], 0) + 1
        by_account[r["account"]] = by_account.get(r["account"], 0) + 1
    wall = statistics.median(walls)
    floor = statistics.median(floors)
    ideal = org_ideal(logged, args.latency_ms, args.concurrency)
    result = {
        "benchmark": "org", "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "aipctl_build": args.build, "accounts": args.accounts, "regions": REGIONS,
        "profiles_per_region": args.profiles_per_region, "profiles": expected, "latency_ms": args.latency_ms,
        "concurrency": args.concurrency, "runs": args.runs, "seed_s": round(seed_s, 1),
        "aipctl": {"wall_s_median": round(wall, 3), "wall_s_all": [round(w, 3) for w in walls], "api_calls": calls,
                   "by_operation": dict(sorted(by_op.items())), "by_account": dict(sorted(by_account.items()))},
        "ideal": ideal, "ideal_s": ideal["ideal_s"], "ratio_to_ideal": round(wall / ideal["ideal_s"], 2),
        "floor_s_median": round(floor, 3), "ratio_to_ideal_plus_floor": round(wall / (ideal["ideal_s"] + floor), 2),
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"org-{result['date'][:10]}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print("| measure | value |\n| --- | --- |")
    print(f"| accounts x regions x profiles | {args.accounts} x {len(REGIONS)} x {args.profiles_per_region} |")
    print(f"| injected latency per call | {args.latency_ms} ms |")
    print(f"| aipctl list --accounts all ({args.build}), median of {args.runs} | {wall:.2f} s, {calls} calls |")
    print(f"| calls by operation | {', '.join(f'{op} {n}' for op, n in sorted(by_op.items()))} |")
    print(f"| calls x latency / concurrency {args.concurrency} | {ideal['calls_bound_s']:.2f} s |")
    print(f"| critical path | {ideal['critical_path_rounds']} calls one after another, "
          f"{ideal['critical_path_s']:.2f} s |")
    print(f"| ideal (the longer: {ideal['basis']}) | {ideal['ideal_s']:.2f} s (aipctl at {wall / ideal['ideal_s']:.2f}x) |")
    print(f"| floor: the same list with no injected latency (the emulator's and aipctl's own time) | {floor:.2f} s |")
    print(f"| ideal + floor | {ideal['ideal_s'] + floor:.2f} s (aipctl at {wall / (ideal['ideal_s'] + floor):.2f}x) |")
    print(f"\nwritten to {path.relative_to(ROOT)}", file=sys.stderr)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "org":
        org_main(sys.argv[2:])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "cost":
        cost_main(sys.argv[2:])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "list":
        del sys.argv[1]
    ap = argparse.ArgumentParser()
    ap.add_argument("--aipctl", required=True)
    ap.add_argument("--aws", required=True)
    ap.add_argument("--build", default="release")
    ap.add_argument("--profiles", type=int, default=1000)
    ap.add_argument("--latency-ms", type=int, default=40)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--cli-sample", type=int, default=10, help="profiles the AWS CLI loop is timed on")
    args = ap.parse_args()
    more = bench_more(args)

    emu = start_emulator()
    url = emu.url
    try:
        control(url, "POST", "/_emu/seed", {"scenario": "bench", "profiles": args.profiles, "regions": REGIONS, "days": 1, "departments": 40})
        control(url, "POST", "/_emu/faults", {"seed": 1, "rules": [{"service": "*", "operation": "*", "delay_ms": args.latency_ms}]})
        env = env_for(url)
        bulk = list_runs(url, env, args, args.runs)
        assert bulk["listed"] == args.profiles, f"listed {bulk['listed']} of {args.profiles}"
        wall = bulk["wall_s_median"]
        calls = bulk["api_calls"]

        # The per-profile path, same account and latency: tag:GetResources denied.
        control(url, "POST", "/_emu/faults", {"seed": 1, "rules": [
            {"service": "*", "operation": "*", "delay_ms": args.latency_ms},
            {"service": "tagging", "operation": "GetResources", "error": "AccessDeniedException", "status": 400}]})
        denied = list_runs(url, env, args, args.runs)
        assert denied["listed"] == args.profiles and denied["output"] == bulk["output"], "the same output either way"
        control(url, "POST", "/_emu/faults", {"seed": 1, "rules": [{"service": "*", "operation": "*", "delay_ms": args.latency_ms}]})

        # The AWS CLI loop, timed per call on a sample.
        arns = [p["arn"] for p in json.loads(bulk["output"])][: args.cli_sample]
        cli_times = []
        for region in REGIONS:
            t0 = time.perf_counter()
            subprocess.run([args.aws, "bedrock", "list-inference-profiles", "--type-equals", "APPLICATION", "--region", region, "--output", "json"], env=env, capture_output=True, check=True)
            cli_times.append(time.perf_counter() - t0)
        for arn in arns:
            region = arn.split(":")[3]
            t0 = time.perf_counter()
            subprocess.run([args.aws, "bedrock", "list-tags-for-resource", "--resource-arn", arn, "--region", region, "--output", "json"], env=env, capture_output=True, check=True)
            cli_times.append(time.perf_counter() - t0)
        per_call = statistics.median(cli_times)
        cli_calls = len(REGIONS) + args.profiles
        cli_total = per_call * cli_calls
    finally:
        emu.stop()

    # 1,000 profiles a region, and delete --tag of one department's 100 profiles.
    emu = start_emulator()
    url = emu.url
    try:
        per_region = 1000
        control(url, "POST", "/_emu/seed", {"scenario": "bench", "profiles": per_region * len(REGIONS), "regions": REGIONS, "days": 1, "departments": 40})
        control(url, "POST", "/_emu/faults", {"seed": 1, "rules": [{"service": "*", "operation": "*", "delay_ms": args.latency_ms}]})
        env = env_for(url)
        big = list_runs(url, env, args, args.runs)
        assert big["listed"] == per_region * len(REGIONS)
        # The floor: the same list with no injected latency (the emulator's and aipctl's own time).
        control(url, "DELETE", "/_emu/faults")
        big["floor_s_median"] = list_runs(url, env, args, args.runs)["wall_s_median"]
        control(url, "POST", "/_emu/faults", {"seed": 1, "rules": [{"service": "*", "operation": "*", "delay_ms": args.latency_ms}]})
        control(url, "DELETE", "/_emu/requests")
        wall_del, _, _ = timed([args.aipctl, "delete", "--tag", "Department=Dept001", "--region", ",".join(REGIONS), "--yes", "-o", "json"], env)
        log = control(url, "GET", "/_emu/requests")["requests"]
        ops = count_ops(log)
        delete_tag = {"wall_s": round(wall_del, 2), "api_calls": len(log), "by_operation": ops,
                      "deleted": ops.get("DeleteInferenceProfile", 0)}
        assert delete_tag["deleted"] == 100, delete_tag
    finally:
        emu.stop()
    for measured in (bulk, denied, big):
        measured.pop("output")

    result = {
        "benchmark": "list", "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "aipctl_build": args.build, "profiles": args.profiles, "regions": REGIONS, "latency_ms": args.latency_ms,
        "concurrency": args.concurrency, "runs": args.runs,
        "aipctl": bulk, "ratio_to_ideal": round(wall / bulk["ideal_s"], 2),
        "tag_get_resources_denied": denied, "speedup_vs_per_profile": round(denied["wall_s_median"] / wall, 2),
        "calls_ratio_per_profile": round(denied["api_calls"] / calls, 1),
        "list_1000_a_region": big, "delete_tag_100": delete_tag,
        "aws_cli": {"per_call_s_median": round(per_call, 3), "calls": cli_calls, "sampled_calls": len(cli_times), "total_s_extrapolated": round(cli_total, 1)},
        "speedup_vs_aws_cli": round(cli_total / wall, 1),
        **more,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"list-{result['date'][:10]}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print("| measure | value |\n| --- | --- |")
    print(f"| profiles x regions | {args.profiles} x {len(REGIONS)} |")
    print(f"| injected latency per call | {args.latency_ms} ms |")
    print(f"| aipctl list ({args.build}), median of {args.runs} | {wall:.2f} s, {calls} calls ({bulk['by_operation']}); "
          f"bound {bulk['call_bound']} calls |")
    print(f"| ideal (the longer of the calls at full concurrency and {bulk['critical_path_rounds']} round trips) | "
          f"{bulk['ideal_s']:.2f} s (aipctl at {wall / bulk['ideal_s']:.2f}x); paged ideal (a region's calls in a row) "
          f"{bulk['paged_ideal_s']:.2f} s ({wall / bulk['paged_ideal_s']:.2f}x) |")
    print(f"| per-profile path (tag:GetResources denied) | {denied['wall_s_median']:.2f} s, {denied['api_calls']} calls: "
          f"bulk is {denied['wall_s_median'] / wall:.1f}x faster with {denied['api_calls'] / calls:.0f}x fewer calls |")
    print(f"| list, 1,000 profiles a region x {len(REGIONS)} | {big['wall_s_median']:.2f} s, {big['api_calls']} calls "
          f"(bound {big['call_bound']}); ideal {big['ideal_s']:.2f} s ({big['wall_s_median'] / big['ideal_s']:.2f}x); "
          f"paged ideal {big['paged_ideal_s']:.2f} s ({big['wall_s_median'] / big['paged_ideal_s']:.2f}x); "
          f"floor with no injected latency {big['floor_s_median']:.2f} s |")
    print(f"| delete --tag, 100 profiles | {delete_tag['wall_s']} s, {delete_tag['api_calls']} calls ({delete_tag['by_operation']}) |")
    print(f"| AWS CLI v1 loop | {per_call:.3f} s a call x {cli_calls} calls = {cli_total:.0f} s (extrapolated from {len(cli_times)} timed calls) |")
    print(f"| aipctl speed-up | {cli_total / wall:.0f}x |")
    for name in ("usage", "prune_dry_run"):
        m = more[name]
        print(f"| {name.replace('_', ' ')} ({args.profiles} profiles) | {m['wall_s']} s, {m['get_metric_data_calls']} GetMetricData calls "
              f"(one per profile: {m['one_call_per_profile_calls']} calls, at best {m['one_call_per_profile_ideal_s']} s) |")
    c, a = more["create_100_apply"], more["apply_again"]
    print(f"| create 100 with apply | {c['wall_s']} s, {c['api_calls']} calls ({c['create_calls']} creations); "
          f"again: {a['wall_s']} s, {a['write_calls']} writes |")
    d = more["delete_100"]
    print(f"| delete 100 by name | {d['wall_s']} s, {d['api_calls']} calls ({d['delete_calls']} deletions) |")
    st = more["startup"]
    print(f"| start-up | aipctl --version {st['aipctl_version_ms']} ms, one-call command {st['aipctl_one_call_ms']} ms; aws --version {st['aws_version_ms']} ms |")
    for n, m in more["list_memory"].items():
        print(f"| list peak memory, {n} profiles | {m['max_rss_mib']} MiB ({m['wall_s']} s) |")
    print(f"\nwritten to {path.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
