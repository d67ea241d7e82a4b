"""Does a statement apply to a request? Action, resource and condition tests.

Each test builds its matcher on first use and keeps it on the :class:`Statement` itself, so a
policy that serves many requests is compiled once, and a one-off evaluation compiles only what
it reaches: most statements never get past the action test, and most resources that do are
plain ARNs compared by equality.
"""

from __future__ import annotations

from functools import lru_cache

from opentruth.iam.conditions import CompiledCondition
from opentruth.iam.patterns import Context, compile_resource, plain_matcher
from opentruth.iam.policy import Statement


@lru_cache(maxsize=65536)
def _action_match(pattern: str, action: str) -> bool:
    """Both sides lower-cased: actions compare case-insensitively and take no variables."""
    return plain_matcher(pattern, False)(action)


def action_matches(st: Statement, action: str) -> bool:
    """``action`` (lower-cased) is covered by Action, or not excluded by NotAction."""
    compiled = st._actions
    if compiled is None:
        # The statement's actions, lower-cased and wrapped as "\0a\0b\0": an exact action is
        # then one substring test, with no list to build. Validated actions never contain
        # "\0", and the patterns are split out only when a statement has any.
        compiled = st._actions = ["\0" + "\0".join(st.actions).lower() + "\0", None]
    joined: str = compiled[0]
    # (A request's action with "\0" in it could otherwise span two of the statement's.)
    hit = ("\0" + action + "\0") in joined and "\0" not in action
    if not hit and ("*" in joined or "?" in joined) and _may_match_pattern(joined, action):
        split = compiled[1]
        if split is None:
            split = compiled[1] = _split_patterns(joined)
        prefixes, others = split
        # "s3:Get*" (and "*", whose prefix is empty) is a prefix test: one call for them all.
        if action.startswith(prefixes):
            hit = True
        else:
            for p in others:
                if _action_match(p, action):
                    hit = True
                    break
    return hit != st.not_action


def _may_match_pattern(joined: str, action: str) -> bool:
    """Whether any pattern of the statement could match ``action``: a service prefix never
    holds a wildcard (policies with one are refused), so only "*" itself or a pattern of the
    action's own service can."""
    colon = action.find(":")
    return colon < 0 or "\0*\0" in joined or ("\0" + action[: colon + 1]) in joined


def _split_patterns(joined: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(prefixes of the trailing-* patterns, the other patterns) of a statement's actions."""
    prefixes: list[str] = []
    others: list[str] = []
    for a in joined[1:-1].split("\0"):
        if "*" in a or "?" in a:
            if a[-1] == "*" and a.count("*") == 1 and "?" not in a:
                prefixes.append(a[:-1])
            else:
                others.append(a)
    return tuple(prefixes), tuple(others)


def resource_matches(st: Statement, resource: str, ctx: Context, variables: bool) -> bool:
    """``resource`` is covered by Resource, or not excluded by NotResource. A statement with
    neither (a trust policy's) applies to its implicit resource, the role."""
    raw = st.resources
    if raw is None:
        return True
    compiled = st._resources
    if compiled is None:
        # Entries without wildcards or variables compare by equality (ARNs are
        # case-sensitive); the others are compiled only when an equality test fails.
        joined = "\0".join(raw)
        if "*" in joined or "?" in joined or "$" in joined:
            literal = tuple([r for r in raw if "*" not in r and "?" not in r and "$" not in r])
        else:
            literal = raw
        compiled = st._resources = [literal, None]
    literal = compiled[0]
    if resource in literal:
        return not st.not_resource
    if len(literal) == len(raw):
        return st.not_resource
    patterns = compiled[1]
    if patterns is None:
        patterns = compiled[1] = tuple([compile_resource(r, variables) for r in raw if r not in literal])
    hit = False
    for p in patterns:
        if p.match(resource, ctx):
            hit = True
            break
    return hit != st.not_resource


def conditions_hold(st: Statement, ctx: Context, variables: bool) -> bool:
    """Every condition of the statement holds (conditions AND together)."""
    conditions = st.conditions
    if not conditions:
        return True
    compiled = st._conditions
    if compiled is None:
        compiled = st._conditions = [None] * len(conditions)
    # Conditions AND together: each is compiled when first reached, so a statement whose first
    # condition fails never compiles the others.
    for i, c in enumerate(compiled):
        if c is None:
            c = compiled[i] = CompiledCondition.compile(conditions[i], variables)
        if not c.holds(ctx):
            return False
    return True
