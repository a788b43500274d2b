/**
 * Every pinned version of the platform, in one file. Nothing else hard-codes a version:
 * charts, images (by digest), tools, GitHub Actions (by commit SHA), K3s, the Proxmox provider.
 * Each section is owned by the layer that uses it.
 */

/** Kubernetes minor the manifests are validated against (K3s channel below must match). */
export const kubernetesMinor = '1.30';

// --- Helm charts (ArgoCD Applications) -------------------------------------------------------

// --- Container images (pinned by digest) -----------------------------------------------------

// --- GitHub Actions (pinned by full commit SHA; the comment is the release tag) ----------------

// --- Cluster (Proxmox / K3s) -------------------------------------------------------------------

// --- Tools ---------------------------------------------------------------------------------------
