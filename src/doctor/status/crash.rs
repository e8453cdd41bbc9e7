//! Containers that crash, restart, fail to start or are OOMKilled: the last termination, what its exit code means, and the previous log's last lines.

use super::*;

impl<'a> PodCheck<'a> {
    /// The container's state, its last termination and what the exit code means.
    pub(super) fn with_states(&self, mut f: Finding, c: &Ctr, code: Option<i64>) -> Finding {
        f = f.proof(self.state_proof(c));
        if let Some(p) = self.last_state_proof(c) {
            f = f.proof(p);
        }
        if let Some(p) = self.exit_facts(code) {
            f = f.proof(p);
        }
        f
    }

    /// The previous instance's log tail, or a fact saying why it is not here.
    pub(super) fn previous_log(&self, c: &Ctr) -> Vec<Proof> {
        match self.ev.log(&self.name, c.name, true) {
            Some(log) if log.lines.is_empty() => vec![Proof::Fact {
                text: format!(
                    "the previous instance of {} wrote nothing to its log",
                    c.name
                ),
            }],
            Some(log) => log_tail(log, LOG_TAIL),
            None => {
                let why = self
                    .missing_about(c.name, "log")
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default();
                vec![Proof::Fact {
                    text: format!("the previous log of {} was not read{why}", c.name),
                }]
            }
        }
    }

    pub(super) fn exit_facts(&self, code: Option<i64>) -> Option<Proof> {
        let code = code?;
        exit_code_meaning(code).map(|m| Proof::Fact {
            text: format!("exit code {code}: {m}"),
        })
    }

    pub(super) fn crash_loop(&self, c: &Ctr) -> Finding {
        let last = c.last();
        let code = last["exitCode"].as_i64();
        let reason = json_str(&last["reason"]).unwrap_or("unknown reason");
        let title = match code {
            Some(code) => format!(
                "Container {} is crash-looping: exit code {code} ({reason}), restarted {} times",
                c.name,
                c.restarts()
            ),
            None => format!(
                "Container {} is crash-looping, restarted {} times",
                c.name,
                c.restarts()
            ),
        };
        let mut f = self
            .finding("status.crash-loop", Severity::Error)
            .title(title)
            .meaning(
                "The container keeps exiting and the kubelet restarts it with a growing back-off \
                 (up to 5 minutes); the reason is in how it last exited and in its previous log.",
            );
        f = self.with_states(f, c, code);
        for e in self
            .container_events(c.name, "")
            .into_iter()
            .filter(|e| e.reason.as_deref() == Some("BackOff"))
            .rev()
            .take(1)
        {
            f = f.proof(event_proof(e, self.now));
        }
        for p in self.previous_log(c) {
            f = f.proof(p);
        }
        f = f.fix(format!(
            "kubectl logs {} -n {} -c {} --previous",
            self.name, self.ns, c.name
        ));
        for line in exit_code_fix(code, last) {
            f = f.fix(line);
        }
        f.fix(self.describe()).act(self.act_logs(c.name, true))
    }

    pub(super) fn restarted(&self, c: &Ctr) -> Finding {
        let last = c.last();
        let code = last["exitCode"].as_i64();
        let mut f = self
            .finding("status.restarted", Severity::Info)
            .title(format!(
                "Container {} restarted recently: exit code {} ({})",
                c.name,
                code.unwrap_or_default(),
                json_str(&last["reason"]).unwrap_or("unknown reason")
            ))
            .meaning(
                "The container runs now, but its previous instance failed within the last hour; \
                 if it happens again it becomes a crash loop.",
            );
        f = self.with_states(f, c, code);
        for p in self.previous_log(c) {
            f = f.proof(p);
        }
        f.fix(format!(
            "kubectl logs {} -n {} -c {} --previous",
            self.name, self.ns, c.name
        ))
        .act(self.act_logs(c.name, true))
    }

    pub(super) fn container_failed(&self, c: &Ctr) -> Finding {
        let t = c.terminated();
        let code = t["exitCode"].as_i64();
        let mut f = self
            .finding("status.container-failed", Severity::Error)
            .title(format!(
                "Container {} exited with code {} ({})",
                c.name,
                code.unwrap_or_default(),
                json_str(&t["reason"]).unwrap_or("Error")
            ))
            .meaning("The container ran and failed; it is not being restarted, so its log holds the reason.")
            .proof(self.state_proof(c));
        if let Some(p) = self.exit_facts(code) {
            f = f.proof(p);
        }
        if let Some(log) = self.ev.log(&self.name, c.name, false) {
            for p in log_tail(log, LOG_TAIL) {
                f = f.proof(p);
            }
        }
        f = f.fix(format!(
            "kubectl logs {} -n {} -c {}",
            self.name, self.ns, c.name
        ));
        for line in exit_code_fix(code, t) {
            f = f.fix(line);
        }
        f.act(self.act_logs(c.name, false))
    }

    pub(super) fn start_error(&self, c: &Ctr) -> Finding {
        let code = c.last()["exitCode"].as_i64();
        let mut f = self
            .finding("status.start-error", Severity::Error)
            .title(format!(
                "Container {} cannot start: {}",
                c.name,
                c.waiting_reason()
            ))
            .meaning(
                "The container runtime could not create or start the container: usually a \
                 command that does not exist in the image, a bad mount, or a lifecycle hook that failed.",
            )
            ;
        f = self.with_states(f, c, code);
        for e in self
            .container_events(c.name, "")
            .into_iter()
            .filter(|e| e.type_.as_deref() == Some("Warning"))
            .rev()
            .take(2)
        {
            f = f.proof(event_proof(e, self.now));
        }
        for line in exit_code_fix(code, c.last()) {
            f = f.fix(line);
        }
        f.fix(self.describe()).act(self.act_events())
    }

    pub(super) fn init_crash(&self, c: &Ctr) -> Finding {
        let t = c.terminated();
        let last = if t.is_object() { t } else { c.last() };
        let code = last["exitCode"].as_i64();
        let wr = c.waiting_reason();
        let how = if wr.is_empty() {
            format!(
                "failed with exit code {} ({})",
                code.unwrap_or_default(),
                json_str(&last["reason"]).unwrap_or("Error")
            )
        } else {
            match code {
                Some(code) => format!("{wr}, last exit code {code}"),
                None => wr.to_string(),
            }
        };
        let mut meaning = String::from(
            "Init containers run one by one before the app containers, and each must succeed; \
             until this one does, the pod stays in Init and nothing else starts.",
        );
        let storage = c.name == "storage-initializer";
        if storage {
            meaning.push_str(
                " KServe's storage-initializer downloads the model from the storageUri into \
                 /mnt/models; it fails on missing or wrong storage credentials, an unreachable \
                 endpoint or a wrong path.",
            );
        }
        let mut f = self
            .finding("status.init-crash", Severity::Error)
            .title(format!("Init container {} {how}", c.name))
            .meaning(meaning)
            .proof(self.state_proof(c));
        if !t.is_object()
            && let Some(p) = self.last_state_proof(c)
        {
            f = f.proof(p);
        }
        if let Some(p) = self.exit_facts(code) {
            f = f.proof(p);
        }
        if storage
            && let Some(uri) = self.v["metadata"]["annotations"]
                ["internal.serving.kserve.io/storage-initializer-sourceuri"]
                .as_str()
            {
                f = f.proof(Proof::Fact {
                    text: format!("storageUri: {uri}"),
                });
            }
        for e in self
            .container_events(c.name, "")
            .into_iter()
            .filter(|e| e.type_.as_deref() == Some("Warning"))
            .rev()
            .take(1)
        {
            f = f.proof(event_proof(e, self.now));
        }
        let previous = !t.is_object() && c.last().is_object();
        if previous {
            for p in self.previous_log(c) {
                f = f.proof(p);
            }
        } else if let Some(log) = self.ev.log(&self.name, c.name, false) {
            for p in log_tail(log, LOG_TAIL) {
                f = f.proof(p);
            }
        }
        f = f.fix(format!(
            "kubectl logs {} -n {} -c {}{}",
            self.name,
            self.ns,
            c.name,
            if previous { " --previous" } else { "" }
        ));
        for line in exit_code_fix(code, last) {
            f = f.fix(line);
        }
        if storage {
            let sa = json_str(&self.v["spec"]["serviceAccountName"]).unwrap_or("default");
            f = f.fix(format!(
                "Check the storage credentials: the secret named by the annotation serving.kserve.io/storageSecretName, or the secrets of service account {sa} (kubectl describe sa {sa} -n {})",
                self.ns
            ));
        }
        f.fix(self.describe()).act(self.act_logs(c.name, previous))
    }

    pub(super) fn oom_killed(&self, c: &Ctr) -> Finding {
        let current = c.terminated()["reason"].as_str() == Some("OOMKilled");
        let spec = self.container_spec(c.name);
        let limit = json_str(&spec["resources"]["limits"]["memory"]);
        let request = json_str(&spec["resources"]["requests"]["memory"]);
        let sev = if c.running() {
            Severity::Warning
        } else {
            Severity::Error
        };
        let title = match limit {
            Some(l) => format!(
                "Container {} was OOMKilled: it used more than its {l} memory limit",
                c.name
            ),
            None => format!("Container {} was OOMKilled (no memory limit set)", c.name),
        };
        let argo_wait = c.name == "wait" && self.is_argo();
        let mut meaning = String::from(
            "The kernel killed the container (exit code 137) because it used more memory than \
             allowed; it will keep being killed until the limit fits what it needs.",
        );
        if limit.is_none() {
            meaning =
                "The kernel killed the container (exit code 137) for lack of memory: with no \
                       limit of its own, the node ran out (or a LimitRange default applied)."
                    .into();
        }
        if argo_wait {
            meaning.push_str(
                " This is Argo's `wait` sidecar (the executor that saves outputs), not your step's `main`.",
            );
        }
        let mut f = self
            .finding("status.oom-killed", sev)
            .title(title)
            .meaning(meaning)
            .proof(self.state_proof(c));
        if !current && let Some(p) = self.last_state_proof(c) {
            f = f.proof(p);
        }
        f = f.proof(Proof::Fact {
            text: format!(
                "memory of {}: request {}, limit {}",
                c.name,
                request.unwrap_or("none"),
                limit.unwrap_or("none")
            ),
        });
        if c.restarts() > 0 || !current {
            for p in self.previous_log(c) {
                f = f.proof(p);
            }
        }
        let bigger = limit
            .and_then(double_memory)
            .unwrap_or_else(|| "a higher value".into());
        if argo_wait {
            f = f.fix(format!(
                "Raise the executor's memory: in the workflow-controller-configmap set executor.resources.limits.memory to {bigger} (or podSpecPatch on the template)"
            ));
        } else if self.is_argo() {
            f = f.fix(format!(
                "Raise resources.limits.memory of the template's container to {bigger} in the Workflow (or WorkflowTemplate), then resubmit"
            ));
        } else {
            match self.owner() {
                Some(o) if !o.starts_with("job/") => {
                    f = f.fix(format!(
                        "kubectl set resources {o} -n {} -c {} --limits=memory={bigger}",
                        self.ns, c.name
                    ))
                }
                Some(o) => {
                    f = f.fix(format!(
                        "A Job's pod template cannot change: recreate {o} with resources.limits.memory {bigger} for {}",
                        c.name
                    ))
                }
                None => {
                    f = f.fix(format!(
                        "Raise resources.limits.memory of {} to {bigger} and recreate the pod",
                        c.name
                    ))
                }
            }
        }
        f = f.fix(format!(
            "Watch its real usage: kubectl top pod {} -n {} --containers",
            self.name, self.ns
        ));
        f.act(self.act_logs(c.name, !current))
    }

    // -----------------------------------------------------------------------------------------
    // Images
    // -----------------------------------------------------------------------------------------
}

/// Extra fix lines for an exit code.
pub(super) fn exit_code_fix(code: Option<i64>, t: &Value) -> Vec<String> {
    let msg = t["message"].as_str().unwrap_or_default();
    match code {
        Some(0) => vec!["It exits successfully, and its restartPolicy restarts it: a one-off task belongs in a Job, and a server that returns at once needs its command/args checked".into()],
        Some(127) => vec!["Fix the container's command/args (or the image's entrypoint): the executable does not exist in the image".into()],
        Some(126) => vec!["Make the entrypoint executable (chmod +x) and built for the node's architecture".into()],
        Some(137) if !msg.is_empty() => vec![],
        Some(137) => vec!["137 without OOMKilled: look for a failing liveness probe (Unhealthy/Killing events) or memory pressure on the node".into()],
        Some(139) => vec!["The program crashed (SIGSEGV): check native libraries and the image's architecture".into()],
        Some(143) => vec!["Something stopped the container (SIGTERM): look for Killing events (liveness probe) or evictions".into()],
        _ => vec![],
    }
}

/// Doubles a memory quantity (`512Mi` → `1Gi`, `100Mi` → `200Mi`), for a suggested limit.
pub fn double_memory(q: &str) -> Option<String> {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(q.len());
    let (num, unit) = q.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult: f64 = match unit {
        "" => 1.0,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024f64.powi(4),
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        _ => return None,
    };
    let bytes = n * mult * 2.0;
    let gi = 1024f64.powi(3);
    let mi = 1024f64.powi(2);
    if bytes >= gi && (bytes / gi).fract() == 0.0 {
        Some(format!("{}Gi", (bytes / gi) as u64))
    } else {
        Some(format!("{}Mi", (bytes / mi).ceil() as u64))
    }
}
