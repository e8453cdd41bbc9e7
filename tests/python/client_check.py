"""The official Python Kubernetes client against kdoc's simulator: list, watch and read logs.

Run by tests/sim_python_client.rs with KUBECONFIG pointing at a simulator and one JSON argument
saying what to read. Everything goes through the client's typed API (so each answer is
deserialized into its models, which reject missing required fields and bad dates); what it saw
is printed as one JSON document on stdout for the Rust test to compare with the simulator's own
store. Exit status 3 means the kubernetes module is not installed.
"""

import json
import sys
import time

try:
    from kubernetes import client, config, watch
    from kubernetes.client.rest import ApiException
except ImportError as e:  # the Rust test skips (or fails under KDOC_REQUIRE_PYCLIENT)
    print(f"kubernetes module missing: {e}", file=sys.stderr)
    sys.exit(3)


def pod_key(p):
    return f"{p.metadata.namespace}/{p.metadata.name}"


def main():
    args = json.loads(sys.argv[1])
    config.load_kube_config()
    v1 = client.CoreV1Api()
    out = {}

    ns_list = v1.list_namespaced_pod(args["namespace"])
    out["namespace_pods"] = [p.metadata.name for p in ns_list.items]
    # Typed fields the models parse: a datetime, not a string, and container statuses.
    out["creation_is_datetime"] = all(
        hasattr(p.metadata.creation_timestamp, "tzinfo") for p in ns_list.items
    )
    all_list = v1.list_pod_for_all_namespaces()
    out["all_pods"] = [pod_key(p) for p in all_list.items]
    out["list_resource_version"] = all_list.metadata.resource_version

    # Logs: a single-container pod with no container named, each container of a
    # multi-container pod by name, a tail, and the refusal when a container must be named.
    single = args["single"]
    out["log_single"] = v1.read_namespaced_pod_log(single["name"], single["namespace"])
    multi = args["multi"]
    out["log_multi"] = {
        c: v1.read_namespaced_pod_log(multi["name"], multi["namespace"], container=c)
        for c in multi["containers"]
    }
    first = multi["containers"][0]
    out["log_tail"] = v1.read_namespaced_pod_log(
        multi["name"], multi["namespace"], container=first, tail_lines=args["tail"]
    )
    try:
        v1.read_namespaced_pod_log(multi["name"], multi["namespace"])
        out["unnamed_container"] = {"status": 200}
    except ApiException as e:
        out["unnamed_container"] = {"status": e.status, "body": e.body}

    # Watch every pod: the initial ADDED events, then MODIFIED ones until both the pod the
    # test changes and one the scenario's timeline changes have been seen (or time is up).
    poked = args["poked"]
    events = []
    seen_poked = seen_scenario = False
    w = watch.Watch()
    deadline = time.monotonic() + args["watch_seconds"]
    for ev in w.stream(v1.list_pod_for_all_namespaces, timeout_seconds=args["watch_seconds"]):
        p = ev["object"]
        key = pod_key(p)
        events.append(
            {
                "type": ev["type"],
                "key": key,
                "resource_version": p.metadata.resource_version,
                "labels": p.metadata.labels or {},
                "phase": p.status.phase if p.status else None,
            }
        )
        if ev["type"] == "MODIFIED":
            if key == poked:
                seen_poked = True
            else:
                seen_scenario = True
        if (seen_poked and seen_scenario) or time.monotonic() > deadline:
            w.stop()
    out["events"] = events
    print(json.dumps(out))


if __name__ == "__main__":
    main()
