"""Writes ../schema.json from the files in this folder as scheming_dataset_schema_show returns it:
ckanext-scheming's _expand_schemas (plugins.py): field = dict(preset values, **field) for every
top-level field; presets load from scheming.presets (the portal's test.ini: scheming, fluent,
switzerland) in reverse, so on a name clash the file listed first wins."""
import json, os

here = os.path.dirname(os.path.abspath(__file__))
load = lambda name: json.load(open(os.path.join(here, name), encoding="utf-8"))
presets = {}
for name in reversed(["scheming_presets.json", "fluent_presets.json", "switzerland_presets.json"]):
    presets.update({p["preset_name"]: p["values"] for p in load(name)["presets"]})
schema = load("dcat-ap-switzerland_scheming.json")
for group in ("dataset_fields", "resource_fields"):
    schema[group] = [dict(presets[f["preset"]], **f) if f.get("preset") else f
                     for f in schema[group]]
with open(os.path.join(here, "..", "schema.json"), "w", encoding="utf-8") as out:
    json.dump(schema, out, indent=2, ensure_ascii=False)
    out.write("\n")
