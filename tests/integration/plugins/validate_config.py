#!/usr/bin/env python3
"""validate_config.py SCHEMA INSTANCE: validates a configuration file against a JSON schema
(`zzjb plugins --schema`) with a real validator, python3-jsonschema (scripts/deps.sh test).
Exit 0 valid; 1 invalid, each error on stdout; 2 usage; 3 the schema itself is not a valid
JSON schema; 4 jsonschema is not installed."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed (scripts/deps.sh test)", file=sys.stderr)
    sys.exit(4)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        instance = json.load(f)
    # The schema says draft 2020-12; Debian 12's jsonschema (4.10) has it.
    validator_class = getattr(jsonschema, "Draft202012Validator", None) or jsonschema.Draft7Validator
    try:
        validator_class.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"not a valid schema: {e.message}", file=sys.stderr)
        return 3
    errors = sorted(validator_class(schema).iter_errors(instance),
                    key=lambda e: [str(p) for p in e.absolute_path])
    for e in errors:
        where = "/".join(str(p) for p in e.absolute_path)
        print(f"/{where}: {e.message}")
        for sub in e.context or []:
            print(f"  /{'/'.join(str(p) for p in sub.absolute_path)}: {sub.message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
