"""Write notebooks/corpus.ipynb (without outputs): ``python scripts/make_corpus_notebook.py``.

The notebook reads a ``bitext batch`` output folder (``$BITEXT_BATCH_DIR``, else
``benchmarks/finlex-batch``): discrepancies by kind and by year, the worst documents, two
plots. tests/test_batch.py executes it on a small batch.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the seed notebook's script, beside this one
from make_notebook import notebook, write  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "notebooks" / "corpus.ipynb"

CELLS = [
    new_markdown_cell(
        "# A corpus at a time: how consistent are the two language versions?\n\n"
        "Reads the output of `bitext batch INPUT… -o OUTDIR`: `summary.json` (one record per pair) and each "
        "pair's `report.json` (its findings). Set `BITEXT_BATCH_DIR` to the folder; Finlex ids "
        "(`asdYYYYNNNN`) give the year, and `INDEX.tsv` of the shared Finlex batch, when present, the titles."
    ),
    new_code_cell(
        "import json, os, re\n"
        "from pathlib import Path\n\n"
        "import pandas as pd\n\n"
        "BATCH = Path(os.environ.get('BITEXT_BATCH_DIR', 'benchmarks/finlex-batch'))\n"
        "if not BATCH.is_absolute() and not BATCH.exists() and (Path('..') / BATCH).exists():\n"
        "    BATCH = Path('..') / BATCH  # opened from notebooks/\n"
        "summary = json.loads((BATCH / 'summary.json').read_text(encoding='utf-8'))\n"
        "pairs = pd.json_normalize(summary['pairs']).rename(\n"
        "    columns={'counts.error': 'errors', 'counts.warning': 'warnings', 'counts.info': 'infos'})\n"
        "pairs['year'] = pairs['name'].str.extract(r'asd(\\d{4})\\d+', expand=False).astype('Int64')\n"
        "index = Path(os.environ.get('FINLEX_INDEX', '../shared/data/finlex/batch/INDEX.tsv'))\n"
        "if not index.exists() and (Path('..') / index).exists():\n"
        "    index = Path('..') / index\n"
        "if index.exists():\n"
        "    titles = pd.read_csv(index, sep='\\t', usecols=['id', 'fi_title'])\n"
        "    pairs = pairs.merge(titles.rename(columns={'id': 'name', 'fi_title': 'title'}), on='name', how='left')\n"
        "else:\n"
        "    pairs['title'] = None\n"
        "pairs['findings'] = pairs[['errors', 'warnings', 'infos']].sum(axis=1)\n"
        "pd.Series({'pairs': len(pairs), 'checked': int((pairs.status == 'ok').sum()),\n"
        "           'could not be checked': int((pairs.status == 'error').sum()), 'pass the gate': int(pairs.passed.sum()),\n"
        "           'files without a partner': len(summary['unpaired']), 'rows': int(pairs.rows.sum())})"
    ),
    new_markdown_cell(
        "## Findings by kind\n\nOne row per finding, read from each pair's `report.json` (only the kind and "
        "severity are kept, so a large corpus fits in memory)."
    ),
    new_code_cell(
        "records = []\n"
        "for p in summary['pairs']:\n"
        "    if p['status'] == 'ok':\n"
        "        report = json.loads((BATCH / p['report']).read_text(encoding='utf-8'))\n"
        "        records += [(p['name'], f['kind'], f['severity']) for f in report['findings']]\n"
        "findings = pd.DataFrame(records, columns=['name', 'kind', 'severity'])\n"
        "findings['severity'] = pd.Categorical(findings['severity'], ['error', 'warning', 'info'], ordered=True)\n"
        "by_kind = findings.pivot_table(index='kind', columns='severity', values='name', aggfunc='count', observed=False, fill_value=0)\n"
        "by_kind['pairs'] = findings.groupby('kind')['name'].nunique()\n"
        "by_kind.sort_values('pairs', ascending=False)"
    ),
    new_markdown_cell("## By year\n\nFindings per checked pair, by the statute's year and the kind of finding."),
    new_code_cell(
        "import matplotlib.pyplot as plt\n\n"
        "dated = findings.merge(pairs[['name', 'year']], on='name')\n"
        "per_year = dated.pivot_table(index='year', columns='kind', values='name', aggfunc='count', fill_value=0)\n"
        "checked = pairs[pairs.status == 'ok'].groupby('year').size()\n"
        "per_pair = per_year.div(checked.reindex(per_year.index), axis=0)\n"
        "if len(per_pair):\n"
        "    ax = per_pair.plot.bar(stacked=True, figsize=(9, 4))\n"
        "    ax.set_ylabel('findings per checked pair'); ax.set_title('Findings by year and kind')\n"
        "    ax.legend(fontsize=7, ncol=2)\n"
        "    plt.show()\n"
        "pd.DataFrame({'pairs checked': checked, 'findings': per_year.sum(axis=1)}).fillna(0).astype(int)"
    ),
    new_markdown_cell(
        "## The worst documents\n\nMost errors, then warnings; the size in rows shows whether a document is "
        "bad or just long. Each `report` is the pair's own HTML report."
    ),
    new_code_cell(
        "worst = pairs[pairs.status == 'ok'].sort_values(['errors', 'warnings', 'infos', 'name'], ascending=[False, False, False, True])\n"
        "worst[['name', 'year', 'title', 'errors', 'warnings', 'infos', 'issues', 'rows', 'html']].head(15)"
    ),
    new_code_cell(
        "ok = pairs[pairs.status == 'ok']\n"
        "fig, ax = plt.subplots(figsize=(6, 4))\n"
        "ax.scatter(ok['rows'], ok['errors'] + ok['warnings'], alpha=0.6)\n"
        "ax.set_xscale('symlog'); ax.set_yscale('symlog')\n"
        "ax.set_xlabel('table rows (both versions)'); ax.set_ylabel('errors + warnings')\n"
        "ax.set_title('Findings against document size')\n"
        "plt.show()"
    ),
    new_markdown_cell("## Pairs that could not be checked, and files without a partner"),
    new_code_cell(
        "display(pairs.loc[pairs.status == 'error', ['name', 'error']])\n"
        "pd.DataFrame(summary['unpaired'], columns=['path', 'reason'])"
    ),
]


def build() -> nbformat.NotebookNode:
    return notebook(CELLS)


if __name__ == "__main__":
    write(build(), TARGET)
    print(f"wrote {TARGET}")
