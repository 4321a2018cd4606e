output "claim_name" {
  description = "Name of the PVC, for a backup job's `destination_claim`."
  value       = kubernetes_persistent_volume_claim.this.metadata[0].name
}

output "volume_name" {
  description = "Name of the PV."
  value       = kubernetes_persistent_volume.this.metadata[0].name
}
