"""Validates FHIR exports with fhir.resources (R4B models, validation on) and checks the Da Vinci
CRD coverage-information invariants and the bundle's references.

Usage: validate_bundle.py FILE...   (`-` reads stdin). Prints one line per file, `ok ENTRIES
DEVICEREQUESTS`; exits 1 naming the first problem.
"""
import json
import sys

from fhir.resources.R4B.bundle import Bundle

CRD = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information"
REQUIRED = ("coverage", "covered", "date", "coverage-assertion-id")


def check_crd(request):
    infos = [e for e in request.get("extension", []) if e.get("url") == CRD]
    if len(infos) != 1:
        return "a DeviceRequest without exactly one coverage-information extension"
    subs = infos[0]["extension"]
    urls = [s["url"] for s in subs]
    for name in REQUIRED:
        if urls.count(name) != 1:
            return f"coverage-information needs exactly one {name}, has {urls.count(name)}"
    codes = {s["url"]: s.get("valueCode") for s in subs}
    conditional = any(codes.get(u) == "conditional" for u in ("covered", "pa-needed", "doc-needed"))
    if ("info-needed" in urls) != conditional:
        return "info-needed present exactly when something is conditional (crd-ci-q3) is broken"
    if codes["covered"] == "not-covered" and "pa-needed" in urls:
        return "pa-needed present although not-covered (crd-ci-q2)"
    if codes.get("info-needed") == "OTH" and "reason" not in urls:
        return "info-needed OTH without a reason (crd-ci-q6)"
    return None


def check(text):
    bundle = Bundle.model_validate_json(text)
    data = json.loads(text)
    entries = data.get("entry", [])
    urls = [e["fullUrl"] for e in entries]
    if len(set(urls)) != len(urls):
        return None, "a fullUrl appears twice"
    local = {f'{e["resource"]["resourceType"]}/{e["resource"]["id"]}' for e in entries}
    requests = 0
    for entry in entries:
        resource = entry["resource"]
        if not entry["fullUrl"].endswith("/" + resource["resourceType"] + "/" + resource["id"]):
            return None, f"fullUrl {entry['fullUrl']} does not end in its type and id"
        for ref in references(resource):
            if ref not in local:
                return None, f"{resource['resourceType']}/{resource['id']} refers to {ref}, not in the bundle"
        if resource["resourceType"] == "DeviceRequest":
            requests += 1
            problem = check_crd(resource)
            if problem:
                return None, f"{resource['id']}: {problem}"
    assert len(bundle.entry or []) == len(entries)
    return (len(entries), requests), None


def references(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                yield inner
            else:
                yield from references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from references(inner)


def main(paths):
    for path in paths:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
        try:
            counts, problem = check(text)
        except Exception as error:  # the validator's own message names the element
            print(f"{path}: invalid: {error}")
            return 1
        if problem:
            print(f"{path}: {problem}")
            return 1
        print(f"{path}: ok {counts[0]} {counts[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
