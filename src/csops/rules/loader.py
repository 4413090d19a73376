"""Load and validate every rule file at once.

`load_rules(folder)` reads each registered file: the built-in default, with the folder's
file of that name (if any) merged over it key by key — mappings merge, a list or a value
replaces; in `columns.yaml` a field's aliases are added before the defaults' (a kind
with `replace: true` keeps only its own). A folder may hold any subset of the files. Each
merged file is validated with its pydantic model, and *all* problems of all files are
reported in one `RuleError`, each as `myrules/scoring.yaml: rules[2].points: expected a
number, got 'abc'`. `RuleSet.in_force()` says which folder and files are in force.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from csops.errors import RuleError
from csops.rules.chats import ChatRules
from csops.rules.columns import ColumnAliases
from csops.rules.commission import CommissionRules
from csops.rules.grades import GradeRules
from csops.rules.kpi import KpiRules
from csops.rules.scoring import ScoringRules
from csops.rules.settings import Settings
from csops.rules.shipping import ShippingRules
from csops.rules.vocab import IncidentKinds, ValueWords

M = TypeVar("M", bound=BaseModel)

# yaml.safe_load's loader, in C when PyYAML has libyaml (7× faster: the rule files are
# read by every command). Both build only plain data: a `!!python/...` tag is an error.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# file name → model. Each command group registers its rule file here.
RULE_FILES: dict[str, type[BaseModel]] = {
    "settings.yaml": Settings,
    "columns.yaml": ColumnAliases,
    "values.yaml": ValueWords,
    "incidents.yaml": IncidentKinds,
    "scoring.yaml": ScoringRules,
    "shipping.yaml": ShippingRules,
    "commission.yaml": CommissionRules,
    "chats.yaml": ChatRules,
    "kpi.yaml": KpiRules,
    "grades.yaml": GradeRules,
}


def packaged_rules_dir() -> Path:
    """The default rule set shipped inside the package (a copy of the repo's `rules/`)."""
    return Path(str(resources.files("csops") / "default_rules"))


def default_rules_dir() -> Path:
    """`./rules` when the working folder has one holding any rule file (a folder with only
    an edited scoring.yaml counts), else the packaged defaults."""
    local = Path("rules")
    if local.is_dir() and any((local / name).is_file() for name in RULE_FILES):
        return local
    return packaged_rules_dir()


@dataclass
class RuleSet:
    models: dict[type[BaseModel], BaseModel]
    sources: dict[str, Path]  # file name → the file actually read
    folder: Path
    texts: dict[str, bytes] = field(default_factory=dict)
    own: set[str] = field(default_factory=set)  # files of the folder (not built-in)
    data: dict[str, Any] = field(default_factory=dict)  # file → its merged data
    given: dict[str, Any] = field(default_factory=dict)  # file → what the folder's file says

    def get(self, model: type[M]) -> M:
        found = self.models[model]
        assert isinstance(found, model)
        return found

    @property
    def settings(self) -> Settings:
        return self.get(Settings)

    @property
    def columns(self) -> ColumnAliases:
        return self.get(ColumnAliases)

    def display(self, name: str) -> str:
        """How messages name the rule file `name`: `myrules/scoring.yaml`, or
        `(default) scoring.yaml` when the built-in one was read."""
        path = self.sources.get(name)
        if path is not None and path.parent == self.folder:
            return f"{self.folder.name}/{name}"
        return f"(default) {name}"

    @property
    def overrides(self) -> list[str]:
        """The rule files the folder holds, merged over the built-in defaults."""
        return [name for name in RULE_FILES if name in self.own]

    def digest(self) -> str:
        """SHA-256 over every rule file's name and bytes: identifies the rule set in use."""
        h = hashlib.sha256()
        for name in sorted(self.texts):
            h.update(name.encode() + b"\0" + self.texts[name] + b"\0")
        return h.hexdigest()


# Pydantic names the member of a union it tried in the location (`points.float`,
# `points.literal['from_sheet']`): not a key of the file.
_UNION_TAG = re.compile(r"^(float|int|str|bool|decimal|list|dict|none|[a-z-]+\[.*\])$")


def _loc(loc: tuple[Any, ...], data: Any = None) -> str:
    """A key path as a shop manager counts: `rules #1 (late).points` — list items from 1,
    named by their id (or metric, name) when they have one."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            name = next(
                (item[k] for k in ("id", "metric", "name") if isinstance(item, dict) and k in item),
                None,
            )
            out += f" #{part + 1}" + (f" ({name})" if name is not None else "")
            node = item
        elif _UNION_TAG.match(str(part)):
            continue
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


# Pydantic's words → plain ones.
_PLAIN = (
    (re.compile(r"^Input should be a valid number.*"), "expected a number"),
    (re.compile(r"^Input should be a valid integer.*"), "expected a whole number"),
    (re.compile(r"^Input should be a valid boolean.*"), "expected true or false"),
    (re.compile(r"^Input should be a valid string.*"), "expected text"),
    (re.compile(r"^Input should be a valid list.*"), "expected a list, such as [a, b]"),
    (re.compile(r"^Input should be a valid dictionary.*"), "expected keys with values"),
    (re.compile(r"^Input should be greater than or equal to (.+)$"), r"expected \1 or more"),
    (re.compile(r"^Input should be greater than (.+)$"), r"expected more than \1"),
    (re.compile(r"^Input should be less than or equal to (.+)$"), r"expected \1 or less"),
    (re.compile(r"^Input should be less than (.+)$"), r"expected less than \1"),
    (re.compile(r"^Input should be (.+)$"), r"expected \1"),
)


def _describe(err: Any) -> str:
    msg = str(err.get("msg", "invalid"))
    kind = err.get("type", "")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind == "extra_forbidden":
        return "unknown key (a typo?)"
    if kind == "missing":
        return "required key is missing"
    for pattern, plain in _PLAIN:
        if pattern.match(msg):
            msg = pattern.sub(plain, msg)
            break
    if "input" in err and kind not in ("model_type", "dict_type") and ", got " not in msg:
        value = err["input"]
        if isinstance(value, str | int | float | bool) or value is None:
            return f"{msg}, got {value!r}"
    return msg


def format_validation_error(display: str, exc: ValidationError, data: Any = None) -> list[str]:
    """One line per key in error. The errors of one key (each member of a union: a
    number or `from_sheet`) are one line: "expected a number or 'from_sheet'"."""
    by_key: dict[str, list[str]] = {}
    got: dict[str, Any] = {}
    for err in exc.errors():
        where = _loc(tuple(err.get("loc", ())), data)
        text = _describe(err)
        if ", got " in text:
            text, value = text.rsplit(", got ", 1)
            got[where] = value
        if text not in by_key.setdefault(where, []):
            by_key[where].append(text)
    out = []
    for where, texts in by_key.items():
        if len(texts) > 1 and all(t.startswith("expected ") for t in texts):
            text = "expected " + " or ".join(t[len("expected ") :] for t in texts)
        else:
            text = "; ".join(texts)
        if where in got:
            text += f", got {got[where]}"
        out.append(f"{display}: {where + ': ' if where else ''}{text}")
    return out


def read_yaml(path: Path, display: str) -> tuple[Any, bytes]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RuleError(f"{display}: cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
        node = yaml.compose(text, Loader=SAFE_LOADER)
        problems = _node_problems(node, display) if node is not None else []
        if problems:
            raise RuleError(problems[0] if len(problems) == 1 else "\n".join(problems),
                            details=problems)  # fmt: skip
        data = yaml.load(text, Loader=SAFE_LOADER)
        if isinstance(data, str) or (node is not None and _full_width_keys(node)):
            line = _full_width_line(text)
            if line is not None:
                raise RuleError(
                    f"{display}: line {line} has a full-width colon (：) where YAML needs a "
                    "half-width one and a space (`base: 10`, not `base：10`)"
                )
        return data, raw
    except UnicodeDecodeError:
        raise RuleError(f"{display}: is not UTF-8 text; save it as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        line = _full_width_line(text, mark.line + 1 if mark else None)
        hint = (
            f"; line {line} has a full-width colon (：): YAML needs `key: value` with a "
            "half-width colon and a space"
            if line is not None
            else ""
        )
        raise RuleError(f"{display}: not valid YAML{where}: {problem}{hint}") from None


def _full_width_line(text: str, near: int | None = None) -> int | None:
    """The first line whose text (not its # comment) holds a full-width colon; with
    `near` (the line a YAML error names), only that line or the one before it."""
    for number, line in enumerate(text.splitlines(), 1):
        if "：" in line.split("#", 1)[0] and (near is None or near - 1 <= number <= near):
            return number
    return None


def _full_width_keys(node: yaml.Node) -> bool:
    """Whether a mapping key holds a full-width colon (`base：10: …` read as one key)."""
    if isinstance(node, yaml.MappingNode):
        return any("：" in str(key.value) or _full_width_keys(value) for key, value in node.value)
    if isinstance(node, yaml.SequenceNode):
        return any(_full_width_keys(item) for item in node.value)
    return False


_FLOAT_TAG = "tag:yaml.org,2002:float"
_NOT_FINITE = re.compile(r"[-+]?\.(inf|nan)", re.IGNORECASE)


def _node_problems(node: yaml.Node, display: str, path: str = "") -> list[str]:
    """What yaml.safe_load would pass silently: a key given twice in one mapping (the last
    one would win) and a number that is not finite (.nan, .inf), each with its key path and
    line."""
    problems: list[str] = []
    where = f"{display}: {path + ': ' if path else ''}"
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            line = key.start_mark.line + 1
            child = f"{path}.{name}" if path else name
            if name in seen:
                problems.append(
                    f"{display}: {child}: the key is given twice (lines {seen[name]} and "
                    f"{line}); only one may stay: delete or merge the other"
                )
            seen.setdefault(name, line)
            problems.extend(_node_problems(value, display, child))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            problems.extend(_node_problems(item, display, f"{path} #{i + 1}"))
    elif node.tag == _FLOAT_TAG and _NOT_FINITE.fullmatch(str(node.value).strip()):
        problems.append(
            f"{where}{node.value} (line {node.start_mark.line + 1}) is not a number a rule "
            "can use; write a finite number"
        )
    return problems


def load_rules(folder: Path | None = None) -> RuleSet:
    folder = folder if folder is not None else default_rules_dir()
    if not folder.is_dir():
        raise RuleError(f"rules folder {folder} does not exist; pass --rules DIR or omit it")
    packaged = packaged_rules_dir()
    problems: list[str] = []
    models: dict[type[BaseModel], BaseModel] = {}
    sources: dict[str, Path] = {}
    texts: dict[str, bytes] = {}
    own: set[str] = set()
    merged: dict[str, Any] = {}
    given: dict[str, Any] = {}
    for name, model in RULE_FILES.items():
        path = folder / name
        default = packaged / name
        mine = path.is_file() and path.resolve() != default.resolve()
        display = f"{folder.name}/{name}" if mine else f"(default) {name}"
        try:
            data, raw = read_yaml(default, f"(default) {name}")
            if mine:
                override, own_raw = read_yaml(path, display)
                override = {} if override is None else override  # an empty file: defaults
                data = (
                    merge_columns(data, override)
                    if name == "columns.yaml"
                    else merge(data, override)
                )
                # The rule set is both files: the default it merges over, and its own.
                texts[f"(default) {name}"] = raw
                raw = own_raw
                own.add(name)
                given[name] = override
            merged[name] = data
        except RuleError as exc:
            problems.extend(exc.details or [exc.message])
            continue
        if not mine:
            path = default
        try:
            models[model] = model.model_validate(data if data is not None else {})
        except ValidationError as exc:
            problems.extend(format_validation_error(display, exc, data))
            continue
        sources[name] = path
        texts[name] = raw
    if problems:
        head = problems[0] if len(problems) == 1 else f"{len(problems)} problems in the rule files:"
        body = "" if len(problems) == 1 else "\n" + "\n".join(f"  - {p}" for p in problems)
        raise RuleError(head + body, details=problems)
    return RuleSet(
        models=models,
        sources=sources,
        folder=folder,
        texts=texts,
        own=own,
        data=merged,
        given=given,
    )


def provenance(rules: RuleSet) -> list[tuple[str, str, Any, bool]]:
    """Every value of the rules in force: (file, key path, value, given by the folder's
    file — False: the built-in default). A list is one value."""
    out: list[tuple[str, str, Any, bool]] = []
    for name in RULE_FILES:
        given = _leaves(rules.given.get(name))
        for path, value in _leaves(rules.data.get(name)).items():
            out.append((name, path, value, path in given))
    return out


def _leaves(data: Any, path: str = "") -> dict[str, Any]:
    """Key path → value of a mapping's leaves (a list is one value)."""
    if not isinstance(data, dict):
        return {path: data} if path else {}
    out: dict[str, Any] = {}
    for key, value in data.items():
        child = f"{path}.{key}" if path else str(key)
        if isinstance(value, dict) and value:
            out |= _leaves(value, child)
        else:
            out[child] = value
    return out


def merge(default: Any, override: Any) -> Any:
    """`override` over `default`: mappings merge key by key; a list or a value replaces
    (so does `null`, to drop what a default sets)."""
    if isinstance(default, dict) and isinstance(override, dict):
        out = dict(default)
        for key, value in override.items():
            out[key] = merge(default[key], value) if key in default else value
        return out
    return override


def merge_columns(default: Any, override: Any) -> Any:
    """columns.yaml: a field's aliases in the folder come first (the first listed wins),
    then the defaults' not already listed; a kind with `replace: true` keeps only its own."""
    if not isinstance(default, dict) or not isinstance(override, dict):
        return merge(default, override)
    out = {
        kind: dict(fields) if isinstance(fields, dict) else fields
        for kind, fields in default.items()
    }
    for kind, fields in override.items():
        if not isinstance(fields, dict) or not isinstance(out.get(kind), dict):
            out[kind] = fields
            continue
        fields = dict(fields)
        if fields.pop("replace", False) is True:
            out[kind] = fields
            continue
        for name, aliases in fields.items():
            base = out[kind].get(name)
            if isinstance(aliases, list) and isinstance(base, list):
                out[kind][name] = aliases + [a for a in base if a not in aliases]
            else:
                out[kind][name] = aliases
    return out


def init_rules(folder: Path) -> tuple[list[str], list[str]]:
    """Write the rule files, with comments in Chinese for a shop manager (the packaged
    `init/` copies: the same values as the built-in files), into `folder`. A file the
    folder has already is kept as it is. Returns (written, kept)."""
    source = packaged_rules_dir() / "init"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written, kept = [], []
        for name in RULE_FILES:
            target = folder / name
            if target.exists():
                kept.append(name)
                continue
            target.write_bytes((source / name).read_bytes())
            written.append(name)
    except OSError as exc:
        raise RuleError(f"{folder}: cannot write the rule files ({exc.strerror or exc})") from None
    return written, kept
