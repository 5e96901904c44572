#!/usr/bin/env python3
"""Benchmarks `keyctl scan` and `keyctl doctor` and prints a Markdown section
for benches/RESULTS.md ("## keyctl scan and doctor").

    python3 benches/scan/run.py                 # the ~1 GB tree, 5 pairs
    python3 benches/scan/run.py --mb 256 --pairs 3
    ... --peer-mb 64      # size of the subtree detect-secrets reads
    ... --no-peer         # skip detect-secrets
    ... --doctor DB       # also time doctor on a data set (scale_dataset)

It needs the release binary (cargo build --release) and Debian's ripgrep.
Everything it makes lives under target/bench/scan:

- tree/: a generated tree of source-like text (tens of thousands of files
  in a few hundred folders) with planted secrets: keys of a store made for
  the run, some live and some revoked, and as many again with a broken
  checksum, which must not be reported. The generator is seeded, so the
  tree is the same from run to run.
- keys.db: the store those keys live in.
- venv/: a throwaway virtualenv with detect-secrets from PyPI, the peer.
- staged/: a git repository with 10,000 staged files, for --staged.

Timings are whole processes with a warm page cache. keyctl and ripgrep run
as pairs, alternating, so that the load of a shared machine hits both
alike; the figures are medians. Peak memory is each process's own maximum
RSS, read from wait4.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.path.join(ROOT, "target", "bench", "scan")
KEYCTL = os.environ.get("KEYCTL_BENCH_BIN",
                        os.path.join(ROOT, "target", "release", "keyctl"))

# Source-like lines: code, config and prose that never contain the literal
# the floor searches for.
WORDS = (
    "let mut value = config.get(key).unwrap_or_default();",
    "if request.status >= 500 { retries += 1; continue; }",
    "def handle(event, context): return {'status': 200}",
    "SELECT id, name, created_at FROM accounts WHERE id = ?;",
    "    // TODO: move this check next to the parser",
    "import { useState, useEffect } from 'react';",
    "timeout_seconds = 30",
    "log.info(\"request finished in %d ms\", elapsed)",
    "for (int i = 0; i < n; i++) { total += weights[i]; }",
    "The quick brown fox jumps over the lazy dog near the task queue.",
    "export const mask_value = (s) => s.replace(/./g, '*');",
    "disk_usage = shutil.disk_usage(path).used",
    "  - name: build\n    run: cargo build --release",
    "apiVersion: apps/v1\nkind: Deployment",
    "return Err(Error::invalid(format!(\"bad value {v}\")));",
)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, cwd=None, env=None):
    """Runs a process; returns (seconds, peak RSS in KiB, exit code, stdout).

    The peak RSS comes from GNU time, which forks from its own small
    process: a child this script spawned directly would carry this
    script's resident set into its ru_maxrss (exec records the parent's
    high-water mark when the child was vforked)."""
    rss_file = os.path.join(WORK, "rss.txt")
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd, cwd=cwd,
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    with open(rss_file) as f:
        rss = int(f.read().split()[-1])
    return elapsed, rss, p.returncode, p.stdout


def keyctl_env(db):
    env = dict(os.environ)
    env["KEYCTL_DB"] = db
    env["KEYCTL_ACTOR"] = "bench"
    env.pop("KEYCTL_CONFIG", None)
    return env


def make_keys(db, live, revoked):
    """Creates keys and returns (live secrets, revoked secrets)."""
    if os.path.exists(db):
        os.remove(db)
    env = keyctl_env(db)
    made = []
    for i in range(live + revoked):
        out = run([KEYCTL, "create", "--name", f"bench {i}", "--scope",
                   "invoices:read", "--format", "json"], env=env,
                  capture_output=True).stdout
        v = json.loads(out)
        made.append((v["id"], v["secret"]))
    for key_id, _ in made[live:]:
        run([KEYCTL, "revoke", key_id, "--yes"], env=env, capture_output=True)
    return [s for _, s in made[:live]], [s for _, s in made[live:]]


def broken(secret):
    last = "A" if secret[-1] != "A" else "B"
    return secret[:-1] + last


def make_tree(root, mb, secrets, rng):
    """Writes about `mb` MiB of text in files of 8-56 KiB, 100 to a folder,
    with each of `secrets` planted once in a random file."""
    if os.path.exists(root):
        shutil.rmtree(root)
    target = mb << 20
    lines = [rng.choice(WORDS) + f" # {rng.randrange(10**6)}" for _ in range(4000)]
    sizes = []
    total = 0
    while total < target:
        size = rng.randrange(8 << 10, 56 << 10)
        sizes.append(size)
        total += size
    plant = {}
    for s in secrets:
        plant.setdefault(rng.randrange(len(sizes)), []).append(s)
    for i, size in enumerate(sizes):
        folder = os.path.join(root, f"pkg{i // 100:04d}")
        if i % 100 == 0:
            os.makedirs(folder, exist_ok=True)
        chunk = []
        n = 0
        while n < size:
            line = lines[rng.randrange(len(lines))]
            chunk.append(line)
            n += len(line) + 1
        for s in plant.get(i, []):
            at = rng.randrange(len(chunk))
            chunk[at] = f'API_KEY = "{s}"  # {chunk[at][:20]}'
        ext = (".rs", ".py", ".ts", ".yaml", ".md")[i % 5]
        with open(os.path.join(folder, f"file{i:06d}{ext}"), "w") as f:
            f.write("\n".join(chunk))
            f.write("\n")
    return len(sizes), total


def median(xs):
    return statistics.median(xs)


def paired(a, b, pairs):
    """Alternates two commands; returns their lists of (seconds, rss, code, out)."""
    ra, rb = [], []
    timed(a[0], cwd=a[1], env=a[2])  # warm the page cache
    timed(b[0], cwd=b[1], env=b[2])
    for i in range(pairs):
        first, second = (a, b) if i % 2 == 0 else (b, a)
        r1 = timed(first[0], cwd=first[1], env=first[2])
        r2 = timed(second[0], cwd=second[1], env=second[2])
        if first is a:
            ra.append(r1)
            rb.append(r2)
        else:
            ra.append(r2)
            rb.append(r1)
    return ra, rb


def rg_count(out):
    return sum(int(l.rsplit(b":", 1)[1]) for l in out.splitlines() if l)


def detect_secrets(root, sub):
    venv = os.path.join(WORK, "venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        run([sys.executable, "-m", "venv", venv])
        run([py, "-m", "pip", "install", "-q", "detect-secrets"])
    version = subprocess.run([py, "-m", "pip", "show", "detect-secrets"],
                             capture_output=True, text=True).stdout
    version = next((l.split()[1] for l in version.splitlines()
                    if l.startswith("Version:")), "?")
    ds = os.path.join(venv, "bin", "detect-secrets")
    t_ds, rss_ds, _, out = timed([ds, "scan", "--all-files", sub], cwd=root)
    results = json.loads(out)["results"]
    ds_all = sum(len(v) for v in results.values())
    ds_stripe = sum(1 for v in results.values() for r in v
                    if r["type"] == "Stripe Access Key")
    return version, t_ds, rss_ds, ds_all, ds_stripe


def staged_repo(path, files, secrets, rng):
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)
    run(["git", "init", "-q"], cwd=path)
    lines = [rng.choice(WORDS) for _ in range(500)]
    plant = {rng.randrange(files): s for s in secrets}
    for i in range(files):
        folder = os.path.join(path, f"m{i // 200:03d}")
        os.makedirs(folder, exist_ok=True)
        text = "\n".join(rng.choice(lines) for _ in range(rng.randrange(20, 120)))
        if i in plant:
            text += f'\nKEY = "{plant[i]}"'
        with open(os.path.join(folder, f"f{i:05d}.py"), "w") as f:
            f.write(text + "\n")
    run(["git", "add", "."], cwd=path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=1024)
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--peer-mb", type=int, default=64)
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--doctor", metavar="DB")
    ap.add_argument("--live", type=int, default=150)
    ap.add_argument("--revoked", type=int, default=100)
    ap.add_argument("--reuse", action="store_true",
                    help="keep the tree and keys of the last run (same --mb)")
    args = ap.parse_args()
    if not os.path.exists(KEYCTL):
        sys.exit("build the release binary first: cargo build --release")
    os.makedirs(WORK, exist_ok=True)
    rng = random.Random(15)
    db = os.path.join(WORK, "keys.db")
    env = keyctl_env(db)
    tree = os.path.join(WORK, "tree")
    manifest = os.path.join(WORK, "planted.json")
    if args.reuse and os.path.exists(manifest):
        with open(manifest) as f:
            m = json.load(f)
        live, revoked, bad, files, size, gen = (m[k] for k in
                                                ("live", "revoked", "bad", "files",
                                                 "size", "gen"))
        planted = live + revoked + bad
    else:
        live, revoked = make_keys(db, args.live, args.revoked)
        bad = [broken(s) for s in live[:args.live // 2] + revoked[:args.revoked // 2]]
        planted = live + revoked + bad
        t0 = time.perf_counter()
        files, size = make_tree(tree, args.mb, planted, rng)
        gen = time.perf_counter() - t0
        with open(manifest, "w") as f:
            json.dump({"live": live, "revoked": revoked, "bad": bad, "files": files,
                       "size": size, "gen": gen}, f)
    print(f"tree: {files} files, {size / 2**20:.0f} MiB, {len(planted)} planted "
          f"({len(live)} live, {len(revoked)} revoked, {len(bad)} broken checksum), "
          f"generated in {gen:.0f}s", file=sys.stderr)

    rg = (["rg", "--count-matches", "sk_(live|test)_", "tree"], WORK, None)
    kc = ([KEYCTL, "scan", "tree", "--format", "csv"], WORK, env)
    ra, rk = paired(kc, rg, args.pairs)
    t_kc, t_rg = median([r[0] for r in ra]), median([r[0] for r in rk])
    rss_kc = max(r[1] for r in ra)
    rows = ra[0][3].decode().splitlines()[1:]
    n_live = sum(1 for r in rows if r.endswith(",active"))
    n_rev = sum(1 for r in rows if r.endswith(",revoked"))
    n_rg = rg_count(rk[0][3])
    codes = {r[2] for r in ra}

    out = []
    out.append("## keyctl scan and doctor\n")
    out.append(
        f"Measured by `python3 benches/scan/run.py --mb {args.mb} --pairs {args.pairs} "
        f"--peer-mb {args.peer_mb}` on a machine of "
        f"{os.cpu_count()} cores shared with other engineers building at the same time: "
        "keyctl and its floor alternate pair by pair so the load hits both alike, and the "
        "figures are medians; single runs vary by tens of percent. Warm page cache.\n")
    out.append(
        f"The tree: {files:,} files in {files // 100 + 1} folders, {size / 2**20:,.0f} MiB of "
        f"source-like text, {len(planted)} planted secrets: {len(live)} of live keys, "
        f"{len(revoked)} of revoked keys, {len(bad)} with a broken checksum.\n")
    out.append("| measurement | keyctl | other | ratio | target | result |")
    out.append("|---|---|---|---|---|---|")
    ratio = t_kc / t_rg
    out.append(
        f"| scan the tree vs `rg --count-matches 'sk_(live\\|test)_'` | {t_kc:.2f} s | "
        f"{t_rg:.2f} s | {ratio:.2f}× | ≤ 1.5× ripgrep | {'pass' if ratio <= 1.5 else 'FAIL'} |")
    out.append(
        f"| peak memory of scan | {rss_kc / 1024:.1f} MiB | – | – | ≤ 64 MiB | "
        f"{'pass' if rss_kc <= 64 * 1024 else 'FAIL'} |")
    out.append(
        f"| findings | {len(rows)} ({n_live} active, {n_rev} revoked); exit {sorted(codes)} "
        f"| rg: {n_rg} matches | – | exactly the {len(live) + len(revoked)} valid ones | "
        f"{'pass' if (n_live, n_rev) == (len(live), len(revoked)) else 'FAIL'} |")

    if not args.no_peer:
        sub_mb = args.peer_mb
        sub = os.path.join(WORK, "peer")
        # A subtree of whole folders of about peer-mb MiB, with its own plants.
        if os.path.exists(sub):
            shutil.rmtree(sub)
        os.makedirs(sub)
        got = 0
        for d in sorted(os.listdir(tree)):
            if got >= sub_mb << 20:
                break
            shutil.copytree(os.path.join(tree, d), os.path.join(sub, d))
            got += sum(os.path.getsize(os.path.join(tree, d, f))
                       for f in os.listdir(os.path.join(tree, d)))
        kc_sub = ([KEYCTL, "scan", "peer", "--format", "csv"], WORK, env)
        times = [timed(*kc_sub) for _ in range(args.pairs)]
        t_sub = median([t[0] for t in times])
        sub_rows = times[0][3].decode().splitlines()[1:]
        sub_rg = rg_count(timed(["rg", "--count-matches", "sk_(live|test)_", "peer"],
                                cwd=WORK)[3])
        version, t_ds, rss_ds, ds_all, ds_stripe = detect_secrets(WORK, "peer")
        speed = t_ds / t_sub
        out.append(
            f"| scan {got / 2**20:.0f} MiB subtree vs detect-secrets {version} "
            f"(`scan --all-files`, one run) | {t_sub:.2f} s | {t_ds:.1f} s | "
            f"{speed:.0f}× faster | ≥ 20× faster | {'pass' if speed >= 20 else 'FAIL'} |")
        out.append(
            f"| findings on that subtree | {len(sub_rows)} (of {sub_rg} strings of the "
            f"secret's shape; the rest have a broken checksum) | detect-secrets: {ds_all} "
            f"results, {ds_stripe} of them \"Stripe Access Key\" | – | – | – |")
        out.append(
            f"| peak memory, that subtree | {max(t[1] for t in times) / 1024:.1f} MiB | "
            f"{rss_ds / 1024:.1f} MiB | – | – | – |")

    repo = os.path.join(WORK, "staged")
    staged_repo(repo, 10_000, live[:3] + revoked[:2] + bad[:2], rng)
    st = [timed([KEYCTL, "scan", "--staged", "--format", "csv"], cwd=repo, env=env)
          for _ in range(args.pairs)]
    t_st = median([s[0] for s in st])
    st_rows = st[0][3].decode().splitlines()[1:]
    out.append(
        f"| `scan --staged`, 10,000 staged files | {t_st * 1000:.0f} ms | – | – | – | "
        f"{len(st_rows)} findings (3 live + 2 revoked planted), exit {st[0][2]}, "
        f"{max(s[1] for s in st) / 1024:.1f} MiB |")

    if args.doctor:
        dr = [timed([KEYCTL, "doctor", "--format", "csv"], env=keyctl_env(args.doctor))
              for _ in range(3)]
        t_dr = median([d[0] for d in dr])
        n_dr = len(dr[0][3].splitlines()) - 1
        rss_dr = max(d[1] for d in dr)
        out.append(
            f"| `doctor --format csv`, 1,000,000 keys | {t_dr:.2f} s | – | – | streaming, "
            f"≤ 64 MiB | {n_dr:,} findings, {rss_dr / 1024:.1f} MiB: "
            f"{'pass' if rss_dr <= 64 * 1024 else 'FAIL'} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
