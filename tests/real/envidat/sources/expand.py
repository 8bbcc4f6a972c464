"""Writes ../schema.json from the files in this folder as scheming_dataset_schema_show returns it:
ckanext-scheming 2.1.0's _expand_schemas (plugins.py), field = dict(preset values, **field) for
every top-level field; on a name clash the preset file listed first in scheming.presets wins."""
import json, os

here = os.path.dirname(os.path.abspath(__file__))
load = lambda name: json.load(open(os.path.join(here, name), encoding="utf-8"))
presets = {}
for name in reversed(["envidat_presets.json", "datacite_presets.json",
                      "composite_presets.json", "scheming_presets.json"]):
    presets.update({p["preset_name"]: p["values"] for p in load(name)["presets"]})
schema = load("datacite_dataset.json")
for group in ("dataset_fields", "resource_fields"):
    schema[group] = [dict(presets[f["preset"]], **f) if f.get("preset") else f
                     for f in schema[group]]
with open(os.path.join(here, "..", "schema.json"), "w", encoding="utf-8") as out:
    json.dump(schema, out, indent=2, ensure_ascii=False)
    out.write("\n")
