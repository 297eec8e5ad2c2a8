"""Write the outputs of SPEC §3-§4 (JSONL, CSV, XLSX, HTML, summary.json), atomically."""
