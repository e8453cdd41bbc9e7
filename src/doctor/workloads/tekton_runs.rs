//! Tekton PipelineRuns and TaskRuns: failed tasks with the failing step and exit code, tasks skipped or pending and why.

use super::*;

impl<'a> Ctx<'a> {
    pub(super) fn taskruns(&self) -> HashMap<String, Value> {
        self.ev
            .custom("TaskRun")
            .iter()
            .filter(|t| json_str(&t["metadata"]["namespace"]).is_none_or(|n| n == self.ns))
            .filter_map(|t| json_str(&t["metadata"]["name"]).map(|n| (n.to_string(), t.clone())))
            .collect()
    }

    pub(super) fn pipeline_run(&self) -> Vec<Finding> {
        static FAILED_TR: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"TaskRun (\S+) has failed").unwrap());
        let trs = self.taskruns();
        let tree = tekton::pipeline_run(self.obj, &trs);
        let ns = &self.ns;
        let pr = &self.name;
        let mut out = vec![];
        for t in &tree.tasks {
            let obj = trs.get(&t.name);
            match t.phase.as_str() {
                "Failed" => out.push(self.task_failed(t, obj, Some(pr))),
                "Pending" => out.extend(self.task_pending(t, obj)),
                _ => {}
            }
        }
        if tree.phase == "Failed" && !out.iter().any(|f| f.id == "tekton.task-failed") {
            let msg = tree.message.clone().unwrap_or_default();
            let mut f = Finding::new(
                "tekton.run-failed",
                Severity::Error,
                ns,
                &format!("pipelinerun/{pr}"),
            )
            .title(format!(
                "PipelineRun {pr} failed ({}): {}",
                tree.reason.as_deref().unwrap_or("Failed"),
                clean(&msg)
            ))
            .meaning(
                "The PipelineRun failed; its message names what failed (a TaskRun, a timeout, a \
                 pipeline that could not be resolved).",
            )
            .proof(Proof::Fact {
                text: format!(
                    "condition Succeeded=False ({}): {}",
                    tree.reason.as_deref().unwrap_or_default(),
                    clean(&msg)
                ),
            });
            if !self.ev.custom.contains_key("TaskRun") {
                f = f.proof(Proof::Fact {
                    text: "its TaskRuns were not read".into(),
                });
            }
            for p in &tree.problems {
                f = f.proof(Proof::Fact { text: p.clone() });
            }
            if let Some(c) = FAILED_TR.captures(&msg) {
                f = f.fix(format!("tkn taskrun logs {} -n {ns}", &c[1]));
            }
            f = f
                .fix(format!("tkn pipelinerun describe {pr} -n {ns}"))
                .fix(format!("tkn pipelinerun logs {pr} -n {ns}"));
            out.push(f);
        }
        let succeeded = tree.phase == "Succeeded";
        for (i, (task, reason)) in tree.skipped.iter().enumerate() {
            if succeeded && reason.contains("When Expressions") {
                continue;
            }
            let raw = &self.obj["status"]["skippedTasks"][i];
            out.push(self.task_skipped(task, reason, raw, &tree));
        }
        out
    }

    pub(super) fn task_run(&self) -> Vec<Finding> {
        let t = tekton::task_run(self.obj);
        match t.phase.as_str() {
            "Failed" => vec![self.task_failed(&t, Some(self.obj), None)],
            "Pending" => self.task_pending(&t, Some(self.obj)).into_iter().collect(),
            _ => vec![],
        }
    }

    /// The TaskRun's pod: `status.podName`, the pod named in the failure message, or the pod
    /// labelled `tekton.dev/taskRun=<name>`.
    pub(super) fn task_pod(&self, t: &tekton::TaskRunInfo) -> Option<String> {
        static LOGS: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"logs (\S+) -c (\S+)").unwrap());
        t.pod_name
            .clone()
            .or_else(|| {
                t.message
                    .as_deref()
                    .and_then(|m| LOGS.captures(m))
                    .map(|c| c[1].to_string())
            })
            .or_else(|| {
                self.pods_labelled(tekton::LABEL_TASK_RUN, &t.name)
                    .first()
                    .and_then(|p| p.metadata.name.clone())
            })
    }

    pub(super) fn task_failed(
        &self,
        t: &tekton::TaskRunInfo,
        obj: Option<&Value>,
        pipeline_run: Option<&str>,
    ) -> Finding {
        static STEP: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r#""(step-[^"]+)" exited with code (\d+)"#).unwrap());
        let ns = &self.ns;
        let tr = &t.name;
        let msg = t.message.clone().unwrap_or_default();
        let failing = t
            .steps
            .iter()
            .find(|s| s.exit_code.is_some_and(|c| c != 0))
            .or_else(|| {
                t.steps.iter().find(|s| {
                    matches!(
                        s.termination_reason.as_deref(),
                        Some("TimeoutExceeded") | Some("Error")
                    ) || s
                        .reason
                        .as_deref()
                        .is_some_and(|r| r.contains("BackOff") || r.contains("Err"))
                })
            });
        let (container, code) = match failing {
            Some(s) => (Some(s.container.clone()), s.exit_code.map(i64::from)),
            None => match STEP.captures(&msg) {
                Some(c) => (Some(c[1].to_string()), c[2].parse().ok()),
                None => (None, None),
            },
        };
        let task = t.pipeline_task.clone().unwrap_or_else(|| tr.clone());
        let title = match (&container, code) {
            (Some(c), Some(code)) => format!("Task {task} failed: {c} exited with code {code}"),
            (Some(c), None) => format!("Task {task} failed in {c}"),
            _ => format!(
                "Task {task} failed: {}",
                clean(t.reason.as_deref().unwrap_or("Failed"))
            ),
        };
        let mut f = Finding::new(
            "tekton.task-failed",
            Severity::Error,
            ns,
            &format!("taskrun/{tr}"),
        )
        .title(title)
        .meaning(match pipeline_run {
            Some(_) => "A TaskRun of the pipeline failed: one of its steps exited non-zero (or the run timed out), so the steps after it and the tasks that run after it did not run.",
            None => "The TaskRun failed: one of its steps exited non-zero (or the run timed out), so the steps after it did not run.",
        })
        .proof(Proof::Fact {
            text: format!(
                "condition Succeeded=False ({}): {}",
                t.reason.as_deref().unwrap_or_default(),
                clean(&msg)
            ),
        });
        if let Some(s) = failing {
            let mut text = s.state.clone();
            if let Some(c) = s.exit_code {
                text = format!("{text}, exit code {c}");
            }
            if let Some(m) = &s.message {
                text = format!("{text}: {}", clean(m));
            }
            f = f.proof(Proof::State {
                pod: self.task_pod(t).unwrap_or_default(),
                container: s.container.clone(),
                text,
            });
        }
        if let Some(m) = code.and_then(exit_code_meaning) {
            f = f.proof(Proof::Fact {
                text: format!("exit code {}: {m}", code.unwrap_or_default()),
            });
        }
        let pod = self.task_pod(t);
        let mut hints = vec![];
        if let (Some(p), Some(c)) = (&pod, &container)
            && let Some(log) = self.ev.log(p, c, false)
        {
            for l in log_tail(log, LOG_TAIL) {
                f = f.proof(l);
            }
            hints = log_hints(log);
        }
        if obj.is_none() {
            f = f.proof(Proof::Fact {
                text: format!("TaskRun {tr} itself was not read"),
            });
        }
        for p in self.ev.events_of("TaskRun", ns, tr).iter().rev().take(1) {
            f = f.proof(event_proof(p, self.now));
        }
        for h in hints {
            f = f.fix(h);
        }
        f = f.fix(format!("tkn taskrun logs {tr} -n {ns}"));
        match (&pod, &container) {
            (Some(p), Some(c)) => {
                f = f.fix(format!("kubectl logs {p} -n {ns} -c {c}"));
            }
            (None, Some(c)) => {
                f = f.fix(format!(
                    "kubectl logs -n {ns} -l tekton.dev/taskRun={tr} -c {c}"
                ));
            }
            _ => {}
        }
        if let Some(pr) = pipeline_run {
            f = f.fix(format!("tkn pipelinerun describe {pr} -n {ns}"));
        }
        if let (Some(p), Some(c)) = (pod, container) {
            f = f.act(Act::Logs {
                namespace: ns.clone(),
                pod: p,
                container: c,
                previous: false,
            });
        }
        f
    }

    pub(super) fn task_pending(
        &self,
        t: &tekton::TaskRunInfo,
        obj: Option<&Value>,
    ) -> Option<Finding> {
        let since = t
            .started
            .or_else(|| obj.and_then(|o| json_time(&o["metadata"]["creationTimestamp"])))?;
        let waited = secs_between(since, self.now);
        if waited < PENDING_SECS {
            return None;
        }
        let ns = &self.ns;
        let tr = &t.name;
        let pod = self.task_pod(t);
        let mut f = Finding::new(
            "tekton.task-pending",
            Severity::Warning,
            ns,
            &format!("taskrun/{tr}"),
        )
        .title(format!(
            "TaskRun {tr} has been pending for {}",
            crate::core::age::age_since(since, self.now)
        ))
        .meaning(
            "The TaskRun's pod has not started its steps: it is not scheduled, its images cannot \
             be pulled or its volumes mounted; the pod's own status and events say which.",
        );
        if let Some(m) = &t.message {
            f = f.proof(Proof::Fact {
                text: format!(
                    "condition Succeeded=Unknown ({}): {}",
                    t.reason.as_deref().unwrap_or_default(),
                    clean(m)
                ),
            });
        }
        let waiting: BTreeSet<String> = t.steps.iter().filter_map(|s| s.reason.clone()).collect();
        if !waiting.is_empty() {
            f = f.proof(Proof::Fact {
                text: format!(
                    "{} steps waiting: {}",
                    t.steps.len(),
                    waiting.into_iter().collect::<Vec<_>>().join(", ")
                ),
            });
        }
        match pod {
            Some(p) => {
                if let Some(pod) = self.pod(&p) {
                    f = f.proof(Proof::Fact {
                        text: format!("pod {p}: {}", pod_status(pod)),
                    });
                }
                f = f
                    .fix(format!("kubectl describe pod {p} -n {ns}"))
                    .act(Act::Events {
                        namespace: ns.clone(),
                        object: format!("pod/{p}"),
                    });
            }
            None => {
                f = f.fix(format!(
                    "kubectl get pods -n {ns} -l tekton.dev/taskRun={tr}"
                ));
            }
        }
        Some(f.fix(format!("tkn taskrun describe {tr} -n {ns}")))
    }

    pub(super) fn task_skipped(
        &self,
        task: &str,
        reason: &str,
        raw: &Value,
        tree: &tekton::PipelineRunTree,
    ) -> Finding {
        let pr = &self.name;
        let ns = &self.ns;
        let failure_cascade = !reason.contains("When Expressions");
        let sev = if failure_cascade && tree.phase != "Succeeded" {
            Severity::Warning
        } else {
            Severity::Info
        };
        let meaning = if reason.contains("stopping") {
            "A task failed, so the PipelineRun stopped scheduling new tasks; this task never ran."
        } else if reason.contains("Parent Tasks were skipped") {
            "A task it runs after was skipped, so it was skipped too."
        } else if reason.contains("Results were missing") {
            "It needs a result that an earlier task did not produce."
        } else if reason.contains("When Expressions") {
            "Its `when` expressions evaluated to false, so it was not meant to run."
        } else if reason.contains("timeout") || reason.contains("cancel") {
            "The PipelineRun timed out or was cancelled before this task could start."
        } else {
            "Tekton skipped the task; the reason says why."
        };
        let mut f = Finding::new("tekton.task-skipped", sev, ns, &format!("pipelinerun/{pr}"))
            .title(format!("Task {task} of {pr} was skipped: {reason}"))
            .meaning(meaning);
        // What it runs after, and how those ended.
        let spec_tasks = array(&self.obj["status"]["pipelineSpec"]["tasks"]);
        let spec_tasks = if spec_tasks.is_empty() {
            array(&self.obj["spec"]["pipelineSpec"]["tasks"])
        } else {
            spec_tasks
        };
        if let Some(t) = spec_tasks.iter().find(|t| t["name"].as_str() == Some(task)) {
            let after: Vec<String> = array(&t["runAfter"])
                .iter()
                .filter_map(Value::as_str)
                .map(|a| {
                    let phase = tree
                        .tasks
                        .iter()
                        .find(|x| x.pipeline_task.as_deref() == Some(a))
                        .map(|x| x.phase.clone())
                        .or_else(|| {
                            tree.skipped
                                .iter()
                                .any(|(n, _)| n == a)
                                .then(|| "Skipped".to_string())
                        })
                        .unwrap_or_else(|| "unknown".into());
                    format!("{a} ({phase})")
                })
                .collect();
            if !after.is_empty() {
                f = f.proof(Proof::Fact {
                    text: format!("{task} runs after {}", after.join(", ")),
                });
            }
        }
        for w in array(&raw["whenExpressions"]) {
            let values: Vec<&str> = array(&w["values"])
                .iter()
                .filter_map(Value::as_str)
                .collect();
            f = f.proof(Proof::Fact {
                text: format!(
                    "when: {:?} {} [{}]",
                    w["input"].as_str().unwrap_or_default(),
                    w["operator"].as_str().unwrap_or_default(),
                    values.join(", ")
                ),
            });
        }
        if failure_cascade && tree.phase != "Succeeded" {
            f = f.fix(format!(
                "Fix the failed task first; then rerun the pipeline: tkn pipeline start {} -n {ns} (or re-apply the PipelineRun)",
                json_str(&self.obj["spec"]["pipelineRef"]["name"]).unwrap_or("PIPELINE")
            ));
        }
        f.fix(format!("tkn pipelinerun describe {pr} -n {ns}"))
    }
}
