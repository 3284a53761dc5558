#!/usr/bin/env python3
"""Reads dqstream's Model Monitor files back with SageMaker's own Python SDK and prints what it sees.

    sdk_read_back.py --endpoint-url http://127.0.0.1:5000 [--set-monitoring-off FEATURE] [--output FILE] FOLDER...

For each FOLDER, whichever of these it holds is loaded the way SageMaker users load them:

  statistics.json             sagemaker.model_monitor.Statistics.from_file_path
  constraints.json            sagemaker.model_monitor.Constraints.from_file_path
  constraint_violations.json  sagemaker.model_monitor.ConstraintViolations.from_file_path

from_file_path uploads the file to the session's default bucket and reads it back with from_s3_uri,
so every file goes through the SDK's S3 code both ways. S3 is the emulator at --endpoint-url (moto in
server mode: the test run's, or `npm run moto:local`), with fake credentials; nothing reaches AWS.
The session gets a named default bucket: the SDK's own default bucket name needs the account id
from STS, whose client the SDK builds with an explicit AWS endpoint (utils.sts_regional_endpoint),
which AWS_ENDPOINT_URL does not override.

With --set-monitoring-off FEATURE, each constraints.json that has FEATURE also gets
Constraints.set_monitoring(False, feature_name=FEATURE) and save() (to its S3 object); the object
the SDK saved is read back from S3 and written, byte for byte, to FOLDER/constraints.sdk-modified.json
so that dqstream can read it again.

Prints one JSON document on stdout or to --output FILE (see summarize_* below): the versions, then per
folder what the SDK exposes -- the body_dict it parsed (features, types, per-feature statistics,
monitoring_config, violations), pandas.json_normalize of its lists as AWS's notebooks do, and the
parsing AWS's visualization helper applies to the violation descriptions. Any file the SDK cannot
read is an exception: a traceback on stderr and exit code 1. The SDK logs to stdout (sagemaker.config
INFO lines); they are sent to stderr so that stdout holds only the JSON.

Run it with the SDK's venv: node scripts/sagemaker-sdk-venv.mjs -- test/sagemaker/sdk_read_back.py ...
"""
import argparse
import copy
import json
import logging
import math
import os
import re
import sys
import traceback

REGION = "us-east-1"
FAKE_KEY = "testing"
BUCKET = "dqstream-sdk-read-back"
MODIFIED_CONSTRAINTS = "constraints.sdk-modified.json"


def isolate_from_aws(endpoint_url, region):
    """Every AWS call of this process goes to endpoint_url with fake credentials (before boto3 loads)."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint_url,
            "AWS_ACCESS_KEY_ID": FAKE_KEY,
            "AWS_SECRET_ACCESS_KEY": FAKE_KEY,
            "AWS_DEFAULT_REGION": region,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")


# --- AWS's visualization helper -------------------------------------------------------------------
# The parsing functions of aws/amazon-sagemaker-examples sagemaker_model_monitor/visualization/utils.py
# (commit f4ca6fafa723eaf4d8c4aae5e2043137a80eec27, Apache-2.0), copied without their display code
# (IPython, matplotlib), with None for the helper's np.nan.


def viz_group_by_feature(baseline_statistics, latest_statistics, violations):
    features = {}
    if baseline_statistics:
        for baseline_feature in baseline_statistics["features"]:
            features.setdefault(baseline_feature["name"], {})["baseline"] = baseline_feature
    if latest_statistics:
        for latest_feature in latest_statistics["features"]:
            features.setdefault(latest_feature["name"], {})["latest"] = latest_feature
    if violations:
        for violation in violations:
            features.setdefault(violation["feature_name"], {}).setdefault("violations", []).append(violation)
    return features


def viz_violation_exists(feature, check_type):
    return "violations" in feature and check_type in {v["constraint_check_type"] for v in feature["violations"]}


def viz_get_completeness(feature):
    if feature["inferred_type"] in {"Fractional", "Integral"}:
        common = feature["numerical_statistics"]["common"]
    elif feature["inferred_type"] == "String":
        common = feature["string_statistics"]["common"]
    else:
        raise ValueError("Unknown `inferred_type` {}.".format(feature["inferred_type"]))
    return common["num_present"] / (common["num_present"] + common["num_missing"])


def viz_get_baseline_drift(feature):
    for violation in feature.get("violations", []):
        if violation["constraint_check_type"] == "baseline_drift_check":
            matches = re.search("distance: (.+) exceeds", violation["description"])
            if matches:
                return float(matches.group(1))
    return None


def viz_get_categorical_values(feature):
    for violation in feature.get("violations", []):
        if violation["constraint_check_type"] == "categorical_values_check":
            matches = re.search("Value: (.+) does not meet the constraint requirement!", violation["description"])
            if matches:
                return float(matches.group(1))
    return None


def viz_violation_table(latest_statistics, violations):
    """create_violation_df's rows (sorted feature names), as dicts; the helper's cell for a feature
    it cannot handle (it raises) is {"error": "..."}."""
    features = viz_group_by_feature(None, latest_statistics, violations)
    rows = []
    for name in sorted(features):
        feature = features[name]

        def cell(compute):
            try:
                return compute()
            except Exception as e:  # the helper would raise here: record what and why
                return {"error": "{}: {}".format(type(e).__name__, e)}

        rows.append(
            {
                "feature_name": name,
                "data_type": cell(lambda: feature["latest"]["inferred_type"]),
                "completeness": cell(lambda: viz_get_completeness(feature["latest"])),
                "baseline_drift": viz_get_baseline_drift(feature),
                "categorical_values": viz_get_categorical_values(feature),
                "flagged": {
                    t: viz_violation_exists(feature, t)
                    for t in ("data_type_check", "completeness_check", "baseline_drift_check", "categorical_values_check")
                },
            }
        )
    return rows


# --- summaries -----------------------------------------------------------------------------------


def leaf_paths(value, prefix=""):
    """Dotted paths of the leaves of a dict (a list is one leaf)."""
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            out += leaf_paths(v, "{}.{}".format(prefix, k) if prefix else k)
        return out
    return [prefix]


def plain(value):
    """JSON-safe: NaN -> None, numpy scalars -> Python numbers."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def normalized(pandas, records):
    """pandas.json_normalize(records) as AWS's notebooks call it: its columns, and its rows without
    the list-valued cells (buckets, sketch data, domains), which are summarised elsewhere."""
    df = pandas.json_normalize(records)
    scalar_columns = [c for c in df.columns if not any(isinstance(v, (list, dict)) for v in df[c])]
    return {
        "columns": sorted(df.columns),
        "shape": list(df.shape),
        "dtypes": {c: str(df[c].dtype) for c in df.columns},
        "rows": plain(df[scalar_columns].to_dict("records")),
    }


def feature_view(feature):
    """What a user of Statistics.body_dict finds for one feature."""
    view = {"name": feature["name"], "inferred_type": feature["inferred_type"], "paths": sorted(leaf_paths(feature))}
    if "numerical_statistics" in feature:
        ns = feature["numerical_statistics"]
        kll = ns["distribution"]["kll"]
        view.update(
            {
                "kind": "numerical",
                "num_present": ns["common"]["num_present"],
                "num_missing": ns["common"]["num_missing"],
                "mean": ns["mean"],
                "sum": ns["sum"],
                "std_dev": ns["std_dev"],
                "min": ns["min"],
                "max": ns["max"],
                "kll_buckets": len(kll["buckets"]),
                "kll_bucket_count_total": sum(b["count"] for b in kll["buckets"]),
                "kll_parameters": kll["sketch"]["parameters"],
                "kll_sketch_levels": len(kll["sketch"]["data"]),
                "kll_sketch_items": sum(len(level) for level in kll["sketch"]["data"]),
            }
        )
    else:
        ss = feature["string_statistics"]
        buckets = ss.get("distribution", {}).get("categorical", {}).get("buckets", [])
        view.update(
            {
                "kind": "string",
                "num_present": ss["common"]["num_present"],
                "num_missing": ss["common"]["num_missing"],
                "distinct_count": ss["distinct_count"],
                "categorical_buckets": len(buckets),
                "categorical_count_total": sum(b["count"] for b in buckets),
            }
        )
    return view


def summarize_statistics(mm, pandas, session, path):
    sdk = mm.Statistics.from_file_path(path, sagemaker_session=session)
    body = sdk.body_dict
    return sdk, {
        "class": type(sdk).__name__,
        "s3_uri": sdk.file_s3_uri,
        "version": body["version"],
        "item_count": body["dataset"]["item_count"],
        "features": [feature_view(f) for f in body["features"]],
        "json_normalize": normalized(pandas, body["features"]),
    }


def summarize_constraints(mm, pandas, session, path):
    sdk = mm.Constraints.from_file_path(path, sagemaker_session=session)
    body = copy.deepcopy(sdk.body_dict)  # as read: set_monitoring changes sdk.body_dict later
    return sdk, {
        "class": type(sdk).__name__,
        "s3_uri": sdk.file_s3_uri,
        "version": body["version"],
        "feature_names": [f["name"] for f in body["features"]],
        "features": body["features"],
        "monitoring_config": body["monitoring_config"],
        "json_normalize": normalized(pandas, body["features"]),
    }


def summarize_violations(mm, pandas, session, path, latest_statistics):
    sdk = mm.ConstraintViolations.from_file_path(path, sagemaker_session=session)
    violations = sdk.body_dict["violations"]
    return {
        "class": type(sdk).__name__,
        "s3_uri": sdk.file_s3_uri,
        "violations": [[v["feature_name"], v["constraint_check_type"], v["description"]] for v in violations],
        "json_normalize": normalized(pandas, violations),
        "visualization_helper": viz_violation_table(latest_statistics, violations),
    }


def set_monitoring_off(mm, s3, session, constraints, feature_name, folder):
    """Constraints.set_monitoring(False, feature_name=...), save(), and the saved object to a file."""
    before = copy.deepcopy(next(f for f in constraints.body_dict["features"] if f["name"] == feature_name))
    constraints.set_monitoring(False, feature_name=feature_name)
    saved_uri = constraints.save()
    saved_text = s3.S3Downloader.read_file(saved_uri, sagemaker_session=session)
    out = os.path.join(folder, MODIFIED_CONSTRAINTS)
    with open(out, "w", encoding="utf-8") as f:
        f.write(saved_text)
    reread = mm.Constraints.from_s3_uri(saved_uri, sagemaker_session=session)
    after = next(f for f in reread.body_dict["features"] if f["name"] == feature_name)
    return {
        "feature": feature_name,
        "saved_to": saved_uri,
        "written_to": out,
        "feature_before": before,
        "feature_after": after,
        "monitoring_config_after": reread.body_dict["monitoring_config"],
    }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint-url", required=True, help="S3 emulator (a moto server), e.g. http://127.0.0.1:5000")
    parser.add_argument("--region", default=REGION)
    parser.add_argument("--set-monitoring-off", metavar="FEATURE", help="Constraints.set_monitoring(False, feature_name=FEATURE), then save()")
    parser.add_argument("--output", metavar="FILE", help="write the JSON here instead of stdout")
    parser.add_argument("folders", nargs="+", metavar="FOLDER")
    args = parser.parse_args(argv)

    isolate_from_aws(args.endpoint_url, args.region)
    stdout, sys.stdout = sys.stdout, sys.stderr  # before the SDK binds logging handlers to stdout
    logging.getLogger("sagemaker.config").setLevel(logging.WARNING)  # no "Not applying SDK defaults from …"
    import importlib.metadata

    import boto3
    import pandas
    import sagemaker
    from sagemaker import s3
    from sagemaker import model_monitor as mm

    session = sagemaker.Session(
        boto_session=boto3.Session(aws_access_key_id=FAKE_KEY, aws_secret_access_key=FAKE_KEY, region_name=args.region),
        default_bucket=BUCKET,
    )
    report = {
        "versions": {
            "python": "{}.{}.{}".format(*sys.version_info[:3]),
            **{p: importlib.metadata.version(p) for p in ("sagemaker", "sagemaker-core", "boto3", "botocore", "pandas", "numpy")},
        },
        "default_bucket": session.default_bucket(),
        "folders": [],
    }
    modified = 0
    for folder in args.folders:
        entry = {"folder": folder}
        files = {name: os.path.join(folder, name) for name in ("statistics.json", "constraints.json", "constraint_violations.json")}
        present = {name: p for name, p in files.items() if os.path.isfile(p)}
        if not present:
            raise SystemExit("{}: holds none of {}".format(folder, ", ".join(files)))
        latest = None
        if "statistics.json" in present:
            stats, entry["statistics"] = summarize_statistics(mm, pandas, session, present["statistics.json"])
            latest = stats.body_dict
        if "constraints.json" in present:
            constraints, entry["constraints"] = summarize_constraints(mm, pandas, session, present["constraints.json"])
            if args.set_monitoring_off and args.set_monitoring_off in entry["constraints"]["feature_names"]:
                entry["set_monitoring"] = set_monitoring_off(mm, s3, session, constraints, args.set_monitoring_off, folder)
                modified += 1
        if "constraint_violations.json" in present:
            entry["constraint_violations"] = summarize_violations(mm, pandas, session, present["constraint_violations.json"], latest)
        report["folders"].append(entry)
    if args.set_monitoring_off and modified == 0:
        raise SystemExit("--set-monitoring-off {}: no constraints.json has that feature".format(args.set_monitoring_off))
    text = json.dumps(plain(report), indent=1, allow_nan=False) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        stdout.write(text)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception:
        # a plain traceback: sagemaker-core replaces sys.excepthook with rich's boxed one
        traceback.print_exc()
        sys.exit(1)
