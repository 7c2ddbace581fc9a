"""Write notebooks/seed_pair.ipynb (without outputs): ``python scripts/make_notebook.py``.

The notebook is generated so that it stays small and reviewable; tests/test_notebook.py
executes it.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "notebooks" / "seed_pair.ipynb"

CELLS = [
    new_markdown_cell(
        "# The seed pair: Loviisa 2021, Swedish ↔ Finnish\n\n"
        "`bitext.check` aligns the table rows of the two language versions bundled in `data/` "
        "and reports where they disagree. Run from the repository root or from `notebooks/`."
    ),
    new_code_cell(
        "import os\n"
        "from pathlib import Path\n\n"
        "# The data paths are relative to the repository root.\n"
        "if not Path('data/loviisa_2021_sv.txt').exists() and Path('../data/loviisa_2021_sv.txt').exists():\n"
        "    os.chdir('..')\n\n"
        "import bitext\n\n"
        "result = bitext.check('data/loviisa_2021_sv.txt', 'data/loviisa_2021_fi.txt')\n"
        "result.summary()"
    ),
    new_markdown_cell("## Findings\n\nOne row per finding; `sv_line` / `fi_line` are the first lines of the rows in their files."),
    new_code_cell("findings = result.findings_frame()\nfindings[['kind', 'severity', 'sv_line', 'fi_line', 'column', 'message']]"),
    new_markdown_cell("## Alignment\n\nOne row per link: the pair's score and its parts (content, anchors, position)."),
    new_code_cell(
        "alignment = result.alignment_frame()\n"
        "alignment[['sv_line', 'fi_line', 'relation', 'score', 'content', 'anchors', 'position', 'sv_ref', 'fi_ref']]"
    ),
    new_markdown_cell(
        "## Row similarity\n\n"
        "Cosine similarity of every Swedish row with every Finnish row (mean cell embeddings, "
        "centred: e5's raw cosines all sit near 0.9), with the chosen pairs marked. The pairs "
        "follow the diagonal; where a row has look-alikes, the structure (part, table, "
        "position) picks between them."
    ),
    new_code_cell(
        "import matplotlib.pyplot as plt\n"
        "import numpy as np\n\n"
        "measured = result.alignment.measurements\n"
        "def centred(rows):\n"
        "    rows = rows - np.vstack([measured.left.rows, measured.right.rows]).mean(axis=0)\n"
        "    return rows / np.linalg.norm(rows, axis=1, keepdims=True)\n\n"
        "similarity = centred(measured.left.rows) @ centred(measured.right.rows).T\n"
        "pairs = np.array([(measured.left.index[l.left.rowkey], measured.right.index[l.right.rowkey]) for l in result.alignment.links if l.relation == 'match'])\n\n"
        "fig, ax = plt.subplots(figsize=(7, 6))\n"
        "image = ax.imshow(similarity, cmap='viridis', aspect='auto')\n"
        "ax.scatter(pairs[:, 1], pairs[:, 0], s=12, facecolors='none', edgecolors='red', linewidths=0.8, label='chosen pair')\n"
        "ax.set_xlabel('Finnish row'); ax.set_ylabel('Swedish row'); ax.legend(loc='lower left')\n"
        "fig.colorbar(image, ax=ax, label='cosine similarity (centred)')\n"
        "ax.set_title('Loviisa 2021: row similarity, sv × fi')\n"
        "assert similarity.shape == (len(result.alignment.left.rows), len(result.alignment.right.rows))"
    ),
    new_markdown_cell("The score of each link, coloured by the most severe finding on its rows."),
    new_code_cell(
        "colour = {'error': 'tab:red', 'warning': 'tab:orange', 'info': 'tab:blue', None: 'tab:gray'}\n"
        "rank = {'error': 0, 'warning': 1, 'info': 2}\n"
        "worst = {}\n"
        "for f in result.findings:\n"
        "    for row in (f.left, f.right):\n"
        "        if row is not None and rank[f.severity] < rank.get(worst.get(id(row)), 3):\n"
        "            worst[id(row)] = f.severity\n"
        "severity = [min((worst.get(id(r)) for r in (l.left, l.right) if r is not None and id(r) in worst), key=rank.get, default=None)\n"
        "            for l in result.alignment.links]\n"
        "fig, ax = plt.subplots(figsize=(9, 3))\n"
        "ax.bar(range(len(alignment)), alignment.score, color=[colour[s] for s in severity])\n"
        "for s in colour:\n"
        "    ax.bar([0], [0], color=colour[s], label=s or 'no finding')\n"
        "ax.set_xlabel('link (reading order)'); ax.set_ylabel('score'); ax.set_ylim(0, 1.15)\n"
        "ax.legend(ncol=4, loc='upper center', fontsize='small', frameon=False)\n"
        "ax.set_title('Link scores by the most severe finding on the pair');"
    ),
]


def notebook(cells: list) -> nbformat.NotebookNode:
    """A Python 3 notebook of ``cells`` with stable cell ids (regenerating gives the same
    file); also used by scripts/make_corpus_notebook.py."""
    nb = new_notebook(cells=cells)
    for k, cell in enumerate(nb.cells):
        cell.id = f"cell-{k}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write(nb: nbformat.NotebookNode, target: Path) -> None:
    nbformat.validate(nb)
    target.parent.mkdir(exist_ok=True)
    nbformat.write(nb, target)


def build() -> nbformat.NotebookNode:
    return notebook(CELLS)


def main() -> None:
    write(build(), TARGET)


if __name__ == "__main__":
    main()
