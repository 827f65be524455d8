"""Write tests/data/xss/: the synthetic Testland data with hostile strings in names (SYNTHETIC, tests only).

Reports built from it must show `<script>alert(1)</script>` and `<img src=x onerror=...>` as text; no script from
data may run in the browser (tests/test_browser.py). Run: python tests/data/make_xss.py
"""

from pathlib import Path

import pandas as pd

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
src = Path(__file__).parent / "testland"
dst = Path(__file__).parent / "xss"
dst.mkdir(exist_ok=True)
for path in sorted(src.glob("*.csv")):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in ("region",):
        if col in df:
            df[col] = df[col].str.replace("Testland North", f"North {IMG}", regex=False)
            df[col] = df[col].str.replace("Testland", f"Testland {SCRIPT}", regex=False)
    for col in ("name_zh", "name_en", "sponsor", "investee", "lead_unit_zh", "indicator_zh", "description_en"):
        if col in df:
            df[col] = df[col].where(df[col] == "", df[col] + " " + IMG)
    df.to_csv(dst / path.name, index=False)
print(f"wrote {dst}")
