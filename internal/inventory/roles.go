package inventory

import (
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// DefaultRole guesses a source's role from its kind and name when no one
// set it: clinical engineering for CMMS-like names, IT for CMDB-like ones.
func DefaultRole(name string, kind vigil.SourceKind) vigil.SourceRole {
	n := strings.ToLower(name)
	switch {
	case kind == vigil.SourceScanner:
		return vigil.SourceRoleScanner
	case kind == vigil.SourceNetwork:
		return vigil.SourceRoleNetwork
	case kind != vigil.SourceInventory:
		return vigil.SourceRoleOther
	case strings.Contains(n, "cmms") || strings.Contains(n, "biomed") || strings.Contains(n, "clinical") || strings.HasPrefix(n, "ce"):
		return vigil.SourceRoleClinicalEngineering
	case strings.Contains(n, "cmdb") || strings.Contains(n, "it") || strings.Contains(n, "servicenow"):
		return vigil.SourceRoleIT
	}
	return vigil.SourceRoleOther
}
