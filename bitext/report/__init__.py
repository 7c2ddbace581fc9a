"""Reports: DataFrames, CSV/JSON/XLSX writers and the HTML report."""
