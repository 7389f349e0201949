#!/usr/bin/env bash
# Checks that every Tasklane metric named in the Grafana dashboards and the Prometheus alert rules
# is registered by the Java sources, with the right meter type.
#
#   ops/check-dashboard.sh [file ...]     # default: ops/grafana/dashboards/*.json ops/prometheus/alerts.yml
#
# Prometheus names are mapped back to Micrometer names: counters end in _total, timers in
# _seconds_{count,sum,max,bucket}, gauges have no suffix, and Micrometer's dots become underscores.
# Timer buckets (_bucket) exist only when the timer publishes a histogram: either in code
# (publishPercentileHistogram) or by management.metrics.distribution.percentiles-histogram.<name>,
# which must then be set in docker-compose.yml and in the Kubernetes base.
# Exit status: 0 when every name is known, 1 otherwise.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ "$#" -eq 0 ]; then
  set -- ops/grafana/dashboards/*.json ops/prometheus/alerts.yml
fi

exec python3 - "$@" <<'PY'
import glob
import json
import re
import sys

# --- meters registered in the Java sources -------------------------------------------------
sources = [
    p for p in glob.glob("*/src/main/java/**/*.java", recursive=True)
]
LITERAL = r'"((?:[^"\\]|\\.)*)"'
BUILDER = re.compile(
    r"\b(Counter|FunctionCounter|Timer|FunctionTimer|LongTaskTimer|Gauge|TimeGauge|"
    r"DistributionSummary)\s*\.\s*builder\s*\(\s*" + LITERAL + r"(\s*\+)?",
    re.S,
)
SHORTHAND = re.compile(
    r"\.\s*(counter|timer|gauge|summary|more\s*\(\s*\)\s*\.\s*longTaskTimer)\s*\(\s*"
    + LITERAL + r"(\s*\+)?",
    re.S,
)
TIMED = re.compile(r"@Timed\s*\(\s*(?:value\s*=\s*)?" + LITERAL, re.S)
KIND = {
    "Counter": "counter", "FunctionCounter": "counter", "counter": "counter",
    "Timer": "timer", "FunctionTimer": "timer", "timer": "timer",
    "LongTaskTimer": "longtask",
    "Gauge": "gauge", "TimeGauge": "gauge", "gauge": "gauge",
    "DistributionSummary": "summary", "summary": "summary",
}

meters = {}  # micrometer name -> {"kind": ..., "histogram": bool, "file": ...}
base_units = []


def add(name, kind, path, text, start):
    # a histogram published in code: publishPercentileHistogram() in the same builder chain
    chain = text[start:text.find(";", start)]
    histogram = "publishPercentileHistogram" in chain
    meters.setdefault(name, {"kind": kind, "histogram": histogram, "file": path})


for path in sources:
    text = open(path, encoding="utf-8").read()
    if "baseUnit(" in text:
        base_units.append(path)
    literals = set(re.findall(LITERAL, text))
    found = [(m.group(1), m.group(2), m.group(3), m.start()) for m in BUILDER.finditer(text)]
    for m in SHORTHAND.finditer(text):
        kind = "longtask" if "longTaskTimer" in m.group(1) else m.group(1)
        found.append((kind, m.group(2), m.group(3), m.start()))
    for m in TIMED.finditer(text):
        found.append(("timer", m.group(1), None, m.start()))
    for kind, name, concatenated, start in found:
        kind = KIND.get(kind, kind)
        if not name.startswith("tasklane."):
            continue
        if concatenated:
            # "tasklane.tasks." + status: the suffixes are string literals of the same file
            for suffix in literals:
                if re.fullmatch(r"[a-z][a-z0-9_]*", suffix):
                    add(name + suffix, kind + "?", path, text, start)
        else:
            add(name, kind, path, text, start)

SUFFIXES = {
    "counter": ["_total"],
    "timer": ["_seconds_count", "_seconds_sum", "_seconds_max", "_seconds_bucket"],
    "longtask": ["_seconds_active_count", "_seconds_duration_sum", "_seconds_max"],
    "summary": ["_count", "_sum", "_max", "_bucket"],
    "gauge": [""],
}
# The Prometheus client strips the suffixes OpenMetrics reserves from a meter's name before it adds
# its own: a counter "tasklane.tasks.created" is exported as tasklane_tasks_total.
RESERVED = (".total", ".created", ".bucket", ".info")
problems = []
prometheus = {}  # prometheus name -> micrometer name
for name, meter in meters.items():
    kind = meter["kind"].rstrip("?")
    if name.endswith(RESERVED):
        problems.append(
            f"{meter['file']}: meter {name} ends in a suffix OpenMetrics reserves; "
            "Prometheus would export it under another name"
        )
    for suffix in SUFFIXES[kind]:
        prometheus[name.replace(".", "_") + suffix] = name

# --- where histogram buckets are switched on by configuration ------------------------------
config_text = ""
for path in ["docker-compose.yml"]:
    try:
        config_text += open(path, encoding="utf-8").read()
    except FileNotFoundError:
        pass
k8s_text = ""
for path in glob.glob("k8s/base/**/*.yaml", recursive=True) + glob.glob("k8s/base/**/*.properties", recursive=True):
    k8s_text += open(path, encoding="utf-8").read()


def histogram_configured(name, text):
    env = "MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_" + re.sub(r"[._]", "_", name).upper()
    prop = "management.metrics.distribution.percentiles-histogram." + name
    return env in text or prop in text


# --- names used by the dashboards and rules ------------------------------------------------
USED = re.compile(r"\btasklane_[a-z0-9_]*[a-z0-9]\b")
used_total = set()
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    if path.endswith(".json"):
        dashboard = json.loads(text)
        exprs = []

        def walk(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("expr", "query", "definition") and isinstance(value, str):
                        exprs.append(value)
                    else:
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(dashboard)
        text = "\n".join(exprs)
        if not exprs:
            problems.append(f"{path}: no queries found")
    used = sorted(set(USED.findall(text)))
    used_total.update(used)
    for metric in used:
        name = prometheus.get(metric)
        if name is None:
            problems.append(f"{path}: {metric} is not registered by any Java meter")
            continue
        if metric.endswith("_bucket") and not meters[name]["histogram"]:
            for where, cfg in (("docker-compose.yml", config_text), ("k8s/base", k8s_text)):
                if not histogram_configured(name, cfg):
                    problems.append(
                        f"{path}: {metric} needs histogram buckets for {name}; set "
                        f"management.metrics.distribution.percentiles-histogram.{name}=true in {where}"
                    )
    print(f"{path}: {len(used)} metric names")

print(f"{len(meters)} Tasklane meters in the Java sources, {len(used_total)} names used")
unused = sorted(
    n for n in meters
    if not any(prometheus.get(u) == n for u in used_total) and not meters[n]["kind"].endswith("?")
)
if unused:
    print("not on any dashboard or rule: " + ", ".join(unused))
if base_units:
    print("note: baseUnit(...) is used in " + ", ".join(base_units)
          + "; such meters get the unit in their Prometheus name")
for problem in problems:
    print("ERROR " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
