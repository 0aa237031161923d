"""Render the report's index.html with jinja2: one self-contained page (inline CSS, local PNGs, nothing fetched)."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from report.sections import Conditions, Section, Table


@dataclass(frozen=True, slots=True)
class Overview:
    database: str
    generated_at: str
    papers: int
    natural_science: int
    analysed: int
    conditions: Conditions


# Kept in the module (not a package-data file) so an installed ptmreuse always finds it.
TEMPLATE = """{% macro render_table(t) %}
<table>
  {% if t.caption %}<caption>{{ t.caption }}</caption>{% endif %}
  <thead><tr>{% for c in t.columns %}<th>{{ c }}</th>{% endfor %}</tr></thead>
  <tbody>{% for row in t.rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table>
{% endmacro -%}
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>ptmreuse report — pre-trained model reuse in natural science</title>
<style>
  body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a202c; margin: 0;
         background: #f7fafc; }
  header, main { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
  header { padding-top: 24px; }
  h1 { font-size: 26px; margin: 0 0 4px; }
  h2 { font-size: 20px; margin: 0 0 8px; }
  .letter { display: inline-block; min-width: 1.6em; padding: 1px 6px; margin-right: 6px; border-radius: 4px;
            background: #2b6cb0; color: white; text-align: center; font-size: 15px; }
  .meta { color: #4a5568; margin: 0 0 12px; }
  nav { margin: 8px 0 16px; } nav a { margin-right: 12px; color: #2b6cb0; white-space: nowrap; }
  section { background: white; border: 1px solid #e2e8f0; border-radius: 8px; padding: 18px 20px;
            margin: 0 0 22px; }
  figure { margin: 0; } img { max-width: 100%; height: auto; display: block; }
  figcaption { margin-top: 10px; }
  dl.conditions { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 0;
                  font-size: 14px; color: #2d3748; }
  dl.conditions dt { font-weight: 600; } dl.conditions dd { margin: 0; }
  .nodata { display: inline-block; background: #fefcbf; border: 1px solid #ecc94b; border-radius: 4px;
            padding: 2px 8px; margin-bottom: 8px; }
  table { border-collapse: collapse; margin-top: 12px; font-size: 13px; }
  th, td { border: 1px solid #e2e8f0; padding: 3px 8px; text-align: left; }
  th { background: #edf2f7; }
  caption { text-align: left; color: #4a5568; padding-bottom: 4px; white-space: nowrap; }
  code { background: #edf2f7; padding: 0 3px; border-radius: 3px; }
</style>
</head>
<body>
<header>
  <h1>Pre-trained model reuse in natural-science papers</h1>
  <p class="meta">Warehouse <code>{{ overview.database }}</code> · generated {{ overview.generated_at }} ·
    {{ "{:,}".format(overview.papers) }} papers, {{ "{:,}".format(overview.natural_science) }} natural science in the
    year window, {{ "{:,}".format(overview.analysed) }} of them analysed.
    Letters (Q–X) refer to the figures of the 2026 study this project replicates.</p>
  <dl class="conditions" id="run-conditions">
    <dt>Natural-science rule</dt><dd>{{ overview.conditions.rule }}</dd>
    <dt>Years</dt><dd>{{ overview.conditions.years }}</dd>
    <dt>Papers without a field</dt><dd class="fields">{{ overview.conditions.fields }}</dd>
    <dt>Run configuration</dt><dd><code>{{ overview.conditions.run }}</code></dd>
  </dl>
  <nav>{% for s in sections %}<a href="#{{ s.anchor }}">{{ s.title }}</a> {% endfor %}
    <a href="#agreement">Classifier agreement</a></nav>
</header>
<main>
{% for s in sections %}
<section id="{{ s.anchor }}">
  <h2>{% if s.study_figure %}<span class="letter">{{ s.study_figure }}</span>{% endif %}{{ s.title }}</h2>
  {% if not s.has_data %}<p class="nodata">No data yet for this figure: each empty panel says why.</p>{% endif %}
  <figure>
    <img src="{{ s.image }}" alt="{{ s.title }}">
    <figcaption>
      {{ s.shows }}
      <dl class="conditions">
        <dt>Denominator</dt><dd class="denominator">{{ s.denominator }}</dd>
        <dt>Natural-science rule</dt><dd class="rule">{{ s.conditions.rule }}</dd>
        <dt>Counting</dt><dd class="counting">{{ s.conditions.counting }}</dd>
        <dt>Years</dt><dd>{{ s.conditions.years }}</dd>
        <dt>Papers without a field</dt><dd class="fields">{{ s.conditions.fields }}</dd>
        <dt>Run configuration</dt><dd class="run"><code>{{ s.conditions.run }}</code></dd>
        <dt>Source</dt><dd><code>{{ s.source }}</code></dd>
      </dl>
    </figcaption>
  </figure>
  {% for t in s.tables %}{{ render_table(t) }}{% endfor %}
</section>
{% endfor %}
<section id="agreement">
  <h2>Classifier agreement with gold labels</h2>
  {% if agreement is none %}
  <p class="nodata">Not evaluated yet: run <code>ptmreuse eval</code> to write <code>marts.classifier_agreement</code>.
  </p>
  {% elif not agreement %}
  <p class="nodata">marts.classifier_agreement has no rows.</p>
  {% else %}
  <p>Agreement of each classifier run configuration with gold labels (Cohen's κ, precision, recall, F1, … with 95%
    bootstrap intervals over papers), from <code>marts.classifier_agreement</code>. PTMs are scored entry by entry,
    matched one-to-one per paper. The reference set is split once into a tuning set and a frozen test set; judge a
    classifier on the frozen one. <strong>Caveat: reference labels are LLM-assisted, not human</strong>; the study's
    human labels are the <code>aius</code> set.</p>
  {% for t in agreement %}{{ render_table(t) }}{% endfor %}
  {% endif %}
</section>
</main>
</body>
</html>
"""


def render(overview: Overview, sections: list[Section], agreement: list[Table] | None) -> str:
    # autoescape: titles, PTM names and run ids come from papers and users, never trusted as HTML
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return environment.from_string(TEMPLATE).render(overview=overview, sections=sections, agreement=agreement)
