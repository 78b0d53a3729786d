#!/usr/bin/env python3
"""Dependency checks for the workspace.

1. Direction: every crate's normal dependencies on workspace crates are among those its
   README.md names on its `Depends inward on:` line, and those lines follow docs/ARCHITECTURE.md
   §1 (core depends on nothing of ours; db, providers and jobs inward only; web never on db).
2. Unused: no crate declares a dependency its code does not use (cargo-machete).

Exit status 1 on any violation.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Crates that must never appear in a crate's normal dependencies (docs/ARCHITECTURE.md §1).
FORBIDDEN = {
    "jangteo-core": {"*"},
    "jangteo-media": {"*"},
    "jangteo-db": {"jangteo-app", "jangteo-web", "jangteo-providers", "jangteo-jobs"},
    "jangteo-providers": {"jangteo-db", "jangteo-app", "jangteo-web", "jangteo-jobs"},
    "jangteo-jobs": {"jangteo-app", "jangteo-web", "jangteo-providers"},
    "jangteo-app": {"jangteo-web", "jangteo-testkit"},
    "jangteo-web": {"jangteo-db", "jangteo-jobs", "jangteo-providers", "jangteo-testkit"},
    "jangteo": {"jangteo-testkit"},
}


def allowed_by_readme(manifest_dir):
    readme = os.path.join(manifest_dir, "README.md")
    if not os.path.exists(readme):
        return None
    with open(readme, encoding="utf-8") as fh:
        match = re.search(r"^Depends inward on: (.*)$", fh.read(), re.M)
    if not match:
        return None
    return set(re.findall(r"jangteo(?:-[a-z]+)?", match.group(1)))


def check_direction():
    meta = json.loads(
        subprocess.check_output(
            ["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=ROOT
        )
    )
    ours = {p["name"] for p in meta["packages"]}
    problems = []
    for package in meta["packages"]:
        name = package["name"]
        inward = {
            d["name"]
            for d in package["dependencies"]
            if d["name"] in ours and d["kind"] is None
        }
        forbidden = FORBIDDEN.get(name, set())
        for dep in sorted(inward):
            if "*" in forbidden or dep in forbidden:
                problems.append(f"{name} depends on {dep}: against docs/ARCHITECTURE.md §1")
        if name == "jangteo-bench":
            continue
        allowed = allowed_by_readme(os.path.dirname(package["manifest_path"]))
        if allowed is None:
            problems.append(f"{name}: README.md has no 'Depends inward on:' line")
            continue
        for dep in sorted(inward - allowed):
            problems.append(f"{name} depends on {dep}, which its README does not allow")
    return problems


def check_unused():
    try:
        out = subprocess.run(
            ["cargo", "machete", "--with-metadata"], cwd=ROOT, capture_output=True, text=True
        )
    except FileNotFoundError:
        return ["cargo-machete is not installed (.ci/run installs it)"]
    if out.returncode == 0:
        return []
    return ["unused dependencies:\n" + out.stdout.strip()]


def main():
    problems = check_direction()
    if "--direction-only" not in sys.argv:
        problems += check_unused()
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(1)
    print("dependencies: inward only, none unused")


if __name__ == "__main__":
    main()
