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

"""A stand-in for the AWS CLI, for testing tm-aws-describe without an AWS
account: it answers the calls that tm-aws-describe makes from a folder of
describe output (FAKE_AWS_DIR, or FAKE_AWS_DIR/PROFILE with --profile), as
"tm-sim import" reads it, and logs each call to FAKE_AWS_LOG.  A call
whose file is missing fails as a call without permission would."""

import json
import os
import sys

RESOURCE_OPTIONS = ("--load-balancer-arn", "--target-group-arn",
                    "--transit-gateway-route-table-id")


def main():
    args = sys.argv[1:]
    opts = {}
    words = []
    i = 0
    while i < len(args):
        if args[i].startswith("--"):
            opts[args[i]] = args[i + 1]
            i += 2
        else:
            words.append(args[i])
            i += 1
    with open(os.environ["FAKE_AWS_LOG"], "a") as log:
        log.write(" ".join(words + sorted("%s %s" % kv
                                          for kv in opts.items())) + "\n")

    d = os.environ["FAKE_AWS_DIR"]
    if "--profile" in opts:
        d = os.path.join(d, opts["--profile"])
    service, call = words
    path = os.path.join(d, "%s-%s.json" % (service, call))
    if not os.path.exists(path):
        error = ("AWSOrganizationsNotInUseException"
                 if service == "organizations" else "AccessDenied")
        sys.stderr.write("An error occurred (%s) when calling %s\n"
                         % (error, call))
        sys.exit(254)
    with open(path) as f:
        out = json.load(f)
    for o in RESOURCE_OPTIONS:
        if o in opts:
            out = out[opts[o]]
    if "--query" in opts:
        query = opts["--query"]
        if "[]." in query:
            array, _, field = query.partition("[].")
            values = [x[field] for x in out[array]]
        else:
            values = [out[query]]
        print("\t".join(values))
    else:
        print(json.dumps(out, indent=4))


if __name__ == "__main__":
    main()
