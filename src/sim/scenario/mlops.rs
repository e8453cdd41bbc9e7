//! The `mlops` scenario (being written).

use jiff::Timestamp;

use super::Scenario;

pub fn scenario(_base: Timestamp) -> Scenario {
    Scenario {
        name: "mlops".into(),
        ..Default::default()
    }
}
