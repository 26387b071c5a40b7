#! /usr/bin/env python3
# Copyright (c) 2026 The ovs-tmirror authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at:
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""Checks describe output against the AWS CLI's own service models (those
of Debian's awscli, which "aws ... --generate-cli-skeleton output" prints
from), offline: every member name, type and enumerated value of every
file in the folders given, and, with --calls LOG (fake-aws.py's log), that
every call tm-aws-describe made is an operation with those options.

usage: check-shapes.py [--calls LOG] DIR..."""

import glob
import json
import os
import sys

KEYED = {"ec2-search-transit-gateway-routes",
         "elbv2-describe-load-balancer-attributes",
         "elbv2-describe-listeners", "elbv2-describe-target-health"}
GLOBAL_OPTIONS = {"--output", "--region", "--profile", "--query"}


def load_models():
    try:
        from awscli.botocore.session import Session
    except ImportError:
        from botocore.session import Session
    loader = Session().get_component("data_loader")
    models = {}

    def model(service):
        if service not in models:
            models[service] = loader.load_service_model(service,
                                                        "service-2")
        return models[service]
    return model


def operation(model, service, call):
    name = "".join(w.capitalize() for w in call.split("-"))
    return model(service)["operations"].get(name)


def check(shapes, name, value, path, problems):
    shape = shapes[name]
    kind = shape["type"]
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append("%s: not an object" % path)
            return
        for key, v in value.items():
            member = shape["members"].get(key)
            if member is None:
                problems.append("%s.%s: no such member" % (path, key))
            else:
                check(shapes, member["shape"], v, "%s.%s" % (path, key),
                      problems)
    elif kind == "list":
        if not isinstance(value, list):
            problems.append("%s: not an array" % path)
            return
        for v in value:
            check(shapes, shape["member"]["shape"], v, path + "[]",
                  problems)
    elif kind == "string":
        if not isinstance(value, str):
            problems.append("%s: not a string" % path)
        elif "enum" in shape and value not in shape["enum"]:
            problems.append("%s: %r is not one of its values" % (path,
                                                                 value))
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append("%s: not an integer" % path)
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append("%s: not a boolean" % path)


def main():
    args = sys.argv[1:]
    log = None
    if args[:1] == ["--calls"]:
        log, args = args[1], args[2:]
    model = load_models()
    problems = []

    for d in args:
        for f in sorted(glob.glob(os.path.join(d, "**", "*.json"),
                                  recursive=True)):
            base = os.path.basename(f)[:-len(".json")]
            service, _, call = base.partition("-")
            op = operation(model, service, call)
            if op is None:
                problems.append("%s: no operation %s %s" % (f, service,
                                                            call))
                continue
            shapes = model(service)["shapes"]
            with open(f) as stream:
                out = json.load(stream)
            for key, value in (out.items() if base in KEYED
                               else [(None, out)]):
                path = base + ("[%s]" % key if key else "")
                check(shapes, op["output"]["shape"], value, path, problems)

    for line in open(log) if log else []:
        words = line.split()
        service, call = words[:2]
        op = operation(model, service, call)
        if op is None:
            problems.append("call %s %s: no such operation" % (service,
                                                               call))
            continue
        members = {m.lower() for m in model(service)["shapes"][
            op["input"]["shape"]]["members"]} if "input" in op else set()
        for w in words[2:]:
            if (w.startswith("--") and w not in GLOBAL_OPTIONS
                    and w[2:].replace("-", "") not in members):
                problems.append("call %s %s: no option %s" % (service,
                                                              call, w))

    for p in sorted(set(problems)):
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
