#!/usr/bin/env python3
"""Structure figures the order-lifecycle issue asks for: source files over 500 lines, the median
file length, and import circles between files inside each crate (a `use crate::x` edge from a file
to the module file it names). Prints a report; `--check` exits 1 when a file is over 500 lines."""
import os
import re
import statistics
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
LIMIT = 500


def rust_files():
    for base in ("crates", "bench"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, base)):
            if "/target" in dirpath:
                continue
            for f in files:
                if f.endswith(".rs"):
                    yield os.path.relpath(os.path.join(dirpath, f), ROOT)


def module_of(path, src_root):
    rel = os.path.relpath(path, src_root)[:-3]
    parts = rel.split(os.sep)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def group_items(text, start):
    """The top-level items of a `{...}` use group starting at `start` (the brace)."""
    depth, item, items = 0, "", []
    for ch in text[start:]:
        if ch == "{":
            depth += 1
            if depth == 1:
                continue
        elif ch == "}":
            depth -= 1
            if depth == 0:
                items.append(item)
                break
        if depth == 1 and ch == ",":
            items.append(item)
            item = ""
        else:
            item += ch
    return [re.sub(r"\s+", "", i) for i in items if i.strip()]


def referenced_paths(text, pattern):
    for match in pattern.finditer(text):
        yield tuple(match.group(1).split("::"))
    for match in re.finditer(r"\bcrate::\{", text):
        for item in group_items(text, match.end() - 1):
            head = re.split(r"[{}]", item)[0].rstrip(":")
            if head and head != "self":
                yield tuple(p for p in head.split("::") if p)


def import_graph(crate):
    src = os.path.join(ROOT, "crates", crate, "src")
    modules = {}
    for dirpath, _, files in os.walk(src):
        for f in files:
            if f.endswith(".rs"):
                path = os.path.join(dirpath, f)
                modules[module_of(path, src)] = path
    edges = {m: set() for m in modules}
    pattern = re.compile(r"\bcrate::((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)")
    for module, path in modules.items():
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        # Tests inside a file do not make a circle of the code.
        text = text.split("#[cfg(test)]")[0]
        for parts in referenced_paths(text, pattern):
            # The longest module prefix the path names.
            for n in range(len(parts), 0, -1):
                target = parts[:n]
                if target in modules:
                    if target != module and target[: len(module)] != module:
                        edges[module].add(target)
                    break
    return edges


def area_graph(edges):
    """The same imports between areas: a top-level file or folder of the crate is one area."""
    areas = {}
    for module, targets in edges.items():
        if not module:
            continue
        areas.setdefault(module[:1], set())
        for target in targets:
            if target and target[:1] != module[:1]:
                areas[module[:1]].add(target[:1])
    for targets in list(areas.values()):
        for target in targets:
            areas.setdefault(target, set())
    return areas


def circles(edges):
    """Strongly connected components with more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted("::".join(c) or "lib" for c in comp))

    sys.setrecursionlimit(10000)
    for v in edges:
        if v not in index:
            visit(v)
    return out


def main():
    lengths = {}
    for path in rust_files():
        with open(os.path.join(ROOT, path), encoding="utf-8") as fh:
            lengths[path] = sum(1 for _ in fh)
    over = sorted(((n, p) for p, n in lengths.items() if n > LIMIT), reverse=True)
    print(f"rust files: {len(lengths)}, median {statistics.median(lengths.values()):.0f} lines")
    print(f"over {LIMIT} lines: {len(over)}")
    for n, p in over:
        print(f"  {n:5} {p}")
    crossing = 0
    for crate in ("app", "web"):
        graph = import_graph(crate)
        found = circles(graph)
        files = sum(len(c) for c in found)
        print(f"import circles in {crate}: {len(found)} spanning {files} files (within a folder allowed)")
        for c in found:
            print("  " + " <-> ".join(c))
        between = circles(area_graph(graph))
        crossing += len(between)
        print(f"import circles across areas in {crate}: {len(between)}")
        for c in between:
            print("  " + " <-> ".join(c))
    if "--check" in sys.argv and (over or crossing):
        sys.exit(1)


if __name__ == "__main__":
    main()
