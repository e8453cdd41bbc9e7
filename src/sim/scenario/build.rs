//! Builders for realistic objects: pods whose spec and status agree (container IDs, conditions,
//! IPs), services, events. Times are offsets in seconds from the scenario's start.

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::sim::time::{offset, rfc3339};

pub const NODE: &str = "kdoc-worker-1";

/// A stable fake containerd ID for one run of a container.
pub fn container_id(uid: &str, container: &str, run: i64) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in uid
        .bytes()
        .chain(container.bytes())
        .chain(run.to_le_bytes())
    {
        h = (h ^ b as u64).wrapping_mul(0x100000001b3);
    }
    format!(
        "containerd://{h:016x}{:016x}{h:016x}{:016x}",
        h.rotate_left(17),
        h.rotate_left(41)
    )
}

/// Stable UID from a name, so repeated runs of a scenario look the same.
pub fn uid_for(ns: &str, name: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in ns.bytes().chain([b'/']).chain(name.bytes()) {
        h = (h ^ b as u64).wrapping_mul(0x100000001b3);
    }
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        (h >> 12) & 0xfff,
        h & 0xffff_ffff_ffff
    )
}

#[derive(Debug, Clone)]
pub enum St {
    Running {
        since: i64,
    },
    Waiting {
        reason: String,
        message: String,
    },
    Terminated {
        code: i32,
        reason: String,
        started: i64,
        finished: i64,
    },
}

#[derive(Debug, Clone)]
pub struct C {
    pub name: String,
    pub image: String,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub ports: Vec<(String, u16)>,
    pub env: Vec<(String, String)>,
    pub state: St,
    pub ready: bool,
    pub restarts: i32,
    /// Last termination: exit code, reason, started, finished.
    pub last: Option<(i32, String, i64, i64)>,
    /// Native sidecar (an init container with restartPolicy Always).
    pub sidecar: bool,
    pub resources: Option<Value>,
    pub volume_mounts: Vec<(String, String)>,
    pub probe_path: Option<(String, u16)>,
}

pub fn c(name: &str, image: &str) -> C {
    C {
        name: name.into(),
        image: image.into(),
        command: vec![],
        args: vec![],
        ports: vec![],
        env: vec![],
        state: St::Running { since: -600 },
        ready: true,
        restarts: 0,
        last: None,
        sidecar: false,
        resources: None,
        volume_mounts: vec![],
        probe_path: None,
    }
}

impl C {
    pub fn running(mut self, since: i64) -> Self {
        self.state = St::Running { since };
        self.ready = true;
        self
    }
    pub fn waiting(mut self, reason: &str, message: &str) -> Self {
        self.state = St::Waiting {
            reason: reason.into(),
            message: message.into(),
        };
        self.ready = false;
        self
    }
    pub fn terminated(mut self, code: i32, reason: &str, started: i64, finished: i64) -> Self {
        self.state = St::Terminated {
            code,
            reason: reason.into(),
            started,
            finished,
        };
        self.ready = false;
        self
    }
    pub fn last(mut self, code: i32, reason: &str, started: i64, finished: i64) -> Self {
        self.last = Some((code, reason.into(), started, finished));
        self
    }
    pub fn restarts(mut self, n: i32) -> Self {
        self.restarts = n;
        self
    }
    pub fn not_ready(mut self) -> Self {
        self.ready = false;
        self
    }
    pub fn port(mut self, name: &str, port: u16) -> Self {
        self.ports.push((name.into(), port));
        self
    }
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args = args.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn command(mut self, cmd: &[&str]) -> Self {
        self.command = cmd.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }
    pub fn sidecar(mut self) -> Self {
        self.sidecar = true;
        self
    }
    pub fn resources(mut self, r: Value) -> Self {
        self.resources = Some(r);
        self
    }
    pub fn mount(mut self, volume: &str, path: &str) -> Self {
        self.volume_mounts.push((volume.into(), path.into()));
        self
    }
    pub fn http_probe(mut self, path: &str, port: u16) -> Self {
        self.probe_path = Some((path.into(), port));
        self
    }

    fn spec(&self) -> Value {
        let mut v = json!({
            "name": self.name, "image": self.image, "imagePullPolicy": "IfNotPresent",
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
            "resources": self.resources.clone().unwrap_or_else(|| json!({})),
        });
        if !self.command.is_empty() {
            v["command"] = json!(self.command);
        }
        if !self.args.is_empty() {
            v["args"] = json!(self.args);
        }
        if !self.ports.is_empty() {
            v["ports"] = self
                .ports
                .iter()
                .map(|(n, p)| {
                    if n.is_empty() {
                        json!({"containerPort": p, "protocol": "TCP"})
                    } else {
                        json!({"name": n, "containerPort": p, "protocol": "TCP"})
                    }
                })
                .collect();
        }
        if !self.env.is_empty() {
            v["env"] = self
                .env
                .iter()
                .map(|(k, val)| json!({"name": k, "value": val}))
                .collect();
        }
        if !self.volume_mounts.is_empty() {
            v["volumeMounts"] = self
                .volume_mounts
                .iter()
                .map(|(n, p)| json!({"name": n, "mountPath": p}))
                .collect();
        }
        if let Some((path, port)) = &self.probe_path {
            v["readinessProbe"] = json!({"httpGet": {"path": path, "port": port, "scheme": "HTTP"}, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3});
        }
        if self.sidecar {
            v["restartPolicy"] = json!("Always");
        }
        v
    }

    fn status(&self, base: Timestamp, uid: &str) -> Value {
        let t = |s: i64| rfc3339(offset(base, s));
        let runs = self.restarts as i64;
        let (state, id) = match &self.state {
            St::Running { since } => (
                json!({"running": {"startedAt": t(*since)}}),
                Some(container_id(uid, &self.name, runs)),
            ),
            St::Waiting { reason, message } => {
                let mut w = json!({"reason": reason});
                if !message.is_empty() {
                    w["message"] = json!(message);
                }
                (json!({ "waiting": w }), None)
            }
            St::Terminated {
                code,
                reason,
                started,
                finished,
            } => {
                let id = container_id(uid, &self.name, runs);
                (
                    json!({"terminated": {"exitCode": code, "reason": reason, "startedAt": t(*started), "finishedAt": t(*finished), "containerID": id}}),
                    Some(id),
                )
            }
        };
        let last = match &self.last {
            Some((code, reason, s, f)) => json!({"terminated": {
                "exitCode": code, "reason": reason, "startedAt": t(*s), "finishedAt": t(*f),
                "containerID": container_id(uid, &self.name, runs - 1),
            }}),
            None => json!({}),
        };
        let pulled = !matches!(&self.state, St::Waiting { reason, .. } if reason.contains("Pull") || reason == "InvalidImageName");
        let mut v = json!({
            "name": self.name, "state": state, "lastState": last, "ready": self.ready,
            "restartCount": self.restarts, "image": self.image,
            "imageID": if pulled { format!("{}@sha256:{}", image_repo(&self.image), &container_id(&self.image, "", 0)[13..77]) } else { String::new() },
            "started": matches!(self.state, St::Running { .. }),
        });
        if let Some(id) = id {
            v["containerID"] = json!(id);
        }
        v
    }
}

/// The image without its tag (a `:` after the last `/` is a tag; before it, a registry port).
fn image_repo(image: &str) -> &str {
    let slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[slash..].find(['@', ':']) {
        Some(i) => &image[..slash + i],
        None => image,
    }
}

pub struct PodB {
    base: Timestamp,
    pub v: Value,
    init: Vec<C>,
    containers: Vec<C>,
    scheduled: bool,
}

/// A pod created `age` seconds before `base`, scheduled on the simulated node.
pub fn pod(base: Timestamp, ns: &str, name: &str, age: i64) -> PodB {
    let uid = uid_for(ns, name);
    let v = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "uid": uid, "creationTimestamp": rfc3339(offset(base, -age)), "labels": {}, "annotations": {}},
        "spec": {"nodeName": NODE, "restartPolicy": "Always", "serviceAccountName": "default", "schedulerName": "default-scheduler",
                 "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst", "containers": []},
        "status": {"phase": "Running", "hostIP": "10.0.0.11", "startTime": rfc3339(offset(base, -age + 1)), "qosClass": "BestEffort"},
    });
    PodB {
        base,
        v,
        init: vec![],
        containers: vec![],
        scheduled: true,
    }
}

impl PodB {
    pub fn labels(mut self, kv: &[(&str, &str)]) -> Self {
        for (k, val) in kv {
            self.v["metadata"]["labels"][*k] = json!(val);
        }
        self
    }
    pub fn annotations(mut self, kv: &[(&str, &str)]) -> Self {
        for (k, val) in kv {
            self.v["metadata"]["annotations"][*k] = json!(val);
        }
        self
    }
    pub fn owner(mut self, api_version: &str, kind: &str, name: &str) -> Self {
        let uid = uid_for(str_ns(&self.v), name);
        self.v["metadata"]["ownerReferences"] = json!([{"apiVersion": api_version, "kind": kind, "name": name, "uid": uid, "controller": true, "blockOwnerDeletion": true}]);
        self
    }
    pub fn init(mut self, c: C) -> Self {
        self.init.push(c);
        self
    }
    pub fn container(mut self, c: C) -> Self {
        self.containers.push(c);
        self
    }
    pub fn restart_policy(mut self, p: &str) -> Self {
        self.v["spec"]["restartPolicy"] = json!(p);
        self
    }
    pub fn service_account(mut self, sa: &str) -> Self {
        self.v["spec"]["serviceAccountName"] = json!(sa);
        self
    }
    pub fn volumes(mut self, vols: Value) -> Self {
        self.v["spec"]["volumes"] = vols;
        self
    }
    pub fn phase(mut self, p: &str) -> Self {
        self.v["status"]["phase"] = json!(p);
        self
    }
    /// Not scheduled: no node, no IP, PodScheduled False with the scheduler's message.
    pub fn unschedulable(mut self, message: &str) -> Self {
        self.scheduled = false;
        self.v["spec"].as_object_mut().map(|s| s.remove("nodeName"));
        self.v["status"] = json!({"phase": "Pending", "qosClass": "Burstable", "conditions": [{
            "type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": message,
            "lastProbeTime": null, "lastTransitionTime": rfc3339(self.base),
        }]});
        self
    }

    pub fn build(mut self) -> Value {
        let uid = self.v["metadata"]["uid"].as_str().unwrap_or("").to_string();
        let ip = pod_ip(&uid);
        self.v["spec"]["containers"] = self.containers.iter().map(C::spec).collect();
        if !self.init.is_empty() {
            self.v["spec"]["initContainers"] = self.init.iter().map(C::spec).collect();
        }
        if self.scheduled {
            self.v["status"]["podIP"] = json!(ip);
            self.v["status"]["podIPs"] = json!([{"ip": ip}]);
            self.v["status"]["containerStatuses"] = self
                .containers
                .iter()
                .map(|c| c.status(self.base, &uid))
                .collect();
            if !self.init.is_empty() {
                self.v["status"]["initContainerStatuses"] = self
                    .init
                    .iter()
                    .map(|c| c.status(self.base, &uid))
                    .collect();
            }
            refresh_pod(&mut self.v);
        }
        self.v
    }
}

fn str_ns(v: &Value) -> &str {
    v["metadata"]["namespace"].as_str().unwrap_or("")
}

/// A pod IP derived from its UID.
pub fn pod_ip(uid: &str) -> String {
    let h = uid
        .bytes()
        .fold(7u32, |a, b| a.wrapping_mul(31).wrapping_add(b as u32));
    format!("10.42.{}.{}", (h >> 8) % 250 + 1, h % 250 + 2)
}

/// Recompute a scheduled pod's conditions from its container statuses, as the kubelet would.
pub fn refresh_pod(p: &mut Value) {
    if p["spec"]["nodeName"].as_str().unwrap_or("").is_empty() {
        return;
    }
    let statuses = |k: &str| p["status"][k].as_array().cloned().unwrap_or_default();
    let init = statuses("initContainerStatuses");
    let regular = statuses("containerStatuses");
    let sidecars = sidecar_names(p);
    let init_done = init.iter().all(|s| {
        let sidecar = sidecars.iter().any(|n| s["name"] == n.as_str());
        if sidecar {
            s["state"]["running"].is_object()
        } else {
            s["state"]["terminated"]["exitCode"] == 0
        }
    });
    let all_ready = !regular.is_empty() && regular.iter().all(|s| s["ready"] == true);
    // kubelet getPhase: a container waiting that never ran keeps the pod Pending.
    let never_started =
        |s: &Value| s["state"]["waiting"].is_object() && !s["lastState"]["terminated"].is_object();
    let has_run = !regular.is_empty() && !regular.iter().any(never_started);
    let all_done =
        !regular.is_empty() && regular.iter().all(|s| s["state"]["terminated"].is_object());
    let phase = if all_done && p["spec"]["restartPolicy"] != "Always" {
        if regular
            .iter()
            .all(|s| s["state"]["terminated"]["exitCode"] == 0)
        {
            "Succeeded"
        } else {
            "Failed"
        }
    } else if has_run && init_done {
        "Running"
    } else {
        "Pending"
    };
    p["status"]["phase"] = json!(phase);
    let since = p["status"]["startTime"].clone();
    let cond = |ty: &str, ok: bool, reason: &str| {
        let mut c = json!({"type": ty, "status": if ok { "True" } else { "False" }, "lastProbeTime": null, "lastTransitionTime": since});
        if !ok && !reason.is_empty() {
            c["reason"] = json!(reason);
        }
        c
    };
    p["status"]["conditions"] = json!([
        cond("PodReadyToStartContainers", true, ""),
        cond("Initialized", init_done, "ContainersNotInitialized"),
        cond("Ready", all_ready, "ContainersNotReady"),
        cond("ContainersReady", all_ready, "ContainersNotReady"),
        cond("PodScheduled", true, ""),
    ]);
}

/// A core/v1 Event about an object, `first`..`last` seconds from the start, seen `count` times.
#[allow(clippy::too_many_arguments)]
pub fn event(
    base: Timestamp,
    ns: &str,
    kind: &str,
    obj: &str,
    ty: &str,
    reason: &str,
    message: &str,
    source: &str,
    first: i64,
    last: i64,
    count: i64,
) -> Value {
    // Distinct per object, reason and message, like the kubelet's `<obj>.<hex>` names.
    let name = format!(
        "{obj}.{}",
        &uid_for(&format!("{kind}/{reason}"), message).replace('-', "")[..16]
    );
    let api_version = match kind {
        "Workflow" => "argoproj.io/v1alpha1",
        "InferenceService" => "serving.kserve.io/v1beta1",
        "SeldonDeployment" => "machinelearning.seldon.io/v1",
        "PipelineRun" | "TaskRun" => "tekton.dev/v1",
        "Deployment" | "ReplicaSet" => "apps/v1",
        _ => "v1",
    };
    let mut involved = json!({"kind": kind, "namespace": ns, "name": obj, "uid": uid_for(ns, obj), "apiVersion": api_version});
    if kind == "Pod"
        && let Some(fp) = message.strip_prefix("spec.containers{")
    {
        involved["fieldPath"] = json!(format!("spec.containers{{{}", fp));
    }
    json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": name, "namespace": ns, "creationTimestamp": rfc3339(offset(base, first))},
        "involvedObject": involved,
        "reason": reason, "message": message, "type": ty,
        "source": {"component": source, "host": if source == "kubelet" { NODE } else { "" }},
        "firstTimestamp": rfc3339(offset(base, first)), "lastTimestamp": rfc3339(offset(base, last)),
        "count": count, "reportingComponent": source, "reportingInstance": if source == "kubelet" { NODE } else { "" },
    })
}

/// A ClusterIP (or NodePort) Service: ports are (name, port, targetPort, nodePort).
pub fn service(
    base: Timestamp,
    ns: &str,
    name: &str,
    selector: &[(&str, &str)],
    ports: &[(&str, u16, u16, Option<u16>)],
    age: i64,
) -> Value {
    let sel: serde_json::Map<String, Value> = selector
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let node_port = ports.iter().any(|p| p.3.is_some());
    let ports: Vec<Value> = ports
        .iter()
        .map(|(n, p, t, np)| {
            let mut v = json!({"name": n, "port": p, "targetPort": t, "protocol": "TCP"});
            if let Some(np) = np {
                v["nodePort"] = json!(np);
            }
            v
        })
        .collect();
    let ip = pod_ip(&uid_for(ns, name)).replace("10.42.", "10.43.");
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": ns, "uid": uid_for(ns, name), "creationTimestamp": rfc3339(offset(base, -age))},
        "spec": {"type": if node_port { "NodePort" } else { "ClusterIP" }, "clusterIP": ip, "clusterIPs": [ip], "selector": sel, "ports": ports,
                 "sessionAffinity": "None", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster"},
        "status": {"loadBalancer": {}},
    })
}

pub fn namespace(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}},
           "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
}

/// How long ago the simulated cluster was set up: its nodes and system namespaces date from then.
pub const CLUSTER_AGE: i64 = 86_400 * 40;

/// The simulated worker node: a 4-CPU, 16 GiB kubeadm worker (no taints, so anything that
/// fits is scheduled; the 16-CPU pod of the `mlops` scenario does not fit).
pub fn node(base: Timestamp) -> Value {
    node_named(base, NODE, "10.0.0.11")
}

/// A Ready worker node as the kubelet reports it: capacity, allocatable (capacity less the
/// kubelet's eviction reserve), the pressure conditions, addresses and nodeInfo.
pub fn node_named(base: Timestamp, name: &str, ip: &str) -> Value {
    let born = rfc3339(offset(base, -CLUSTER_AGE));
    let cond = |ty: &str, status: &str, reason: &str, message: &str| {
        json!({"type": ty, "status": status, "reason": reason, "message": message,
               "lastHeartbeatTime": rfc3339(offset(base, -20)), "lastTransitionTime": born})
    };
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "uid": uid_for("", name), "creationTimestamp": born,
                     "labels": {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                                "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name,
                                "kubernetes.io/os": "linux", "node-role.kubernetes.io/worker": ""},
                     "annotations": {"node.alpha.kubernetes.io/ttl": "0",
                                     "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
        "spec": {"podCIDR": "10.42.0.0/24", "podCIDRs": ["10.42.0.0/24"]},
        "status": {
            "capacity": {"cpu": "4", "ephemeral-storage": "101430960Ki", "hugepages-1Gi": "0",
                         "hugepages-2Mi": "0", "memory": "16393244Ki", "pods": "110"},
            "allocatable": {"cpu": "4", "ephemeral-storage": "93478772582", "hugepages-1Gi": "0",
                            "hugepages-2Mi": "0", "memory": "16290844Ki", "pods": "110"},
            "conditions": [
                cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"kubeletVersion": "v1.32.0", "kubeProxyVersion": "v1.32.0",
                         "containerRuntimeVersion": "containerd://1.7.23", "osImage": "Ubuntu 24.04.1 LTS",
                         "architecture": "amd64", "operatingSystem": "linux", "kernelVersion": "6.8.0-49-generic",
                         "machineID": uid_for("machine", name).replace('-', ""),
                         "systemUUID": uid_for("system", name), "bootID": uid_for("boot", name)},
        },
    })
}

/// The init containers that are sidecars (`restartPolicy: Always`): they keep running.
pub fn sidecar_names(p: &Value) -> Vec<String> {
    p["spec"]["initContainers"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .filter(|c| c["restartPolicy"] == "Always")
                .filter_map(|c| c["name"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}
