"""prefect.yaml, checked more strictly than `prefect deploy` checks it.

`prefect deploy` ignores unknown keys (a misspelt `shedules:` deploys an unscheduled deployment
without a word), loads a flow it cannot import as a placeholder, and accepts parameters that
fail only when a run starts. `check_prefect_yaml` reports all of these:

- unknown keys at every level; the allowed keys are read from the models `prefect deploy` itself
  parses prefect.yaml with (prefect.cli.deploy._models), with a copy below if that private module
  moves;
- steps that are not a single importable callable; template placeholders left unresolved after
  the project's own build steps (factcheck.*) have run, e.g. {{ factcheck.timezone }};
- schedules: exactly one of cron/interval/rrule, a cron string Prefect accepts, an IANA timezone;
- entrypoints that cannot be imported (no placeholder fallback), deployment names that repeat;
- parameters that the flow does not have or whose values its signature rejects, and required
  parameters missing from a scheduled deployment;
- concurrency limits that are not positive integers.
"""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PREFECT_YAML = ROOT / "prefect.yaml"

# Used only when Prefect's own models cannot be imported (they are private and may move).
FALLBACK_KEYS = {
    "top": {"prefect-version", "prefect_version", "name", "build", "push", "pull", "deployments"},
    "deployment": {
        "name", "version", "version_type", "tags", "description", "schedule", "schedules", "paused",
        "concurrency_limit", "flow_name", "entrypoint", "parameters", "enforce_parameter_schema",
        "build", "push", "pull", "work_pool", "triggers", "sla",
    },
    "work_pool": {"name", "work_queue_name", "job_variables"},
    "schedule": {"cron", "interval", "rrule", "timezone", "anchor_date", "active", "parameters", "slug", "replaces", "day_or"},
    "concurrency_limit": {"limit", "collision_strategy", "grace_period_seconds"},
}


def _field_names(model: Any) -> set[str]:
    names = set()
    for name, info in model.model_fields.items():
        names.add(name)
        if info.alias:
            names.add(info.alias)
    return names


def allowed_keys() -> dict[str, set[str]]:
    try:
        from prefect.cli.deploy import _models as models
    except ImportError:  # pragma: no cover - a Prefect that moved its private models
        return FALLBACK_KEYS
    return {
        "top": _field_names(models.PrefectYamlModel),
        "deployment": _field_names(models.DeploymentConfig),
        "work_pool": _field_names(models.WorkPoolConfig),
        "schedule": _field_names(models.RawScheduleConfig),
        "concurrency_limit": _field_names(models.ConcurrencyLimitSpec),
    }


def _unknown(where: str, data: dict, allowed: set[str]) -> list[str]:
    return [f"{where}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})" for key in data if key not in allowed]


def _check_steps(where: str, steps: Any, outputs: dict[str, Any] | None) -> list[str]:
    """Each step is {importable.function: {inputs}}; the project's own steps are run for their outputs."""
    from prefect.utilities.importtools import import_object

    if steps is None:
        return []
    if isinstance(steps, dict):
        steps = [steps] if steps else []
    if not isinstance(steps, list):
        return [f"{where}: must be a list of steps"]
    errors = []
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or len(step) != 1:
            errors.append(f"{where} step {number}: must be a mapping with exactly one key (the step function)")
            continue
        ((fqn, inputs),) = step.items()
        inputs = dict(inputs or {})
        try:
            function = import_object(fqn)
        except Exception as exc:
            errors.append(f"{where} step {number}: {fqn!r} cannot be imported ({type(exc).__name__}: {exc})")
            continue
        if not callable(function):
            errors.append(f"{where} step {number}: {fqn!r} is not callable")
            continue
        if outputs is not None and fqn.startswith("factcheck."):
            step_id = inputs.pop("id", None)
            inputs.pop("requires", None)
            try:
                result = function(**inputs)
            except Exception as exc:
                errors.append(f"{where} step {number}: {fqn} failed: {exc}")
                continue
            if isinstance(result, dict):
                if step_id:
                    outputs[step_id] = result
                outputs.update(result)
    return errors


def _resolve(where: str, value: Any, outputs: dict[str, Any]) -> tuple[Any, list[str]]:
    from prefect.utilities.templating import apply_values, find_placeholders

    resolved = apply_values(value, outputs, remove_notset=False)
    left = sorted(p.full_match for p in find_placeholders(resolved))
    return resolved, [f"{where}: placeholder {p} cannot be resolved when deploying" for p in left]


def _check_schedule(where: str, schedule: Any, keys: set[str]) -> list[str]:
    if not isinstance(schedule, dict):
        return [f"{where}: must be a mapping"]
    errors = _unknown(where, schedule, keys)
    kinds = [k for k in ("cron", "interval", "rrule") if schedule.get(k) is not None]
    if len(kinds) != 1:
        errors.append(f"{where}: exactly one of cron, interval or rrule is needed (found: {', '.join(kinds) or 'none'})")
    timezone = schedule.get("timezone")
    if timezone is not None:
        try:
            if not isinstance(timezone, str) or not timezone:
                raise ValueError
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            errors.append(f"{where}: timezone {timezone!r} is not an IANA timezone")
            timezone = None
    if "cron" in kinds:
        from prefect.client.schemas.schedules import CronSchedule

        try:
            CronSchedule(cron=schedule["cron"], timezone=timezone, day_or=schedule.get("day_or", True))
        except Exception as exc:
            errors.append(f"{where}: cron {schedule['cron']!r} is not valid: {str(exc).splitlines()[-1].strip()}")
    return errors


def _check_parameters(where: str, flow: Any, parameters: Any, scheduled: bool) -> list[str]:
    if not isinstance(parameters, dict):
        return [f"{where}: parameters must be a mapping"]
    signature = inspect.signature(flow.fn)
    names = set(signature.parameters)
    errors = [f"{where}: flow {flow.name!r} has no parameter {name!r} (it has: {', '.join(sorted(names)) or 'none'})"
              for name in parameters if name not in names]
    if errors:
        return errors
    required = [n for n, p in signature.parameters.items() if p.default is inspect.Parameter.empty]
    missing = [n for n in required if n not in parameters]
    if missing and scheduled:
        errors.append(f"{where}: scheduled runs would lack the required parameter(s) {', '.join(missing)}")
    if not missing:
        try:
            flow.validate_parameters(parameters)
        except Exception as exc:
            errors.append(f"{where}: parameters rejected by flow {flow.name!r}: {exc}")
    return errors


def check_prefect_yaml(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Errors found in a prefect.yaml, and its deployments with templates resolved."""
    from prefect.flows import load_flow_from_entrypoint

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return [f"{path}: not valid YAML: {exc}"], []
    if not isinstance(data, dict):
        return [f"{path}: must be a mapping"], []
    keys = allowed_keys()
    errors = _unknown("top level", data, keys["top"])
    outputs: dict[str, Any] = {}
    errors += _check_steps("build", data.get("build"), outputs)
    errors += _check_steps("push", data.get("push"), outputs)
    errors += _check_steps("pull", data.get("pull"), None)  # pull steps run on the worker, at run time

    deployments = data.get("deployments")
    if not isinstance(deployments, list) or not deployments:
        return errors + ["deployments: a non-empty list is needed"], []
    resolved_all = []
    seen: set[str] = set()
    for number, raw in enumerate(deployments, start=1):
        if not isinstance(raw, dict):
            errors.append(f"deployment {number}: must be a mapping")
            continue
        name = raw.get("name")
        where = f"deployment {name or number!r}"
        errors += _unknown(where, raw, keys["deployment"])
        if not isinstance(name, str) or not name:
            errors.append(f"{where}: a name is needed")
        elif name in seen:
            errors.append(f"{where}: the name repeats")
        seen.add(str(name))
        for action in ("build", "push", "pull"):
            if action in raw:
                errors += _check_steps(f"{where} {action}", raw[action], None)
        if "schedule" in raw:
            errors.append(f"{where}: 'schedule' is deprecated; use a 'schedules' list")
        deployment, unresolved = _resolve(where, {k: v for k, v in raw.items() if k not in ("build", "push", "pull")}, outputs)
        errors += unresolved
        resolved_all.append(deployment)

        work_pool = deployment.get("work_pool")
        if work_pool is not None:
            if not isinstance(work_pool, dict):
                errors.append(f"{where}: work_pool must be a mapping")
            else:
                errors += _unknown(f"{where} work_pool", work_pool, keys["work_pool"])
                if not isinstance(work_pool.get("name"), str):
                    errors.append(f"{where}: work_pool needs a name")

        schedules = deployment.get("schedules") or []
        if not isinstance(schedules, list):
            errors.append(f"{where}: schedules must be a list")
            schedules = []
        for index, schedule in enumerate(schedules, start=1):
            errors += _check_schedule(f"{where} schedule {index}", schedule, keys["schedule"])

        limit = deployment.get("concurrency_limit")
        if isinstance(limit, dict):
            errors += _unknown(f"{where} concurrency_limit", limit, keys["concurrency_limit"])
            limit = limit.get("limit")
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
            errors.append(f"{where}: concurrency_limit must be a positive integer, not {limit!r}")

        entrypoint = deployment.get("entrypoint")
        if not isinstance(entrypoint, str) or not entrypoint:
            errors.append(f"{where}: an entrypoint is needed")
            continue
        target = entrypoint
        if ".py:" in entrypoint:
            file_part, function = entrypoint.rsplit(":", 1)
            target = f"{(path.parent / file_part)}:{function}"
        try:
            flow = load_flow_from_entrypoint(target, use_placeholder_flow=False)
        except Exception as exc:
            errors.append(f"{where}: entrypoint {entrypoint!r} cannot be imported ({type(exc).__name__}: {exc})")
            continue
        parameters = deployment.get("parameters") or {}
        errors += _check_parameters(where, flow, parameters, scheduled=False)
        for index, schedule in enumerate(schedules, start=1):
            if isinstance(schedule, dict):
                merged = {**parameters, **(schedule.get("parameters") or {})}
                errors += _check_parameters(f"{where} schedule {index}", flow, merged, scheduled=True)
    return errors, resolved_all


# --- the project's prefect.yaml -------------------------------------------------------------------


def test_the_projects_prefect_yaml_passes_the_strict_check():
    errors, deployments = check_prefect_yaml(PREFECT_YAML)
    assert errors == []
    assert [d["name"] for d in deployments] == ["nightly", "manual", "reanalyze"]


def test_prefect_yaml_and_factcheck_serve_define_the_same_deployments():
    from factcheck.flows.ops.serve import SPECS

    _errors, deployments = check_prefect_yaml(PREFECT_YAML)
    in_yaml = {
        d["name"]: (d["entrypoint"], [s["cron"] for s in d.get("schedules") or []], d.get("concurrency_limit"))
        for d in deployments
    }
    served = {s.name: (s.flow, [s.cron] if s.cron else [], s.concurrency_limit) for s in SPECS}
    assert in_yaml == served


def test_the_nightly_timezone_follows_factcheck_timezone(monkeypatch):
    monkeypatch.delenv("FACTCHECK_TIMEZONE", raising=False)
    _errors, deployments = check_prefect_yaml(PREFECT_YAML)
    assert deployments[0]["schedules"][0] == {"cron": "0 2 * * *", "timezone": "UTC"}

    monkeypatch.setenv("FACTCHECK_TIMEZONE", "Europe/Berlin")
    errors, deployments = check_prefect_yaml(PREFECT_YAML)
    assert errors == [] and deployments[0]["schedules"][0]["timezone"] == "Europe/Berlin"

    monkeypatch.setenv("FACTCHECK_TIMEZONE", "Mars/Olympus_Mons")
    errors, _ = check_prefect_yaml(PREFECT_YAML)
    assert any("Mars/Olympus_Mons" in e and "not a timezone" in e for e in errors)


# --- the checker rejects what `prefect deploy` lets through -------------------------------------


def _variant(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = PREFECT_YAML.read_text(encoding="utf-8")
    assert old in text, old
    copy = tmp_path / "prefect.yaml"
    copy.write_text(text.replace(old, new, count), encoding="utf-8")
    return copy


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    schedules:\n", "    shedules:\n", "unknown key 'shedules'"),
        ("deployments:\n", "deployment:\n", "unknown key 'deployment'"),
        ('      - cron: "0 2 * * *"', '      - cron: "0 25 * * *"', "cron '0 25 * * *' is not valid"),
        ('      - cron: "0 2 * * *"', '      - crn: "0 2 * * *"', "unknown key 'crn'"),
        ('timezone: "{{ factcheck.timezone }}"', 'timezone: "Europe/Atlantis"', "'Europe/Atlantis' is not an IANA timezone"),
        ('timezone: "{{ factcheck.timezone }}"', 'timezone: "{{ factcheck.timezon }}"', "{{ factcheck.timezon }} cannot be resolved"),
        ("entrypoint: factcheck.flows.nightly.nightly", "entrypoint: factcheck.flows.nightly.nigthly", "cannot be imported"),
        ("entrypoint: factcheck.flows.nightly.nightly", "entrypoint: flows/nightlyy.py:nightly", "cannot be imported"),
        ("    parameters: {}\n", "    parameters: {feeds_fil: config/feeds.toml}\n", "has no parameter 'feeds_fil'"),
        ("    parameters: {}\n", "    parameters: {feeds_file: [1, 2]}\n", "parameters rejected by flow 'nightly'"),
        ("    work_pool:\n      name: factcheck\n", "    work_pool:\n      nme: factcheck\n", "unknown key 'nme'"),
        ("    concurrency_limit: 1\n", "    concurrency_limit: 0\n", "positive integer"),
        ("  - factcheck.flows.ops.serve.deploy_settings:", "  - factcheck.flows.ops.serve.deploy_setings:", "cannot be imported"),
        ("  - name: manual\n", "  - name: nightly\n", "the name repeats"),
    ],
)
def test_the_checker_rejects_mistakes_prefect_deploy_accepts(tmp_path, old, new, expected):
    errors, _ = check_prefect_yaml(_variant(tmp_path, old, new))
    assert any(expected in e for e in errors), errors


def test_the_checker_validates_manual_and_reanalyze_parameters(tmp_path):
    text = PREFECT_YAML.read_text(encoding="utf-8")
    manual_block = text.index("  - name: manual")
    reanalyze_block = text.index("  - name: reanalyze")
    good = (
        text[:manual_block]
        + text[manual_block:reanalyze_block].replace("parameters: {}", 'parameters: {outlets: ["Harbour Post"], since: "2026-03-01"}')
        + text[reanalyze_block:].replace("parameters: {}", 'parameters: {since: "2026-02-30"}')
    )
    copy = tmp_path / "prefect.yaml"
    copy.write_text(good, encoding="utf-8")
    errors, _ = check_prefect_yaml(copy)
    assert len(errors) == 1 and "'reanalyze'" in errors[0] and "since" in errors[0]


def test_a_file_path_entrypoint_is_resolved_next_to_the_yaml(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "flows", project / "flows")
    copy = _variant(tmp_path, "entrypoint: factcheck.flows.manual.manual", "entrypoint: flows/manual.py:manual")
    shutil.move(copy, project / "prefect.yaml")
    errors, _ = check_prefect_yaml(project / "prefect.yaml")
    assert errors == []
