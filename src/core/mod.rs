//! Pure, I/O-free helpers that reproduce what kubectl prints (pod STATUS, READY, RESTARTS, AGE).
pub mod age;
pub mod pod_status;
