"""What a reader sees of a rendered chart, and the rules it must satisfy (tests/test_browser.py).

``PROBE`` runs in the page for one ``div.vl-chart`` and returns what the SVG shows: each axis's
tick labels in drawing order, every visible text with its box, the size of the SVG a reader
sees (its box cut to the chart's element and to the window: an SVG wider than a phone hides its
right part, and a title there is cut off), and every
tooltip the chart's marks carry (read from Vega's scenegraph, so no hovering is needed: a tooltip
is encoded on every item, shown or not). ``reader_problems`` turns a probe into sentences naming
the chart and what is wrong; the rules are plain Python, unit-tested on made-up probes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PHASES = ("Election", "Post-election", "Midterm", "Pre-election")
# Words a tooltip must never show: a field that did not resolve, or a number that did not exist.
BAD_TIP = re.compile(r"\b(undefined|null|NaN|None)\b")
# Pixels two text boxes may share before they count as overlapping (anti-aliasing, kerning).
TOLERANCE = 1.0
# Pixels between two labels side by side on one axis: less reads as one word ("Dec 28Jan 11").
LABEL_GAP = 2.0

PROBE = """el => {
  const svg = el.querySelector('svg');
  const root = svg.getBoundingClientRect();
  const holder = el.getBoundingClientRect();
  // What a reader sees of the SVG: cut to the chart's element and to the window.
  const shown = {w: Math.min(root.width, holder.right - root.x,
                             document.documentElement.clientWidth - root.x),
                 h: root.height};
  const seen = node => {
    for (let a = node; a && a !== svg; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (parseFloat(style.opacity) === 0 || style.display === 'none'
          || a.getAttribute('opacity') === '0' || a.getAttribute('fill-opacity') === '0') {
        return false;
      }
    }
    return true;
  };
  const box = node => {
    const r = node.getBoundingClientRect();
    return {x: r.x - root.x, y: r.y - root.y, w: r.width, h: r.height};
  };
  const role = node => {
    const group = node.closest('g[class*="role-"]');
    const match = group && group.getAttribute('class').match(/role-([a-z-]+)/);
    return match ? match[1] : '';
  };
  const texts = [...svg.querySelectorAll('text')]
    .filter(t => t.textContent.trim() !== '' && seen(t))
    .map(t => ({text: t.textContent, role: role(t), box: box(t)}));
  const axes = [...svg.querySelectorAll('g.role-axis')].map(axis => ({
    title: [...axis.querySelectorAll('g.role-axis-title text')].map(t => t.textContent).join(' '),
    labels: [...axis.querySelectorAll('g.role-axis-label text')]
      .filter(seen).map(t => t.textContent),
    boxes: [...axis.querySelectorAll('g.role-axis-label text')]
      .filter(t => seen(t) && t.textContent !== '').map(box),
  }));
  const tips = [];
  const walk = node => {
    if (!node || typeof node !== 'object') return;
    if (node.tooltip !== undefined && node.tooltip !== null) {
      const tip = node.tooltip;
      const mark = node.mark && node.mark.name ? node.mark.name + ' ' : '';
      tips.push(mark + (typeof tip === 'object'
        ? Object.keys(tip).map(k => k + ': ' + String(tip[k])).join('; ')
        : String(tip)));
    }
    (node.items || []).forEach(walk);
  };
  walk(el._vlResult.view.scenegraph().root);
  return {spec: el.dataset.spec.split('/').pop().replace('.vl.json', ''),
          size: shown, texts, axes, tips};
}"""


def _natural(labels: Sequence[str], order: Sequence[str]) -> bool:
    """Whether ``labels`` (all of them names in ``order``) come in that order."""
    places = [order.index(label) for label in labels]
    return places == sorted(places)


def axis_problems(chart: str, axis: Mapping[str, Any]) -> list[str]:
    """An axis's ordinal labels out of their natural order, or a tick label shown twice."""
    labels = [label for label in axis["labels"] if label]  # an unlabelled tick shows nothing
    where = f"{chart}: axis {axis['title']!r}"
    out = []
    for order in (MONTHS, PHASES):
        if labels and all(label in order for label in labels) and not _natural(labels, order):
            out.append(f"{where} labels out of order: {labels}")
    years = [int(label) for label in labels if label.isdigit()]
    if labels and len(years) == len(labels) and years not in (sorted(years), sorted(years)[::-1]):
        out.append(f"{where} years out of order: {labels}")
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        out.append(f"{where} repeats tick labels {repeated}: {labels}")
    out += _crowded(where, axis.get("boxes", []), labels)
    return out


def _crowded(where: str, boxes: Sequence[Mapping[str, float]], labels: Sequence[str]) -> list[str]:
    """Neighbouring labels on one row (a horizontal axis) closer than ``LABEL_GAP``."""
    row = sorted(
        (b for b in boxes if abs(b["y"] - boxes[0]["y"]) < TOLERANCE), key=lambda b: b["x"]
    )
    if len(row) < len(boxes) or len(row) < 2:  # a vertical axis: its labels stand in a column
        return []
    gaps = [b["x"] - (a["x"] + a["w"]) for a, b in zip(row, row[1:], strict=False)]
    if min(gaps) < LABEL_GAP:
        return [f"{where} labels touch (a gap of {min(gaps):.1f} px): {list(labels)}"]
    return []


def _overlap(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    dx = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
    dy = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
    return dx > TOLERANCE and dy > TOLERANCE


def text_problems(
    chart: str, texts: Sequence[Mapping[str, Any]], size: Mapping[str, float]
) -> list[str]:
    """Texts that overlap, are cut short ("…") or reach outside the chart's SVG."""
    out = []
    for i, a in enumerate(texts):
        if a["text"].endswith("…"):
            out.append(f"{chart}: {a['role']} text truncated: {a['text']!r}")
        box = a["box"]
        if (box["x"] < -TOLERANCE or box["y"] < -TOLERANCE
                or box["x"] + box["w"] > size["w"] + TOLERANCE
                or box["y"] + box["h"] > size["h"] + TOLERANCE):  # fmt: skip
            out.append(f"{chart}: {a['role']} text {a['text']!r} reaches outside the chart")
        for b in texts[i + 1 :]:
            if _overlap(a["box"], b["box"]):
                out.append(
                    f"{chart}: {a['role']} text {a['text']!r} overlaps "
                    f"{b['role']} text {b['text']!r}"
                )
    return out


def tooltip_problems(chart: str, tips: Sequence[str]) -> list[str]:
    """Tooltips showing a value that did not resolve (first three, and how many)."""
    bad = [tip for tip in tips if BAD_TIP.search(tip)]
    if not bad:
        return []
    return [f"{chart}: {len(bad)} tooltips show a missing value, e.g. {bad[:3]}"]


def reader_problems(probe: Mapping[str, Any]) -> list[str]:
    """Everything a reader would see wrong in one probed chart."""
    chart = probe["spec"]
    out = [p for axis in probe["axes"] for p in axis_problems(chart, axis)]
    out += text_problems(chart, probe["texts"], probe["size"])
    out += tooltip_problems(chart, probe["tips"])
    if not probe["tips"]:
        out.append(f"{chart}: no mark carries a tooltip")
    return out
