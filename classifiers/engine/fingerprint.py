"""The fingerprint of the code that shapes what a protocol sends (or decides), part of every cache key.

It covers every module of the `classifiers` package that the protocol's module imports, directly or not (found by
reading their import statements, so a new helper is covered the day it is imported), plus the catalogue seeds the
rules code reads. Editing passage selection, the prefilter, the paper loader, a prompt template or the rules
therefore gives new keys: answers given for other text are never reused. Each module counts by its syntax tree
without docstrings, so reformatting or editing comments and docstrings does not throw paid answers away.
"""

from __future__ import annotations

import ast
import hashlib
from functools import cache
from pathlib import Path

from warehouse.paths import PROJECT_DIR

PACKAGE = "classifiers"
SOURCE_DIR = Path(__file__).resolve().parent.parent  # the classifiers package
SEED_FILES = ("ptm_catalogue.csv", "ptm_aliases.csv")  # read by classifiers/rules/catalogue.py
SEEDS_DIR = PROJECT_DIR / "seeds"


def _module_file(module: str, source_dir: Path) -> Path | None:
    if module != PACKAGE and not module.startswith(PACKAGE + "."):
        return None
    parts = module.split(".")[1:]
    candidate = source_dir.joinpath(*parts)
    for path in (candidate.with_suffix(".py"), candidate / "__init__.py"):
        if path.is_file():
            return path
    return None


def _module_name(path: Path, source_dir: Path) -> str:
    parts = path.relative_to(source_dir).with_suffix("").parts
    return ".".join((PACKAGE, *(parts[:-1] if parts[-1] == "__init__" else parts)))


def _imports(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """Modules named by the import statements anywhere in `tree` (`from a import b` names a and a.b)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the package this module belongs to
                package = module.split(".") if is_package else module.split(".")[:-1]
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _without_docstrings(tree: ast.Module) -> ast.Module:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return tree


def shaping_files(root: str, source_dir: Path = SOURCE_DIR) -> dict[Path, ast.Module]:
    """Every module file reachable from module `root` through imports inside the package, with its parsed tree."""
    files: dict[Path, ast.Module] = {}
    pending = [path] if (path := _module_file(root, source_dir)) is not None else []
    while pending:
        path = pending.pop()
        if path in files:
            continue
        files[path] = tree = ast.parse(path.read_text(encoding="utf-8"))
        module = _module_name(path, source_dir)
        for name in _imports(tree, module, path.name == "__init__.py"):
            if (target := _module_file(name, source_dir)) is not None and target not in files:
                pending.append(target)
    return files


def code_fingerprint(root: str) -> str:
    """The fingerprint of the modules reachable from module `root` (a protocol's) and of the catalogue seeds."""
    return _fingerprint(root, SOURCE_DIR, SEEDS_DIR)


@cache  # parsing the modules takes a few hundred ms: once per process
def _fingerprint(root: str, source_dir: Path, seeds_dir: Path) -> str:
    digest = hashlib.sha256()
    files = shaping_files(root, source_dir)
    for path in sorted(files):
        digest.update(path.relative_to(source_dir).as_posix().encode())
        digest.update(ast.dump(_without_docstrings(files[path])).encode())
    for name in SEED_FILES:
        digest.update(name.encode())
        digest.update((seeds_dir / name).read_bytes())
    return digest.hexdigest()[:16]
