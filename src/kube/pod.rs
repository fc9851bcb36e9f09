//! The parts of a v1 Pod that `kubectl toolbox` decides on, parsed from `kubectl get -o json`.
//!
//! Field names are the API's (core/v1 `Pod`, `PodSpec`, `EphemeralContainer`,
//! `ContainerStatus`, `ContainerState`, `SecurityContext`); everything else is ignored, and a
//! missing field is empty, as the API omits empty fields.

use serde::Deserialize;

/// `kubectl get pod NAME -o json`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Pod {
    /// `metadata`.
    pub metadata: Metadata,
    /// `spec`.
    pub spec: Spec,
    /// `status`.
    pub status: Status,
}

/// `kubectl get pods -o json`: a `List` (or `PodList`) of pods.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PodList {
    /// The pods.
    pub items: Vec<Pod>,
}

/// `metadata`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Metadata {
    /// Pod name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
}

/// `spec`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Spec {
    /// The app containers, in order.
    pub containers: Vec<Container>,
    /// Ephemeral (debug) containers, in the order they were added.
    pub ephemeral_containers: Vec<EphemeralContainer>,
    /// The node the pod runs on.
    pub node_name: Option<String>,
}

/// One app container (`spec.containers[]`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Container {
    /// Container name.
    pub name: String,
}

/// One ephemeral container (`spec.ephemeralContainers[]`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EphemeralContainer {
    /// Container name.
    pub name: String,
    /// Image.
    pub image: String,
    /// Entrypoint override (what `kubectl debug … -- CMD` sets).
    pub command: Vec<String>,
    /// Arguments.
    pub args: Vec<String>,
    /// The container whose namespaces it shares (`kubectl debug --target`).
    pub target_container_name: Option<String>,
    /// What the profile set.
    pub security_context: Option<SecurityContext>,
}

/// `securityContext`, the parts a profile sets.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SecurityContext {
    /// `privileged`.
    pub privileged: Option<bool>,
    /// `capabilities`.
    pub capabilities: Option<Capabilities>,
}

/// `securityContext.capabilities`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Capabilities {
    /// Added, without `CAP_`.
    pub add: Vec<String>,
    /// Dropped.
    pub drop: Vec<String>,
}

/// `status`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Status {
    /// `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`.
    pub phase: String,
    /// Why the pod is in its phase (`Evicted`…).
    pub reason: Option<String>,
    /// App containers' states.
    pub container_statuses: Vec<ContainerStatus>,
    /// Ephemeral containers' states.
    pub ephemeral_container_statuses: Vec<ContainerStatus>,
}

/// One `containerStatuses[]` entry.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ContainerStatus {
    /// Container name.
    pub name: String,
    /// Current state (one of the three is set).
    pub state: ContainerState,
}

/// `state`: exactly one of running, waiting, terminated is set by the API.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ContainerState {
    /// Running since.
    pub running: Option<serde_json::Value>,
    /// Not yet running, with a reason (`ContainerCreating`, `ErrImagePull`…).
    pub waiting: Option<Reason>,
    /// Ended.
    pub terminated: Option<Reason>,
}

/// `waiting` or `terminated`: reason, message, exit code.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Reason {
    /// Machine-readable reason.
    pub reason: Option<String>,
    /// Human-readable message.
    pub message: Option<String>,
    /// Exit code (terminated).
    pub exit_code: Option<i32>,
}

impl EphemeralContainer {
    /// Whether it runs `toolbox idle` (command, or command and args, as `kubectl debug -- …` and
    /// `--arguments-only` set them).
    pub fn runs_idle(&self) -> bool {
        let words: Vec<&str> = self
            .command
            .iter()
            .chain(&self.args)
            .map(String::as_str)
            .collect();
        match words.as_slice() {
            [prog, "idle"] => {
                let base = prog.rsplit('/').next().unwrap_or(prog);
                base == "toolbox"
            }
            ["idle"] => self.command.is_empty(),
            _ => false,
        }
    }

    /// Whether its security context grants what `profile` grants.
    pub fn grants(&self, profile: crate::caps::Profile) -> bool {
        let Some(sc) = &self.security_context else {
            return false;
        };
        if sc.privileged == Some(true) {
            return true;
        }
        if profile.privileged() {
            return false;
        }
        let added: Vec<String> = sc
            .capabilities
            .iter()
            .flat_map(|c| c.add.iter())
            .map(|c| c.trim_start_matches("CAP_").to_ascii_uppercase())
            .collect();
        profile
            .adds()
            .iter()
            .all(|want| added.iter().any(|a| a == want))
    }
}

impl Pod {
    /// The state of the (app or ephemeral) container `name`.
    pub fn state_of(&self, name: &str) -> Option<&ContainerState> {
        self.status
            .container_statuses
            .iter()
            .chain(&self.status.ephemeral_container_statuses)
            .find(|s| s.name == name)
            .map(|s| &s.state)
    }

    /// Whether container `name` is running.
    pub fn is_running(&self, name: &str) -> bool {
        self.state_of(name).is_some_and(|s| s.running.is_some())
    }

    /// Every container name, app and ephemeral (names are unique across both in a pod).
    pub fn container_names(&self) -> impl Iterator<Item = &str> {
        self.spec.containers.iter().map(|c| c.name.as_str()).chain(
            self.spec
                .ephemeral_containers
                .iter()
                .map(|c| c.name.as_str()),
        )
    }
}
