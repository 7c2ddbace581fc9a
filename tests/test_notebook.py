"""The seed-pair notebook runs from start to end (so it cannot rot) and is committed clean."""

from __future__ import annotations

import pytest

from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "seed_pair.ipynb"

nbformat = pytest.importorskip("nbformat", reason="the dev extra (nbformat, nbclient, ipykernel) is not installed")
nbclient = pytest.importorskip("nbclient", reason="the dev extra (nbformat, nbclient, ipykernel) is not installed")


def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_notebook_is_what_the_script_writes():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_notebook", ROOT / "scripts" / "make_notebook.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert [c.source for c in module.build().cells] == [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells]


def test_notebook_runs_from_the_notebooks_folder():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # From notebooks/, as a reader would open it: the notebook finds the data itself.
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert "'sv': 67" in nb.cells[1].outputs[0]["data"]["text/plain"]  # the summary: 67 Swedish rows
    html = [o["data"].get("text/html", "") for o in outputs if o.output_type == "execute_result"]
    assert any("kind" in h and "message" in h for h in html)  # the findings frame
    assert any("sv_ref" in h and "score" in h for h in html)  # the alignment frame
    images = [o for o in outputs if o.output_type == "display_data" and "image/png" in o["data"]]
    assert len(images) == 2  # the heatmap and the score chart
