"""The rules and weights files (``import_rules`` / ``import_weights``, API.md "Routing rules"):
YAML read with line numbers, so an error names the line; every rule checked as routing.rules
checks one from the admin or the API. All or nothing: a file with one bad rule loads none."""

from collections.abc import Callable, Iterable, Mapping

import yaml

from routing.rules import RuleError, RuleFileError, line_of, validate_rule


class _LineDict(dict):
    line: int | None = None


class _LineList(list):
    def __init__(self, items=(), line: int | None = None) -> None:
        super().__init__(items)
        self.line = line


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_map(loader, node):
    data = _LineDict()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node, deep=True))


def _construct_seq(loader, node):
    data = _LineList(line=node.start_mark.line + 1)
    yield data
    data.extend(loader.construct_sequence(node, deep=True))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_yaml(text: str):
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        line = mark.line + 1 if mark else None
        raise RuleFileError([RuleError(f"not valid YAML: {reason}", line)]) from None


# Given the shaped rules of a file, the problems of each (routing.actions.rule_checks: what a
# rule names must exist). Passed in: this module reads files and knows no database.
RulesCheck = Callable[[list[dict]], list[list[str]]]


def parse_rules_file(
    text: str, flag_kinds: Iterable[str] | None = None, check: RulesCheck | None = None
) -> list[dict]:
    """Every rule of a rules file, or RuleFileError listing every problem (line and reason)."""
    document = load_yaml(text)
    if isinstance(document, Mapping) and "rules" in document:
        document = document["rules"]
    if not isinstance(document, list) or not document:
        raise RuleFileError([RuleError("the file must be a non-empty list of rules", 1)])
    rules, problems, seen, lines = [], [], {}, []
    for position, entry in enumerate(document, start=1):
        try:
            rule = validate_rule(entry, position, flag_kinds)
        except RuleError as error:
            problems.append(error)
            continue
        if rule["name"] in seen:
            problems.append(
                RuleError(
                    f"rule {rule['name']!r} appears twice (first on line {seen[rule['name']]})",
                    line_of(entry),
                )
            )
        seen[rule["name"]] = line_of(entry)
        rules.append(rule)
        lines.append(line_of(entry))
    for rule, line, found in zip(rules, lines, check(rules) if check else [], strict=False):
        problems.extend(RuleError(f"rule {rule['name']!r}: {message}", line) for message in found)
    if problems:
        raise RuleFileError(sorted(problems, key=lambda problem: problem.line or 0))
    return rules


def parse_weights_file(text: str, weight_names: Iterable[str]) -> dict[str, dict[str, float]]:
    """The ``scoring:`` block -> {category ("" default): {weight_name: value}}.

    ``scoring:`` holds the seven ``<factor>_weight`` values; an optional ``categories:``
    mapping inside it holds per-category overrides in the same shape. Each set must name
    all seven weights, each in [0, 1], summing to 1.
    """
    names = tuple(weight_names)
    document = load_yaml(text)
    if not isinstance(document, Mapping) or not isinstance(document.get("scoring"), Mapping):
        raise RuleFileError([RuleError("the file needs a `scoring:` mapping", 1)])
    block = dict(document["scoring"])
    overrides = block.pop("categories", {}) or {}
    problems: list[RuleError] = []
    sets = {"": (block, line_of(document["scoring"]))}
    if not isinstance(overrides, Mapping):
        problems.append(RuleError("`categories` must map a category to its weights", 1))
        overrides = {}
    for category, values in overrides.items():
        sets[str(category).strip().lower()] = (values, line_of(values))
    result = {}
    for category, (values, line) in sets.items():
        label = f"category {category!r}" if category else "scoring"
        if not isinstance(values, Mapping):
            problems.append(RuleError(f"{label}: expected a mapping of weights", line))
            continue
        unknown = sorted(set(map(str, values)) - set(names))
        missing = [name for name in names if name not in values]
        if unknown:
            problems.append(RuleError(f"{label}: unknown key(s) {', '.join(unknown)}", line))
        if missing:
            problems.append(RuleError(f"{label}: missing {', '.join(missing)}", line))
        if unknown or missing:
            continue
        bad = [
            n
            for n in names
            if isinstance(values[n], bool)
            or not isinstance(values[n], int | float)
            or not 0 <= values[n] <= 1
        ]
        if bad:
            problems.append(RuleError(f"{label}: {', '.join(bad)} must be in [0, 1]", line))
            continue
        total = sum(float(values[n]) for n in names)
        if abs(total - 1.0) > 1e-6:
            problems.append(RuleError(f"{label}: weights sum to {total:.4f}, not 1", line))
            continue
        result[category] = {n: float(values[n]) for n in names}
    if problems:
        raise RuleFileError(problems)
    return result


def dump_rules(documents: Iterable[Mapping]) -> str:
    """Rules in their YAML/API document shape (routing.rules.to_document) -> the text that
    ``import_rules`` reads back to the same rules, and that dumps again to the same bytes."""
    return yaml.safe_dump(
        [dict(document) for document in documents],
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
