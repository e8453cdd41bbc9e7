//! The synthetic `load` scenario: many running pods across namespaces, each writing logs.

use jiff::Timestamp;

use super::build::{c, namespace, pod};
use super::{Generator, Scenario};

#[derive(Debug, Clone)]
pub struct LoadSpec {
    pub pods: usize,
    pub namespaces: usize,
    /// Lines per second per container.
    pub log_rate: f64,
}

impl Default for LoadSpec {
    fn default() -> Self {
        LoadSpec {
            pods: 1000,
            namespaces: 10,
            log_rate: 1.0,
        }
    }
}

pub fn scenario(spec: &LoadSpec, base: Timestamp) -> Scenario {
    let namespaces = spec.namespaces.max(1);
    let mut s = Scenario {
        name: "load".into(),
        log_cap: Some(2_000),
        ..Default::default()
    };
    for n in 0..namespaces {
        s.objects.push(namespace(&format!("load-{n:03}")));
    }
    for i in 0..spec.pods {
        let ns = format!("load-{:03}", i % namespaces);
        let name = format!("worker-{i:05}-{:05x}", (i * 7919) % 0xfffff);
        let p = pod(base, &ns, &name, 3600 + (i as i64 % 600))
            .labels(&[("app", "worker"), ("shard", &(i % 16).to_string())])
            .container(
                c("app", "registry.example.com/load/worker:1.0")
                    .port("http", 8080)
                    .running(-3000),
            )
            .build();
        s.objects.push(p);
        if spec.log_rate > 0.0 {
            s.generators.push(Generator {
                ns: ns.clone(),
                pod: name.clone(),
                container: "app".into(),
                rate: spec.log_rate,
                template: format!("level=info msg=\"handled request\" pod={name} seq={{n}} status=200 latency_ms=12"),
            });
        }
    }
    super::cluster::complete(&mut s, base);
    s
}
