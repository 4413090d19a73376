"""Load and validate every rule file at once.

`load_rules(folder)` reads each registered file from `folder` (a file the folder lacks is
taken from the packaged defaults, so a shop can override just one file), validates it
with its pydantic model and reports *all* problems of all files in one `RuleError`, each
as `rules/scoring.yaml: deductions[2].points: expected a number, got 'abc'`.
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
    """`./rules` when the working folder has one, else the packaged defaults."""
    local = Path("rules")
    return local if (local / "settings.yaml").is_file() else packaged_rules_dir()


@dataclass
class RuleSet:
    models: dict[type[BaseModel], BaseModel]
    sources: dict[str, Path]  # file name → the file actually read
    folder: Path
    texts: dict[str, bytes] = field(default_factory=dict)

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

    def digest(self) -> str:
        """SHA-256 over every rule file's name and bytes: identifies the rule set in use."""
        h = hashlib.sha256()
        for name in sorted(self.texts):
            h.update(name.encode() + b"\0" + self.texts[name] + b"\0")
        return h.hexdigest()


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _describe(err: Any) -> str:
    msg = str(err.get("msg", "invalid"))
    kind = err.get("type", "")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind == "extra_forbidden":
        return "unknown key (a typo?)"
    if kind == "missing":
        return "required key is missing"
    if "input" in err and kind not in ("model_type", "dict_type") and ", got " not in msg:
        value = err["input"]
        if isinstance(value, str | int | float | bool) or value is None:
            return f"{msg}, got {value!r}"
    return msg


def format_validation_error(display: str, exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        where = _loc(tuple(err.get("loc", ())))
        out.append(f"{display}: {where + ': ' if where else ''}{_describe(err)}")
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
        return yaml.load(text, Loader=SAFE_LOADER), raw
    except UnicodeDecodeError:
        raise RuleError(f"{display}: is not UTF-8 text; save it as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RuleError(f"{display}: not valid YAML{where}: {problem}") from None


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
            problems.extend(_node_problems(item, display, f"{path}[{i}]"))
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
    for name, model in RULE_FILES.items():
        path = folder / name
        if not path.is_file():
            path = packaged / name
        display = f"{folder.name}/{name}" if path.parent == folder else f"(default) {name}"
        try:
            data, raw = read_yaml(path, display)
        except RuleError as exc:
            problems.extend(exc.details or [exc.message])
            continue
        try:
            models[model] = model.model_validate(data if data is not None else {})
        except ValidationError as exc:
            problems.extend(format_validation_error(display, exc))
            continue
        sources[name] = path
        texts[name] = raw
    if problems:
        head = problems[0] if len(problems) == 1 else f"{len(problems)} problems in the rule files:"
        body = "" if len(problems) == 1 else "\n" + "\n".join(f"  - {p}" for p in problems)
        raise RuleError(head + body, details=problems)
    return RuleSet(models=models, sources=sources, folder=folder, texts=texts)
